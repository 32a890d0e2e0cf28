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

    internal static IHost Replica(string vhost, StateDatabase state, string id) => RunCommand.Build("/nonexistent/detector.yaml", optional: true, c => c.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Detector:Rules"] = Engine.DefaultRules,
        ["Detector:ReplicaId"] = id,
        ["Detector:RabbitMq:VirtualHost"] = vhost,
        ["Detector:Store:ConnectionString"] = state.ConnectionString,
        // A test's replicas hand partitions over in seconds, not in a fleet's ten.
        ["Detector:HeartbeatInterval"] = "00:00:00.200",
        ["Detector:MemberTimeout"] = "00:00:02",
        // Identical alerts need every event to reach its replica within the lateness of the events before it.
        // The default (300 ms) covers an idle machine; the test runs beside other tests on two cores, so it
        // grants more, and checks below that no event was late.
        ["Detector:Lateness"] = "00:00:01",
        ["Logging:LogLevel:Default"] = "Warning",
    }));

    private static async Task<(HashSet<string> Ids, long[] Evaluated, long Late)> RunAsync(int replicas, HashSet<string> expected)
    {
        await using var vhost = await RabbitMqVirtualHost.CreateAsync();
        await using var state = await StateDatabase.CreateAsync();
        await vhost.BindAlertQueueAsync();
        var hosts = Enumerable.Range(0, replicas).Select(i => Replica(vhost.Name, state, $"r{i}")).ToArray();
        try
        {
            foreach (var host in hosts)
                await host.StartAsync();
            await WaitAllOwnedAsync(hosts);
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

    /// <summary>Until the replicas own every partition between them, each its share.</summary>
    internal static async Task WaitAllOwnedAsync(IReadOnlyList<IHost> hosts)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        var dimensions = Partitioning.Dimensions.All.Count;
        var most = dimensions * ((Partitioning.Dimensions.Partitions + hosts.Count - 1) / hosts.Count);
        var least = dimensions * (Partitioning.Dimensions.Partitions / hosts.Count);
        int[] owned;
        do
        {
            await Task.Delay(100);
            owned = [.. hosts.Select(h => h.Services.GetRequiredService<Partitioning.OwnershipCoordinator>().Owned.Count)];
        }
        while ((owned.Sum() != Partitioning.Dimensions.AllPartitions.Count || owned.Any(n => n > most)) && DateTime.UtcNow < deadline);
        Assert.Equal(Partitioning.Dimensions.AllPartitions.Count, owned.Sum());
        Assert.All(owned, n => Assert.InRange(n, least, most));
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
/// Partitions changing hands: a replica joining takes its share from the others, a replica stopping hands its
/// partitions to the next one. Each partition's state goes with it (checkpointed by the one, loaded by the other), so
/// the fleet raises exactly the alerts one uninterrupted engine raises, each revision once.
/// </summary>
[Collection(RabbitMqTests.Name)]
public sealed class HandOverTests
{
    private static readonly List<SecurityEvent> Stream = RecordedStream.Events();

    [Fact]
    public async Task Should_raise_every_alert_exactly_once_when_a_replica_joins_mid_attack()
    {
        var (rules, ordered, split, expected) = Split();
        await using var vhost = await RabbitMqVirtualHost.CreateAsync();
        await using var state = await StateDatabase.CreateAsync();
        await vhost.BindAlertQueueAsync();
        var hosts = new List<IHost> { ScaleOutTests.Replica(vhost.Name, state, "r0"), ScaleOutTests.Replica(vhost.Name, state, "r1") };
        try
        {
            foreach (var host in hosts)
                await host.StartAsync();
            await ScaleOutTests.WaitAllOwnedAsync(hosts);
            await ScaleOutTests.PublishAsync(vhost.Name, ordered.Where(e => e.Timestamp < split).ToList());
            await WaitEvaluatedAsync(hosts, Routed(rules, ordered.Where(e => e.Timestamp < split).ToList()));

            var joiner = ScaleOutTests.Replica(vhost.Name, state, "r2");
            hosts.Add(joiner);
            await joiner.StartAsync();
            await ScaleOutTests.WaitAllOwnedAsync(hosts);
            await ScaleOutTests.PublishAsync(vhost.Name, ordered.Where(e => e.Timestamp >= split).ToList());
            await WaitEvaluatedAsync(hosts, Routed(rules, ordered));
            var received = await SettleAsync(vhost);

            AssertExactlyOnce(expected, received);
            // The joiner took partitions, some of them with counts begun before it joined.
            var moved = joiner.Services.GetRequiredService<Partitioning.OwnershipCoordinator>().Owned.ToHashSet();
            Assert.NotEmpty(moved);
            Assert.Contains(expected, a => a.Revision == 0 && moved.Contains(PartitionOf(a, rules)) && a.WindowStart < split && a.WindowEnd >= split);
        }
        finally
        {
            await StopAllAsync(hosts);
        }
    }

    [Fact]
    public async Task Should_continue_counts_and_cooldowns_when_the_only_replica_is_replaced()
    {
        var (rules, ordered, split, expected) = Split();
        await using var vhost = await RabbitMqVirtualHost.CreateAsync();
        await using var state = await StateDatabase.CreateAsync();
        await vhost.BindAlertQueueAsync();
        var first = ScaleOutTests.Replica(vhost.Name, state, "r0");
        var hosts = new List<IHost> { first };
        try
        {
            await first.StartAsync();
            await ScaleOutTests.WaitAllOwnedAsync(hosts);
            var before = ordered.Where(e => e.Timestamp < split).ToList();
            await ScaleOutTests.PublishAsync(vhost.Name, before);
            await WaitEvaluatedAsync(hosts, Routed(rules, before));
            // A clean stop: every partition checkpointed and released.
            await first.StopAsync();
            hosts.Remove(first);
            first.Dispose();
            Assert.All(await state.PartitionsAsync(), p => Assert.Null(p.Owner));

            var second = ScaleOutTests.Replica(vhost.Name, state, "r1");
            hosts.Add(second);
            await second.StartAsync();
            await ScaleOutTests.WaitAllOwnedAsync(hosts);
            var after = ordered.Where(e => e.Timestamp >= split).ToList();
            await ScaleOutTests.PublishAsync(vhost.Name, after);
            await WaitEvaluatedAsync(hosts, Routed(rules, after));
            var received = await SettleAsync(vhost);

            AssertExactlyOnce(expected, received);
            // Alerts that need events from both sides of the replacement: the second replica continued the first's counts.
            Assert.Contains(expected, a => a.Revision == 0 && a.WindowStart < split && a.WindowEnd >= split);
        }
        finally
        {
            await StopAllAsync(hosts);
        }
    }

    /// <summary>The stream, split where as many brute forces as possible are half way to their threshold.</summary>
    private static (RuleSet Rules, List<SecurityEvent> Ordered, DateTime Split, List<AlertRaised> Expected) Split()
    {
        var rules = RuleSetLoader.Load(Engine.DefaultRules);
        var ordered = Stream.Order(EventOrder.Instance).ToList();
        var attacks = ordered.Where(e => e.Source?.Ip?.StartsWith("203.0.113.", StringComparison.Ordinal) == true)
            .GroupBy(e => e.Source!.Ip!)
            .Where(g => g.Count() >= 5)
            .Select(g => (First: g.First().Timestamp, Fifth: g.ElementAt(4).Timestamp))
            .ToArray();
        var split = attacks.Select(a => a.Fifth).MaxBy(t => attacks.Count(a => a.First < t && t <= a.Fifth));
        var engine = new DetectionEngine(rules);
        var expected = new List<AlertRaised>();
        foreach (var e in ordered)
            engine.Process(e, expected);
        return (rules, ordered, split, expected);
    }

    /// <summary>Every alert the engine raises, and no other; no revision published twice.</summary>
    private static void AssertExactlyOnce(List<AlertRaised> expected, List<(string Id, int Revision)> received)
    {
        Assert.Equal(expected.Select(a => a.AlertId).ToHashSet().Order(), received.Select(a => a.Id).ToHashSet().Order());
        var twice = received.GroupBy(r => r).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
        Assert.Empty(twice);
    }

    private static async Task<List<(string Id, int Revision)>> SettleAsync(RabbitMqVirtualHost vhost)
    {
        // Anything further would come within a lateness and a checkpoint of the last evaluated event.
        await Task.Delay(3000);
        return await vhost.TakeAlertsAsync();
    }

    private static async Task StopAllAsync(List<IHost> hosts)
    {
        foreach (var host in hosts)
        {
            await host.StopAsync();
            host.Dispose();
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
