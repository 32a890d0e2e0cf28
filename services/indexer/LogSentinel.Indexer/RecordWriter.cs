using LogSentinel.Contracts;
using LogSentinel.Indexer.Elasticsearch;
using LogSentinel.Indexer.MySql;
using LogSentinel.Indexer.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.Indexer;

/// <summary>
/// Writes one batch of records to the configured stores: Elasticsearch first, then MySQL. Returns only when both
/// have them; a failure throws and the messages go back to the bus. Both writes are idempotent, so a batch written
/// to Elasticsearch and then failed in MySQL is simply written again.
/// </summary>
public sealed class RecordWriter
{
    private readonly BulkIndexer? _elasticsearch;
    private readonly Documents? _documents;
    private readonly MySqlSink? _mysql;
    private readonly IndexerMetrics _metrics;

    public RecordWriter(IOptions<IndexerOptions> options, IndexerMetrics metrics, TimeProvider time, ILoggerFactory loggers, IHttpClientFactoryShim http)
    {
        var value = options.Value;
        _metrics = metrics;
        if (value.Elasticsearch.Url is not null)
        {
            var client = new ElasticsearchClient(http.Create(), value.Elasticsearch);
            var templates = new IndexTemplates(value.Elasticsearch);
            _elasticsearch = new BulkIndexer(client, value.Elasticsearch, templates, metrics, time, loggers.CreateLogger<BulkIndexer>());
            _documents = new Documents(templates);
        }
        if (!string.IsNullOrWhiteSpace(value.MySql.ConnectionString))
            _mysql = new MySqlSink(value.MySql, metrics);
    }

    public async Task WriteAsync(IReadOnlyList<SecurityEvent> events, IReadOnlyList<AlertRaised> alerts, IReadOnlyList<WindowAnalyzed> analyses, CancellationToken cancellation)
    {
        _metrics.Received.Add(events.Count, new KeyValuePair<string, object?>("kind", "event"));
        _metrics.Received.Add(alerts.Count, new KeyValuePair<string, object?>("kind", "alert"));
        _metrics.Received.Add(analyses.Count, new KeyValuePair<string, object?>("kind", "analysis"));
        if (_elasticsearch is not null)
        {
            var documents = new List<BulkDocument>(events.Count + alerts.Count + analyses.Count);
            documents.AddRange(events.Select(_documents!.Of));
            documents.AddRange(alerts.Select(_documents.Of));
            documents.AddRange(analyses.Select(_documents.Of));
            try
            {
                await _elasticsearch.IndexAsync(documents, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _metrics.Errors.Add(1, new KeyValuePair<string, object?>("sink", "elasticsearch"));
                throw;
            }
        }
        if (_mysql is not null)
        {
            try
            {
                await _mysql.WriteAsync(events, alerts, analyses, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _metrics.Errors.Add(1, new KeyValuePair<string, object?>("sink", "mysql"));
                throw;
            }
        }
    }
}

/// <summary>The HttpClient the Elasticsearch client uses (tests hand in their own).</summary>
public interface IHttpClientFactoryShim
{
    HttpClient Create();
}

public sealed class DefaultHttpClients : IHttpClientFactoryShim
{
    public HttpClient Create() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
}
