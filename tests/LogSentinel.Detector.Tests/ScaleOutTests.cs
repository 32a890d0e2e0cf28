using LogSentinel.Contracts;
using LogSentinel.Detector.Commands;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Pipeline;
using LogSentinel.Detector.Rules;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LogSentinel.Detector.Tests;

/// <summary>
/// The acceptance test of the scale-out: the same recorded event stream through one replica and through three,
/// against the real RabbitMQ, gives the identical set of alert ids, and the same set as the engine offline.
/// </summary>
[Collection(RabbitMqTests.Name)]
public sealed class ScaleOutTests
{
    private static readonly List<SecurityEvent> Stream = RecordedStream.Events();

    private static HashSet<string> ExpectedIds()
    {
        var engine = new DetectionEngine(RuleSetLoader.Load(Engine.DefaultRules));
        var alerts = new List<AlertRaised>();
        foreach (var e in Stream.Order(EventOrder.Instance))
            engine.Process(e, alerts);
        return alerts.Select(a => a.AlertId).ToHashSet();
    }

    private static IHost Replica(string vhost, string id) => RunCommand.Build("/nonexistent/detector.yaml", optional: true, c => c.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Detector:Rules"] = Engine.DefaultRules,
        ["Detector:ReplicaId"] = id,
        ["Detector:RabbitMq:VirtualHost"] = vhost,
        // Identical alerts need every event to reach its replica within the lateness of the events before it.
        // The default (300 ms) covers an idle machine; the test runs beside other tests on two cores, so it
        // grants more, and checks below that no event was late.
        ["Detector:Lateness"] = "00:00:01",
        ["Logging:LogLevel:Default"] = "Warning",
    }));

    private static async Task<(HashSet<string> Ids, long[] Evaluated, long Late)> RunAsync(int replicas, HashSet<string> expected)
    {
        await using var vhost = await RabbitMqVirtualHost.CreateAsync();
        await vhost.BindAlertQueueAsync();
        var hosts = Enumerable.Range(0, replicas).Select(i => Replica(vhost.Name, $"r{i}")).ToArray();
        try
        {
            foreach (var host in hosts)
                await host.StartAsync();
            var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host("localhost", vhost.Name, h =>
            {
                h.Username("guest");
                h.Password("guest");
            }));
            await bus.StartAsync();
            try
            {
                // All hosts' batches at once, as collectors that all flush together: the whole recorded stream
                // reaches the replicas within the lateness, so event-time order can be restored everywhere.
                await Task.WhenAll(RecordedStream.Batches(Stream).Select(b => bus.Publish(b)));
            }
            finally
            {
                await bus.StopAsync();
            }

            var ids = new HashSet<string>();
            var deadline = DateTime.UtcNow.AddSeconds(90);
            while (DateTime.UtcNow < deadline && !expected.IsSubsetOf(ids))
            {
                ids.UnionWith((await vhost.TakeAlertsAsync()).Select(a => a.Id));
                await Task.Delay(200);
            }
            // Anything extra would come within a lateness of the last expected alert.
            await Task.Delay(4000);
            ids.UnionWith((await vhost.TakeAlertsAsync()).Select(a => a.Id));
            var workers = hosts.Select(h => h.Services.GetRequiredService<DetectionWorker>()).ToArray();
            return (ids, workers.Select(w => w.EventsEvaluated).ToArray(), workers.Sum(w => w.EventsLate));
        }
        finally
        {
            foreach (var host in hosts)
            {
                await host.StopAsync();
                host.Dispose();
            }
        }
    }

    [Fact]
    public async Task Should_raise_the_same_alert_ids_with_one_replica_and_with_three()
    {
        var expected = ExpectedIds();
        Assert.True(expected.Count >= 40, $"the stream should raise many alerts, it raised {expected.Count}");

        var one = await RunAsync(1, expected);
        var three = await RunAsync(3, expected);

        Assert.Equal((0L, 0L), (one.Late, three.Late));
        Assert.Equal(expected.Order(), one.Ids.Order());
        Assert.Equal(expected.Order(), three.Ids.Order());
        // The three replicas shared the work, and no event was evaluated twice.
        Assert.All(three.Evaluated, n => Assert.True(n > 0, string.Join(",", three.Evaluated)));
        Assert.Equal(one.Evaluated.Sum(), three.Evaluated.Sum());
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RabbitMqTests
{
    public const string Name = "rabbitmq";
}
