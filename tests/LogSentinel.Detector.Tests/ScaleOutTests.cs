using LogSentinel.Contracts;
using LogSentinel.Detector.Commands;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Pipeline;
using LogSentinel.Detector.Rules;
using LogSentinel.Messaging;
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

    internal static IHost Replica(string vhost, string id) => RunCommand.Build("/nonexistent/detector.yaml", optional: true, c => c.AddInMemoryCollection(new Dictionary<string, string?>
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
            await PublishAsync(vhost.Name, Stream);

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

    /// <summary>
    /// All hosts' batches at once, as collectors that all flush together: the whole stream reaches the replicas
    /// within the lateness, so event-time order can be restored everywhere.
    /// </summary>
    internal static async Task PublishAsync(string vhost, List<SecurityEvent> events)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host("localhost", vhost, h =>
        {
            h.Username("guest");
            h.Password("guest");
        }));
        await bus.StartAsync();
        try
        {
            await Task.WhenAll(RecordedStream.Batches(events).Select(b => bus.Publish(b, c => c.UseEventStream())));
        }
        finally
        {
            await bus.StopAsync();
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

/// <summary>
/// Replicas joining: consistent hashing moves only the partitions the new replica takes; every key that stays put
/// keeps its state, so it raises exactly the alerts it would have raised without the join.
/// </summary>
[Collection(RabbitMqTests.Name)]
public sealed class ReplicaJoinTests
{
    private static readonly List<SecurityEvent> Stream = RecordedStream.Events();

    [Fact]
    public async Task Should_raise_every_alert_of_the_keys_that_stay_put_when_a_replica_joins()
    {
        var rules = RuleSetLoader.Load(Engine.DefaultRules);
        var ordered = Stream.Order(EventOrder.Instance).ToList();
        // The replica joins while as many brute forces as possible are half way to their threshold.
        var attacks = ordered.Where(e => e.Source?.Ip?.StartsWith("203.0.113.", StringComparison.Ordinal) == true)
            .GroupBy(e => e.Source!.Ip!)
            .Where(g => g.Count() >= 5)
            .Select(g => (First: g.First().Timestamp, Fifth: g.ElementAt(4).Timestamp))
            .ToArray();
        var split = attacks.Select(a => a.Fifth).MaxBy(t => attacks.Count(a => a.First < t && t <= a.Fifth));
        var firstHalf = ordered.Where(e => e.Timestamp < split).ToList();
        var secondHalf = ordered.Where(e => e.Timestamp >= split).ToList();
        var engine = new DetectionEngine(rules);
        var expected = new List<AlertRaised>();
        foreach (var e in ordered)
            engine.Process(e, expected);

        await using var vhost = await RabbitMqVirtualHost.CreateAsync();
        await vhost.BindAlertQueueAsync();
        var hosts = new List<IHost> { ScaleOutTests.Replica(vhost.Name, "r0"), ScaleOutTests.Replica(vhost.Name, "r1") };
        try
        {
            foreach (var host in hosts)
                await host.StartAsync();
            await ScaleOutTests.PublishAsync(vhost.Name, firstHalf);
            await WaitEvaluatedAsync(hosts, Routed(rules, firstHalf));

            var joiner = ScaleOutTests.Replica(vhost.Name, "r2");
            hosts.Add(joiner);
            await joiner.StartAsync();
            await ScaleOutTests.PublishAsync(vhost.Name, secondHalf);
            await WaitEvaluatedAsync(hosts, Routed(rules, ordered));
            await Task.Delay(1500);
            var received = (await vhost.TakeAlertsAsync()).Select(a => a.Id).ToHashSet();

            // The joiner took some partitions; all the others stayed with the replica that had them.
            var moved = Worker(joiner).Partitions.ToHashSet();
            Assert.NotEmpty(moved);
            var stayed = expected.Where(a => a.Revision == 0 && !moved.Contains(PartitionOf(a, rules))).ToArray();
            // Some of them fire on counts begun before the join: they show the state of keys that stay put survives it.
            Assert.Contains(stayed, a => a.WindowStart < split && a.WindowEnd >= split);
            Assert.All(stayed, a => Assert.Contains(a.AlertId, received));
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

    private static DetectionWorker Worker(IHost host) => host.Services.GetRequiredService<DetectionWorker>();

    private static string PartitionOf(AlertRaised alert, RuleSet rules)
    {
        var dimension = rules.Rules.Single(r => r.Id == alert.RuleId).GroupBy.Dimension;
        var key = dimension switch
        {
            // As the router keys an event: IPv6 by its /48, whatever prefix the rule groups by.
            Partitioning.Dimensions.Source => IpNetwork.PrefixOf(alert.SourceIps[0], Partitioning.Dimensions.SourceV6PartitionBits)!,
            Partitioning.Dimensions.User => alert.Group["user.name"],
            _ => alert.Group["host.name"],
        };
        return Partitioning.Dimensions.RoutingKey(dimension, Partitioning.Dimensions.PartitionOf(key));
    }

    /// <summary>How many (event, dimension) pairs the replicas must evaluate for these events.</summary>
    private static long Routed(RuleSet rules, List<SecurityEvent> events) =>
        events.Where(e => !rules.IsAllowlisted(e))
            .Sum(e => rules.Dimensions.Count(d => Partitioning.Dimensions.KeyOf(e, d) is not null && rules.AnyRuleMayCount(e, d)));

    private static async Task WaitEvaluatedAsync(List<IHost> hosts, long expected)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (hosts.Sum(h => Worker(h).EventsEvaluated) < expected && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        Assert.Equal(expected, hosts.Sum(h => Worker(h).EventsEvaluated));
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RabbitMqTests
{
    public const string Name = "rabbitmq";
}
