namespace LogSentinel.Indexer.Elasticsearch;

/// <summary>
/// One document of a bulk request. "create" (data streams: append only; a document whose id exists is left as it
/// is, so a redelivery changes nothing) or "index" (regular indices: the newer revision replaces the older).
/// </summary>
public sealed record BulkDocument(string Index, string Id, string Operation, byte[] Source)
{
    public const string Create = "create";
    public const string IndexOperation = "index";
}

/// <summary>What Elasticsearch said about one document of a bulk request.</summary>
public sealed record BulkItemResult(int Status, string? ErrorType, string? ErrorReason);
