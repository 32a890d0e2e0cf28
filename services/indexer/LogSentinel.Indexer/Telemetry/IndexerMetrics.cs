using System.Diagnostics.Metrics;

namespace LogSentinel.Indexer.Telemetry;

/// <summary>The indexer's counters, under the pipeline's common names (received, sent, dropped, errors) and its own.</summary>
public sealed class IndexerMetrics : IDisposable
{
    public const string MeterName = "LogSentinel.Indexer";

    private readonly Meter _meter = new(MeterName);

    public IndexerMetrics()
    {
        Received = _meter.CreateCounter<long>("logsentinel.indexer.received", "{record}", "Events, alerts and analyses received, by kind");
        DocumentsIndexed = _meter.CreateCounter<long>("logsentinel.indexer.es.indexed", "{document}", "Documents Elasticsearch acknowledged, by index");
        DocumentsDeadLettered = _meter.CreateCounter<long>("logsentinel.indexer.es.dead_lettered", "{document}", "Documents Elasticsearch refused for good, sent to the dead-letter index");
        BulkRequests = _meter.CreateCounter<long>("logsentinel.indexer.es.bulk_requests", "{request}", "Bulk requests made");
        BulkRetries = _meter.CreateCounter<long>("logsentinel.indexer.es.retried", "{document}", "Documents sent again after a 429/5xx");
        RowsWritten = _meter.CreateCounter<long>("logsentinel.indexer.mysql.rows", "{row}", "Rows inserted or updated in MySQL, by table");
        Errors = _meter.CreateCounter<long>("logsentinel.indexer.errors", "{batch}", "Batches that failed and go back to the bus, by sink");
    }

    public Counter<long> Received { get; }
    public Counter<long> DocumentsIndexed { get; }
    public Counter<long> DocumentsDeadLettered { get; }
    public Counter<long> BulkRequests { get; }
    public Counter<long> BulkRetries { get; }
    public Counter<long> RowsWritten { get; }
    public Counter<long> Errors { get; }

    public void Dispose() => _meter.Dispose();
}
