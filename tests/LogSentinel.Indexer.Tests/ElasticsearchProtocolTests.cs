using System.Text;
using System.Text.Json;
using LogSentinel.Contracts;
using LogSentinel.Indexer.Elasticsearch;
using LogSentinel.Indexer.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using static LogSentinel.Indexer.Tests.Records;

namespace LogSentinel.Indexer.Tests;

/// <summary>
/// The Elasticsearch client against <see cref="ElasticsearchProtocolServer"/>: protocol-level tests (the documented
/// request and response formats, not a real cluster; see RealClusterTests for that), and contract tests on the
/// exact NDJSON the client writes.
/// </summary>
public sealed class ElasticsearchProtocolTests
{
    private static ElasticsearchOptions Options(Uri url) => new() { Url = url, RetryDelay = TimeSpan.FromMilliseconds(20), MaxRetries = 3 };

    private static (BulkIndexer Indexer, ElasticsearchClient Client, Documents Documents) Build(ElasticsearchOptions options)
    {
        var client = new ElasticsearchClient(new HttpClient(), options);
        var templates = new IndexTemplates(options);
        return (new BulkIndexer(client, options, templates, new IndexerMetrics(), TimeProvider.System, NullLogger<BulkIndexer>.Instance), client, new Documents(templates));
    }

    private static async Task SetUp(ElasticsearchClient client, ElasticsearchOptions options)
    {
        foreach (var (path, body) in new IndexTemplates(options).Requests())
            await client.PutAsync(path, body, CancellationToken.None);
    }

    [Fact]
    public void Contract_should_write_an_action_line_and_a_source_line_per_document_ending_in_a_newline()
    {
        var body = BulkRequest.Build([
            new BulkDocument("logsentinel-events", "e1", BulkDocument.Create, """{"a":1}"""u8.ToArray()),
            new BulkDocument("logsentinel-alerts-2026.02", "a\"1", BulkDocument.IndexOperation, """{"b":"x"}"""u8.ToArray(), Version: 3),
        ]);
        Assert.Equal("""
            {"create":{"_index":"logsentinel-events","_id":"e1"}}
            {"a":1}
            {"index":{"_index":"logsentinel-alerts-2026.02","_id":"a\u00221","version":3,"version_type":"external_gte"}}
            {"b":"x"}

            """.Replace("\r\n", "\n", StringComparison.Ordinal), Encoding.UTF8.GetString(body));
    }

    [Fact]
    public void Contract_should_split_by_document_count_and_by_bytes()
    {
        var documents = Enumerable.Range(0, 10).Select(i => new BulkDocument("i", $"{i}", BulkDocument.Create, new byte[100])).ToList();
        Assert.Equal([4, 4, 2], BulkRequest.Split(documents, 4, 1_000_000).Select(c => c.Count));
        Assert.Equal([2, 2, 2, 2, 2], BulkRequest.Split(documents, 100, 300).Select(c => c.Count));
        Assert.Equal([1, 1], BulkRequest.Split(documents.Take(2).ToList(), 100, 10).Select(c => c.Count));
    }

