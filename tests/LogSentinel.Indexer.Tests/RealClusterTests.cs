using LogSentinel.Contracts;
using LogSentinel.Indexer.Elasticsearch;
using LogSentinel.Indexer.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using static LogSentinel.Indexer.Tests.Records;

namespace LogSentinel.Indexer.Tests;

/// <summary>Runs only when LOGSENTINEL_TEST_ELASTICSEARCH_URL names a real cluster; reported as skipped otherwise, never as passed.</summary>
public sealed class RealClusterFactAttribute : FactAttribute
{
    public static readonly string? Url = Environment.GetEnvironmentVariable("LOGSENTINEL_TEST_ELASTICSEARCH_URL");

    public RealClusterFactAttribute()
    {
        if (string.IsNullOrWhiteSpace(Url))
            Skip = "no real Elasticsearch: set LOGSENTINEL_TEST_ELASTICSEARCH_URL (and LOGSENTINEL_TEST_ELASTICSEARCH_API_KEY) to run";
    }
}

public sealed class RealClusterTests
{
    [RealClusterFact]
    public async Task Should_set_up_index_and_find_events_on_a_real_cluster()
    {
        var options = new ElasticsearchOptions
        {
            Url = new Uri(RealClusterFactAttribute.Url!),
            ApiKey = Environment.GetEnvironmentVariable("LOGSENTINEL_TEST_ELASTICSEARCH_API_KEY"),
            Prefix = "logsentinel-test-" + Guid.NewGuid().ToString("N")[..8],
        };
        var client = new ElasticsearchClient(new HttpClient(), options);
        foreach (var (path, body) in new IndexTemplates(options).Requests())
            await client.PutAsync(path, body, CancellationToken.None);
        var templates = new IndexTemplates(options);
        var documents = new Documents(templates);
        var indexer = new BulkIndexer(client, options, templates, new IndexerMetrics(), TimeProvider.System, NullLogger<BulkIndexer>.Instance);
        // 20 failed attempts, and PAM's line for each of the first 5: lines, not attempts.
        var batch = Enumerable.Range(0, 20).Select(n => documents.Of(Failure(n)))
            .Concat(Enumerable.Range(100, 5).Select(n => documents.Of(Failure(n, action: EventActions.PamAuthFailed, attempt: false)))).ToList();
        await indexer.IndexAsync(batch, CancellationToken.None);
        await indexer.IndexAsync(batch, CancellationToken.None);
        await Task.Delay(1500);
        Assert.Equal(25, await client.CountAsync(templates.Events, null, CancellationToken.None));
        // The dashboards' query for failed logins.
        Assert.Equal(20, await client.CountAsync(templates.Events, """{"query":{"query_string":{"query":"event.attempt:true AND event.outcome:failure"}}}""", CancellationToken.None));
        await indexer.IndexAsync([documents.Of(Alert(revision: 2, count: 9))], CancellationToken.None);
        await indexer.IndexAsync([documents.Of(Alert(revision: 1, count: 7))], CancellationToken.None);
        await Task.Delay(1500);
        using var alert = await client.SearchAsync(options.Prefix + "-alerts-*", "{\"query\":{\"match_all\":{}}}", CancellationToken.None);
        Assert.Equal(9, alert.RootElement.GetProperty("hits").GetProperty("hits")[0].GetProperty("_source").GetProperty("count").GetInt64());
    }
}
