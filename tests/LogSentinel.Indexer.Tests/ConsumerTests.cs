using LogSentinel.Contracts;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static LogSentinel.Indexer.Tests.Records;

namespace LogSentinel.Indexer.Tests;

/// <summary>The indexer's consumers on MassTransit's test harness, wired by the service's own registration, writing to the protocol-level Elasticsearch and a real MariaDB.</summary>
public sealed class ConsumerTests
{
    private static ServiceProvider Services(Uri elasticsearch, string mysql) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Indexer:Elasticsearch:Url"] = elasticsearch.ToString(),
                ["Indexer:MySql:ConnectionString"] = mysql,
                ["Indexer:BatchDelay"] = "00:00:00.050",
            }).Build())
            .AddLogging()
            .AddIndexer()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddIndexerConsumers();
                bus.SetTestTimeouts(testInactivityTimeout: TimeSpan.FromSeconds(3));
            })
            .BuildServiceProvider(true);

    [Fact]
    public async Task Should_set_up_both_stores_and_write_events_alerts_and_analyses_without_faults()
    {
        await using var elasticsearch = await ElasticsearchProtocolServer.StartAsync();
        await using var db = await MariaDb.CreateAsync();
        await using var provider = Services(elasticsearch.Url, db.ConnectionString);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        var events = Enumerable.Range(0, 40).Select(n => Failure(n)).ToArray();
        await harness.Bus.Publish(new SecurityEventBatch { BatchId = "b1", Host = "deb-mail-01", RoutingKey = "p00", Events = events[..20] });
        await harness.Bus.Publish(new SecurityEventBatch { BatchId = "b2", Host = "deb-mail-01", RoutingKey = "p00", Events = events[20..] });
        await harness.Bus.Publish(new SecurityEventBatch { BatchId = "b1", Host = "deb-mail-01", RoutingKey = "p00", Events = events[..20] });
        await harness.Bus.Publish(Alert());
        await harness.Bus.Publish(Analysis());

        Assert.True(await harness.Consumed.Any<SecurityEventBatch>());
        Assert.True(await harness.Consumed.Any<WindowAnalyzed>());
        // A batch that failed would be retried (the harness would see its exception on the consume), not faulted at once.
        Assert.All(harness.Consumed.Select<SecurityEventBatch>(), c => Assert.Null(c.Exception));
        Assert.All(harness.Consumed.Select<AlertRaised>(), c => Assert.Null(c.Exception));
        Assert.All(harness.Consumed.Select<WindowAnalyzed>(), c => Assert.Null(c.Exception));
        Assert.False(await harness.Published.Any<Fault<SecurityEventBatch>>());
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM schema_migrations"));
        Assert.Equal(40, await db.ScalarAsync("SELECT COUNT(*) FROM failed_login_attempts"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM alerts"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM analyses"));
        Assert.Equal(40, elasticsearch.Index("logsentinel-events-2026.02.24").Count);
        Assert.Single(elasticsearch.Index("logsentinel-alerts-2026.02"));
        Assert.Single(elasticsearch.Index("logsentinel-analyses-2026.02"));
        Assert.Equal(4, elasticsearch.Templates.Count);
    }

    [Fact]
    public async Task Should_keep_a_batch_while_the_database_is_down_and_store_it_once_it_is_back()
    {
        await using var elasticsearch = await ElasticsearchProtocolServer.StartAsync();
        await using var db = await MariaDb.CreateAsync();
        using var proxy = new TcpProxy(3306);
        await using var provider = Services(elasticsearch.Url, db.ConnectionStringVia(proxy.Port));
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        proxy.Cut();
        await harness.Bus.Publish(new SecurityEventBatch { BatchId = "b1", Host = "deb-mail-01", RoutingKey = "p00", Events = Enumerable.Range(0, 20).Select(n => Failure(n)).ToArray() });
        await Task.Delay(3000);
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM failed_login_attempts"));
        proxy.Restore();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (await db.ScalarAsync("SELECT COUNT(*) FROM failed_login_attempts") < 20 && DateTime.UtcNow < deadline)
            await Task.Delay(200);
        Assert.Equal(20, await db.ScalarAsync("SELECT COUNT(*) FROM failed_login_attempts"));
        Assert.Equal(20, elasticsearch.Index("logsentinel-events-2026.02.24").Count);
        Assert.False(await harness.Published.Any<Fault<SecurityEventBatch>>());
    }
}
