using System.Text.Json;
using LogSentinel.Indexer.Telemetry;
using Microsoft.Extensions.Logging;

namespace LogSentinel.Indexer.Elasticsearch;

/// <summary>
/// Gets documents into Elasticsearch and says so only when Elasticsearch acknowledged every one of them: split into
/// bulk requests by count and size; per document, created or already there is done, a refusal about the store
/// (429, 5xx, 401/403/404) is retried alone with back-off, a document that does not fit (400: a mapping error) goes
/// at once to the dead-letter index with the reason and its text. Throws when retries run out: the caller
/// acknowledges nothing.
/// </summary>
public sealed partial class BulkIndexer(ElasticsearchClient client, ElasticsearchOptions options, IndexTemplates templates, IndexerMetrics metrics, TimeProvider time, ILogger<BulkIndexer> logger)
{
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
            var letters = await SendAsync(pending, again, cancellation).ConfigureAwait(false);
            // Dead letters go out at once, not at the next retry: they are not the store's trouble but the document's.
            if (letters.Count > 0 && (await SendAsync(letters, again, cancellation).ConfigureAwait(false)).Count > 0)
                throw new ElasticsearchException(System.Net.HttpStatusCode.BadRequest, "the dead-letter index refused a document");
            pending = again;
        }
    }

    /// <summary>
    /// One round of bulk requests. Done: 2xx, and 409 (the id exists for "create"; a newer version exists for a
    /// versioned "index"). Again later (into <paramref name="again"/>): 429, 5xx and any other refusal that is about
    /// the store (401, 403, 404: credentials or set-up an operator fixes). Returned as dead letters: 400, the
    /// document itself does not fit.
    /// </summary>
    private async Task<List<BulkDocument>> SendAsync(List<BulkDocument> documents, List<BulkDocument> again, CancellationToken cancellation)
    {
        var letters = new List<BulkDocument>();
        foreach (var chunk in BulkRequest.Split(documents, options.BulkMaxDocuments, options.BulkMaxBytes))
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
                if (result.Status is >= 200 and < 300 || (result.Status == 409 && (document.Operation == BulkDocument.Create || document.Version is not null)))
                    metrics.DocumentsIndexed.Add(1, new KeyValuePair<string, object?>("index", document.Index));
                else if (result.Status != 400)
                    again.Add(document);
                else if (templates.IsDeadLetter(document.Index))
                    letters.Add(document);
                else
                {
                    metrics.DocumentsDeadLettered.Add(1, new KeyValuePair<string, object?>("index", document.Index));
                    LogDeadLetter(logger, document.Index, document.Id, result.ErrorType ?? "", result.ErrorReason ?? "");
                    letters.Add(DeadLetter(document, result));
                }
            }
        }
        return letters;
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
        var now = time.GetUtcNow().UtcDateTime;
        return new BulkDocument(templates.DeadLetterIndex(now), document.Index + ":" + document.Id, BulkDocument.IndexOperation, buffer.ToArray());
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retrying {Count} documents Elasticsearch refused for now, in {Delay}")]
    private static partial void LogRetry(ILogger logger, int count, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A bulk request failed: {Reason}")]
    private static partial void LogRequestFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Elasticsearch refused {Index}/{Id} for good ({Type}: {Reason}); it goes to the dead-letter index")]
    private static partial void LogDeadLetter(ILogger logger, string index, string id, string type, string reason);
}
