using System.Diagnostics;
using LogSentinel.Indexer;
using LogSentinel.Indexer.Elasticsearch;
using LogSentinel.Indexer.MySql;
using LogSentinel.Indexer.Telemetry;
using LogSentinel.Indexer.Tests;
using Microsoft.Extensions.Logging.Abstractions;

// Measures the indexer's two sinks on this machine:
//   mysql EVENTS           failed logins into the local MariaDB (the test command's), in the consumer's batches
//                          (20 collector batches of 1,000 events, 500 rows a statement), then the same again (redelivery)
//   elasticsearch EVENTS   events through the bulk client into the in-process protocol-level server (5,000 a request)
if (args.Length < 2 || !int.TryParse(args[1], out var count))
{
    Console.Error.WriteLine("usage: mysql EVENTS | elasticsearch EVENTS");
    return 2;
}
var events = Enumerable.Range(0, count).Select(n => Records.Failure(n)).ToList();
const int PerWrite = 20_000;
if (args[0] == "mysql")
{
    await using var db = await MariaDb.CreateAsync();
    await db.MigrateAsync();
    var sink = new MySqlSink(new MySqlOptions { ConnectionString = db.ConnectionString, RowsPerStatement = 500 }, new IndexerMetrics());
    foreach (var pass in new[] { "first delivery", "redelivery" })
    {
        var clock = Stopwatch.StartNew();
        foreach (var chunk in events.Chunk(PerWrite))
            await sink.WriteAsync(chunk, [], [], CancellationToken.None);
        Console.WriteLine($"mysql {pass}: {count} failed logins in {clock.Elapsed.TotalSeconds:F2} s = {count / clock.Elapsed.TotalSeconds:F0} rows/s; table holds {await db.ScalarAsync("SELECT COUNT(*) FROM failed_login_attempts")}");
    }
}
else
{
    await using var server = await ElasticsearchProtocolServer.StartAsync();
    var options = new ElasticsearchOptions { Url = server.Url };
    var client = new ElasticsearchClient(new HttpClient(), options);
    var templates = new IndexTemplates(options);
    foreach (var (path, body) in templates.Requests())
        await client.PutAsync(path, body, CancellationToken.None);
    var indexer = new BulkIndexer(client, options, templates, new IndexerMetrics(), TimeProvider.System, NullLogger<BulkIndexer>.Instance);
    var documents = new Documents(templates);
    var clock = Stopwatch.StartNew();
    foreach (var chunk in events.Chunk(PerWrite))
        await indexer.IndexAsync(chunk.Select(documents.Of).ToList(), CancellationToken.None);
    var seconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine($"elasticsearch: {count} events in {server.BulkRequests} bulk requests ({server.BulkBodies.Sum(b => (long)b.Length) / 1e6:F1} MB) in {seconds:F2} s = "
        + $"{server.BulkRequests / seconds:F1} requests/s, {count / seconds:F0} documents/s; the server holds {server.Indices.Where(i => i.StartsWith("logsentinel-events-", StringComparison.Ordinal)).Sum(i => server.Index(i).Count)}");
}
return 0;
