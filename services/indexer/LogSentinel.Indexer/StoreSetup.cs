using LogSentinel.Indexer.Elasticsearch;
using LogSentinel.Indexer.MySql;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.Indexer;

/// <summary>
/// Before the bus starts: Elasticsearch's lifecycle policies and index templates are put (idempotent), MySQL's
/// migrations applied. A store that is not reachable is waited for (with back-off, up to StartTimeout); then the
/// start fails with the reason, rather than consuming messages it could not store.
/// </summary>
public sealed partial class StoreSetup(IOptions<IndexerOptions> options, IHttpClientFactoryShim http, ILogger<StoreSetup> logger) : IHostedService
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var value = options.Value;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        if (value.Elasticsearch.Url is { } url)
        {
            var client = new ElasticsearchClient(http.Create(), value.Elasticsearch);
            await Retry("Elasticsearch", async token =>
            {
                var health = await client.HealthAsync(token).ConfigureAwait(false);
                foreach (var (path, body) in new IndexTemplates(value.Elasticsearch).Requests())
                    await client.PutAsync(path, body, token).ConfigureAwait(false);
                LogElasticsearchReady(logger, url, health);
            }, timeout.Token).ConfigureAwait(false);
        }
        if (!string.IsNullOrWhiteSpace(value.MySql.ConnectionString))
        {
            await Retry("MySQL", async token =>
            {
                await using var connection = await MySqlDatabase.OpenAsync(value.MySql.ConnectionString, token).ConfigureAwait(false);
                var applied = await SchemaMigrator.MigrateAsync(connection, token).ConfigureAwait(false);
                var versions = applied.Count == 0 ? "none" : string.Join(", ", applied.Select(v => $"V{v:D4}"));
                LogMySqlReady(logger, versions, SchemaMigrator.All.Count);
            }, timeout.Token).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task Retry(string store, Func<CancellationToken, Task> setUp, CancellationToken cancellation)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (true)
        {
            try
            {
                await setUp(cancellation).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not (OperationCanceledException or SchemaMismatchException))
            {
                LogWaiting(logger, store, delay, e.Message);
                await Task.Delay(delay, cancellation).ConfigureAwait(false);
                delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 15));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Elasticsearch {Url} ({Health}): lifecycle policies and index templates in place")]
    private static partial void LogElasticsearchReady(ILogger logger, Uri url, string health);

    [LoggerMessage(Level = LogLevel.Information, Message = "MySQL schema up to date (applied now: {Applied}; {Count} migrations in all)")]
    private static partial void LogMySqlReady(ILogger logger, string applied, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Store} is not ready; trying again in {Delay}: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string store, TimeSpan delay, string reason);
}
