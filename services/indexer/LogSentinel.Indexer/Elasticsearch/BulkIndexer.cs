using System.Text.Json;
using LogSentinel.Indexer.Telemetry;
using Microsoft.Extensions.Logging;

namespace LogSentinel.Indexer.Elasticsearch;

/// <summary>
/// Gets documents into Elasticsearch and says so only when Elasticsearch acknowledged every one of them: split into
/// bulk requests by count and size; per document, created or already there (409 on "create") is done, a refusal for
/// now (429, 5xx) is retried alone with back-off, a refusal for good (a mapping error) goes to the dead-letter index
/// with the reason and the document as text. Throws when retries run out: the caller acknowledges nothing.
/// </summary>
public sealed partial class BulkIndexer(ElasticsearchClient client, ElasticsearchOptions options, IndexerMetrics metrics, TimeProvider time, ILogger<BulkIndexer> logger)
{
    public string DeadLetterIndex => options.Prefix + "-deadletter";

    public async Task IndexAsync(IReadOnlyList<BulkDocument> documents, CancellationToken cancellation)
    {
        var pending = documents.ToList();
        for (var attempt = 0; pending.Count > 0; attempt++)
        {
            if (attempt > 0)
            {
                if (attempt > options.MaxRetries)
                    throw new ElasticsearchException(System.Net.HttpStatusCode.ServiceUnavailable, $"{pending.Count} documents still refused after {options.MaxRetries} retries");
                var delay = TimeSpan.FromMilliseconds(options.RetryDelay.TotalMilliseconds * Math.Pow(2, attempt - 1) * (0.8 + 0.4 * Random.Shared.NextDouble()));
                metrics.BulkRetries.Add(pending.Count);
                LogRetry(logger, pending.Count, delay);
                await Task.Delay(delay, time, cancellation).ConfigureAwait(false);
            }
            var again = new List<BulkDocument>();
            foreach (var chunk in BulkRequest.Split(pending, options.BulkMaxDocuments, options.BulkMaxBytes))
            {
                IReadOnlyList<BulkItemResult> results;
                try
                {
                    results = await client.BulkAsync(BulkRequest.Build(chunk), chunk.Count, cancellation).ConfigureAwait(false);
                    metrics.BulkRequests.Add(1);
                }
                catch (Exception e) when (e is ElasticsearchException { IsTransient: true } or HttpRequestException or TaskCanceledException { InnerException: TimeoutException })
                {
                    LogRequestFailed(logger, e.Message);
                    again.AddRange(chunk);
                    continue;
                }
                for (var i = 0; i < chunk.Count; i++)
                {
                    var (document, result) = (chunk[i], results[i]);
                    if (result.Status is >= 200 and < 300 || (result.Status == 409 && document.Operation == BulkDocument.Create))
                        metrics.DocumentsIndexed.Add(1, new KeyValuePair<string, object?>("index", document.Index));
                    else if (result.Status is 429 or >= 500)
                        again.Add(document);
                    else if (document.Index == DeadLetterIndex)
                        throw new ElasticsearchException((System.Net.HttpStatusCode)result.Status, $"the dead-letter index refused a document: {result.ErrorType}: {result.ErrorReason}");
                    else
                    {
                        metrics.DocumentsDeadLettered.Add(1, new KeyValuePair<string, object?>("index", document.Index));
                        LogDeadLetter(logger, document.Index, document.Id, result.ErrorType ?? "", result.ErrorReason ?? "");
                        again.Add(DeadLetter(document, result));
                    }
                }
            }
            pending = again;
        }
    }

    /// <summary>The refused document as text, with why, where and when: nothing is lost, and the index stays clean.</summary>
    private BulkDocument DeadLetter(BulkDocument document, BulkItemResult result)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("@timestamp", time.GetUtcNow().UtcDateTime);
            writer.WriteString("index", document.Index);
            writer.WriteString("document_id", document.Id);
            writer.WriteNumber("status", result.Status);
            writer.WriteString("error_type", result.ErrorType);
            writer.WriteString("error_reason", result.ErrorReason is { Length: > 2000 } r ? r[..2000] : result.ErrorReason);
            writer.WriteString("document", System.Text.Encoding.UTF8.GetString(document.Source));
            writer.WriteEndObject();
        }
        return new BulkDocument(DeadLetterIndex, document.Index + ":" + document.Id, BulkDocument.IndexOperation, buffer.ToArray());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying {Count} documents Elasticsearch refused for now, in {Delay}")]
    private static partial void LogRetry(ILogger logger, int count, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A bulk request failed: {Reason}")]
    private static partial void LogRequestFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Elasticsearch refused {Index}/{Id} for good ({Type}: {Reason}); it goes to the dead-letter index")]
    private static partial void LogDeadLetter(ILogger logger, string index, string id, string type, string reason);
}
