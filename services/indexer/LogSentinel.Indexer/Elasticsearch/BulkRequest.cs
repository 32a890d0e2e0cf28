using System.Buffers;
using System.Text.Json;

namespace LogSentinel.Indexer.Elasticsearch;

/// <summary>
/// The _bulk body (NDJSON): per document an action line {"create":{"_index":...,"_id":...}} and the source on one
/// line, each ending in a newline, the body too. Documents are split into requests of at most N documents and
/// about M bytes (a document larger than M goes alone).
/// </summary>
public static class BulkRequest
{
    public static byte[] Build(IReadOnlyList<BulkDocument> documents)
    {
        var buffer = new ArrayBufferWriter<byte>(documents.Sum(d => d.Source.Length + 96));
        foreach (var document in documents)
            Write(buffer, document);
        return buffer.WrittenSpan.ToArray();
    }

    public static IEnumerable<IReadOnlyList<BulkDocument>> Split(IReadOnlyList<BulkDocument> documents, int maxDocuments, int maxBytes)
    {
        var current = new List<BulkDocument>();
        var bytes = 0;
        foreach (var document in documents)
        {
            var size = document.Source.Length + document.Id.Length + document.Index.Length + 40;
            if (current.Count > 0 && (current.Count == maxDocuments || bytes + size > maxBytes))
            {
                yield return current;
                current = [];
                bytes = 0;
            }
            current.Add(document);
            bytes += size;
        }
        if (current.Count > 0)
            yield return current;
    }

    private static void Write(ArrayBufferWriter<byte> buffer, BulkDocument document)
    {
        using (var action = new Utf8JsonWriter(buffer))
        {
            action.WriteStartObject();
            action.WriteStartObject(document.Operation);
            action.WriteString("_index", document.Index);
            action.WriteString("_id", document.Id);
            if (document.Version is { } version)
            {
                action.WriteNumber("version", version);
                action.WriteString("version_type", "external_gte");
            }
            action.WriteEndObject();
            action.WriteEndObject();
        }
        buffer.Write("\n"u8);
        // Sources are compact JSON written by System.Text.Json: no raw newline can be in them.
        buffer.Write(document.Source);
        buffer.Write("\n"u8);
    }
}