    [Fact]
    public void Contract_should_write_events_as_the_contract_json_and_alerts_with_a_timestamp()
    {
        var documents = new Documents(new IndexTemplates(new ElasticsearchOptions()));
        var e = documents.Of(Failure(7));
        Assert.Equal(("logsentinel-events-2026.02.24", $"{7:x40}", "create", (long?)null), (e.Index, e.Id, e.Operation, e.Version));
        Assert.StartsWith("{\"@timestamp\":\"2026-02-24T10:00:00.007Z\",\"event\":{\"id\":", Encoding.UTF8.GetString(e.Source), StringComparison.Ordinal);
        Assert.Contains("\"attempt\":true", Encoding.UTF8.GetString(e.Source), StringComparison.Ordinal);
        Assert.DoesNotContain("\"attempt\"", Encoding.UTF8.GetString(documents.Of(Failure(8, action: EventActions.PamAuthFailed, attempt: false)).Source), StringComparison.Ordinal);
        var a = documents.Of(Alert(revision: 2));
        Assert.Equal(("logsentinel-alerts-2026.02", "a1", "index", (long?)3), (a.Index, a.Id, a.Operation, a.Version));
        Assert.StartsWith("{\"@timestamp\":\"2026-02-24T10:00:32Z\",\"alert_id\":\"a1\",\"revision\":2", Encoding.UTF8.GetString(a.Source), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Protocol_level_should_put_lifecycle_policies_and_ecs_templates()
    {
        await using var server = await ElasticsearchProtocolServer.StartAsync();
        var options = Options(server.Url);
        await SetUp(Build(options).Client, options);

        Assert.Equal(["logsentinel-events-retention", "logsentinel-records-retention"], server.Policies.Keys.Order());
        var retention = JsonDocument.Parse(server.Policies["logsentinel-events-retention"]).RootElement.GetProperty("policy").GetProperty("phases");
        Assert.Equal("30d", retention.GetProperty("delete").GetProperty("min_age").GetString());
        var events = server.Templates["logsentinel-events"];
        Assert.Equal("logsentinel-events-*", events["index_patterns"]![0]!.GetValue<string>());
        Assert.Equal("logsentinel-events-retention", events["template"]!["settings"]!["index.lifecycle.name"]!.GetValue<string>());
        var mappings = events["template"]!["mappings"]!;
        Assert.Equal("ip", mappings["properties"]!["source"]!["properties"]!["ip"]!["type"]!.GetValue<string>());
        Assert.Equal("date", mappings["properties"]!["@timestamp"]!["type"]!.GetValue<string>());
        Assert.Equal("keyword", mappings["properties"]!["source"]!["properties"]!["geo"]!["properties"]!["country_iso_code"]!["type"]!.GetValue<string>());
        Assert.Equal("geo_point", mappings["properties"]!["source"]!["properties"]!["geo"]!["properties"]!["location"]!["type"]!.GetValue<string>());
        // Dashboards count failed logins as event.attempt:true AND event.outcome:failure.
        Assert.Equal("boolean", mappings["properties"]!["event"]!["properties"]!["attempt"]!["type"]!.GetValue<string>());
        Assert.False(mappings["dynamic"]!.GetValue<bool>());
        Assert.Equal(4, server.Templates.Count);
    }

    [Fact]
    public async Task Protocol_level_should_index_every_document_once_whatever_the_redeliveries()
    {
        await using var server = await ElasticsearchProtocolServer.StartAsync();
        var options = Options(server.Url);
        var (indexer, client, documents) = Build(options);
        await SetUp(client, options);
        var batch = Enumerable.Range(0, 300).Select(n => documents.Of(Failure(n))).Append(documents.Of(Alert(revision: 0))).ToList();

        await indexer.IndexAsync(batch, CancellationToken.None);
        await indexer.IndexAsync(batch, CancellationToken.None);
        await indexer.IndexAsync([documents.Of(Alert(revision: 2, count: 9))], CancellationToken.None);
        await indexer.IndexAsync([documents.Of(Alert(revision: 1, count: 7))], CancellationToken.None);

        Assert.Equal(300, await client.CountAsync("logsentinel-events-*", null, CancellationToken.None));
        Assert.Equal(1, await client.CountAsync("logsentinel-alerts-*", null, CancellationToken.None));
        Assert.Equal(9, server.Index("logsentinel-alerts-2026.02")["a1"]["count"]!.GetValue<long>());
        Assert.DoesNotContain(server.Indices, i => i.StartsWith("logsentinel-deadletter", StringComparison.Ordinal));
        using var found = await client.SearchAsync("logsentinel-events-*", """{"query":{"bool":{"filter":[{"term":{"source.ip":"203.0.0.7"}},{"range":{"@timestamp":{"gte":"2026-02-24T10:00:00.005Z","lte":"2026-02-24T10:00:00.010Z"}}}]}},"size":10}""", CancellationToken.None);
        var hit = Assert.Single(found.RootElement.GetProperty("hits").GetProperty("hits").EnumerateArray());
        Assert.Equal($"{7:x40}", hit.GetProperty("_id").GetString());
    }

    [Fact]
    public async Task Protocol_level_should_retry_only_the_documents_refused_with_429()
    {
        await using var server = await ElasticsearchProtocolServer.StartAsync();
        var options = Options(server.Url);
        var (indexer, client, documents) = Build(options);
        await SetUp(client, options);
        server.RejectItems = 3;

        await indexer.IndexAsync(Enumerable.Range(0, 50).Select(n => documents.Of(Failure(n))).ToList(), CancellationToken.None);

        Assert.Equal(2, server.BulkRequests);
        Assert.Equal(6, server.BulkBodies[1].Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Equal(50, await client.CountAsync("logsentinel-events-*", null, CancellationToken.None));
    }

    [Fact]
    public async Task Protocol_level_should_retry_a_whole_request_refused_with_503_then_give_up_after_the_retries()
    {
        await using var server = await ElasticsearchProtocolServer.StartAsync();
        var options = Options(server.Url);
        var (indexer, client, documents) = Build(options);
        await SetUp(client, options);

        server.RejectRequests = (2, 503);
        await indexer.IndexAsync([documents.Of(Failure(1))], CancellationToken.None);
        Assert.Equal(3, server.BulkRequests);

        server.RejectRequests = (10, 429);
        await Assert.ThrowsAsync<ElasticsearchException>(() => indexer.IndexAsync([documents.Of(Failure(2))], CancellationToken.None));
        Assert.Equal(1, await client.CountAsync("logsentinel-events-*", null, CancellationToken.None));
    }

    [Fact]
    public async Task Protocol_level_should_send_a_document_that_does_not_fit_its_mapping_to_the_dead_letter_index_with_the_reason()
    {
        await using var server = await ElasticsearchProtocolServer.StartAsync();
        var options = Options(server.Url);
        var (indexer, client, documents) = Build(options);
        await SetUp(client, options);
        var bad = Failure(99) with { Source = Failure(99).Source! with { Ip = "not-an-address" } };

        await indexer.IndexAsync([documents.Of(Failure(1)), documents.Of(bad), documents.Of(Failure(2))], CancellationToken.None);

        Assert.Equal(2, await client.CountAsync("logsentinel-events-*", null, CancellationToken.None));
        var deadLetters = server.Index(Assert.Single(server.Indices, i => i.StartsWith("logsentinel-deadletter-", StringComparison.Ordinal)));
        var letter = Assert.Single(deadLetters).Value;
        Assert.Equal("document_parsing_exception", letter["error_type"]!.GetValue<string>());
        Assert.Contains("source.ip", letter["error_reason"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("not-an-address", letter["document"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal($"logsentinel-events-2026.02.24:{99:x40}", Assert.Single(deadLetters).Key);
        Assert.Equal(1, server.BulkRequests - 1);
    }

    [Fact]
    public async Task Protocol_level_should_report_cluster_health()
    {
        await using var server = await ElasticsearchProtocolServer.StartAsync();
        Assert.Equal("green", await Build(Options(server.Url)).Client.HealthAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Protocol_level_should_fail_a_request_elasticsearch_will_never_take_without_retrying_it()
    {
        await using var server = await ElasticsearchProtocolServer.StartAsync();
        var options = Options(server.Url);
        var (indexer, client, documents) = Build(options);
        await SetUp(client, options);
        var tooLong = documents.Of(Failure(1)) with { Id = new string('x', 513) };
        var error = await Assert.ThrowsAsync<ElasticsearchException>(() => indexer.IndexAsync([tooLong], CancellationToken.None));
        Assert.False(error.IsTransient);
        Assert.Equal(1, server.BulkRequests);
    }
}
