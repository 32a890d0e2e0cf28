using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Partitioning;
using LogSentinel.Detector.Rules;
using static LogSentinel.Detector.Tests.Events;

namespace LogSentinel.Detector.Tests;

public class ReorderAndRoutingTests
{
    private static readonly TimeSpan Lateness = TimeSpan.FromMilliseconds(300);

    [Fact]
    public void Should_release_events_in_event_time_order_once_they_waited_the_lateness()
    {
        var buffer = new ReorderBuffer<int>(Lateness, 1000);
        var output = new List<(SecurityEvent Event, int Item)>();
        var events = Enumerable.Range(0, 5).Select(i => SshFailed(T0.AddSeconds(i), "192.0.2.1")).ToArray();
        foreach (var i in new[] { 3, 1, 4, 0, 2 })
            buffer.Add(events[i], i, arrivalTicks: 1000);

        buffer.Release(1000 + Lateness.Ticks - 1, output);
        Assert.Empty(output);
        buffer.Release(1000 + Lateness.Ticks, output);

        Assert.Equal([0, 1, 2, 3, 4], output.Select(o => o.Item));
        Assert.Equal(0, buffer.Late);
    }

    [Fact]
    public void Should_release_a_late_event_at_once_and_count_it()
    {
        var buffer = new ReorderBuffer<int>(Lateness, 1000);
        var output = new List<(SecurityEvent Event, int Item)>();
        buffer.Add(SshFailed(T0.AddSeconds(10), "192.0.2.1"), 1, 0);
        buffer.Release(Lateness.Ticks, output);

        buffer.Add(SshFailed(T0, "192.0.2.1"), 2, Lateness.Ticks);
        buffer.Release(Lateness.Ticks, output);

        Assert.Equal([1, 2], output.Select(o => o.Item));
        Assert.Equal(1, buffer.Late);
    }

    [Fact]
    public void Should_release_the_earliest_events_when_the_buffer_is_full()
    {
        var buffer = new ReorderBuffer<int>(Lateness, capacity: 2);
        var output = new List<(SecurityEvent Event, int Item)>();
        for (var i = 0; i < 5; i++)
            buffer.Add(SshFailed(T0.AddSeconds(i), "192.0.2.1"), i, 0);

        buffer.Release(0, output);

        Assert.Equal([0, 1, 2], output.Select(o => o.Item));
        Assert.Equal(2, buffer.Count);
    }

    private static SecurityEventBatch[] Batch(params SecurityEvent[] events) =>
        [new() { BatchId = "b1", Host = "deb-mail-01", RoutingKey = "p00", Events = events }];

    [Fact]
    public void Should_route_every_event_of_a_key_to_one_partition_of_each_dimension_it_needs()
    {
        var rules = RuleSetLoader.Load(Engine.DefaultRules);
        var events = Enumerable.Range(0, 200).Select(i => SshFailed(T0.AddSeconds(i), $"198.51.100.{i % 20}", $"user{i % 7}")).ToArray();

        var routed = EventRouter.Route(Batch(events), rules);

        foreach (var dimension in new[] { Dimensions.Source, Dimensions.User })
        {
            var ofDimension = routed.Where(b => b.Dimension == dimension).ToArray();
            Assert.Equal(200, ofDimension.Sum(b => b.Segments.Sum(s => s.Events.Count)));
            foreach (var key in events.Select(e => Dimensions.KeyOf(e, dimension)).Distinct())
                Assert.Single(ofDimension, b => b.Segments.Any(s => s.Events.Any(e => Dimensions.KeyOf(e, dimension) == key)));
        }
        Assert.All(routed, b => Assert.Equal("b1/" + b.RoutingKey, Assert.Single(b.Segments).SegmentId));
        Assert.Equal(routed.Select(b => b.BatchId), EventRouter.Route(Batch(events), rules).Select(b => b.BatchId));
    }

    [Fact]
    public void Should_put_the_batches_routed_together_into_one_message_per_partition_with_a_segment_each()
    {
        var rules = RuleSetLoader.Load(Engine.DefaultRules);
        var first = new SecurityEventBatch { BatchId = "web-01:0", Host = "web-01", RoutingKey = "p00", Events = [SshFailed(T0, "203.0.113.5", "root", "web-01")] };
        var second = new SecurityEventBatch { BatchId = "web-02:0", Host = "web-02", RoutingKey = "p00", Events = [SshFailed(T0, "203.0.113.5", "root", "web-02")] };

        var together = EventRouter.Route([first, second], rules);
        var apart = EventRouter.Route([first], rules).Concat(EventRouter.Route([second], rules)).ToArray();

        var source = Assert.Single(together, b => b.Dimension == Dimensions.Source);
        Assert.Equal(["web-01:0/" + source.RoutingKey, "web-02:0/" + source.RoutingKey], source.Segments.Select(s => s.SegmentId));
        // However the batches are grouped, each source batch gives the same segments: redeliveries are recognised.
        Assert.Equal(together.SelectMany(b => b.Segments).Select(s => s.SegmentId).Order(), apart.SelectMany(b => b.Segments).Select(s => s.SegmentId).Order());
    }

    [Fact]
    public void Should_route_only_what_a_rule_can_count_and_nothing_from_the_allowlist()
    {
        var rules = RuleSetLoader.Load(Engine.DefaultRules);
        // fail2ban's "Found" lines feed no default rule (its bans do); a failure from loopback is allowlisted.
        var found = Of(EventActions.Fail2banFound, T0, ip: "203.0.113.9");
        var local = SshFailed(T0, "127.0.0.1");

        Assert.Empty(EventRouter.Route(Batch(found, local), rules));
    }

    [Fact]
    public void Should_partition_ipv6_sources_by_their_48_so_prefix_rules_see_all_their_events()
    {
        var a = Dimensions.KeyOf(SshFailed(T0, "2001:db8:1:2::1"), Dimensions.Source);
        var b = Dimensions.KeyOf(SshFailed(T0, "2001:db8:1:ffff::9"), Dimensions.Source);

        Assert.Equal("2001:db8:1::/48", a);
        Assert.Equal(a, b);
        Assert.Equal("198.51.100.7", Dimensions.KeyOf(SshFailed(T0, "198.51.100.7"), Dimensions.Source));
    }

    [Fact]
    public void Should_spread_keys_over_all_partitions()
    {
        var partitions = Enumerable.Range(0, 10_000).Select(i => Dimensions.PartitionOf($"10.{i / 256}.{i % 256}.1")).ToArray();

        Assert.Equal(Dimensions.Partitions, partitions.Distinct().Count());
        var even = partitions.Length / Dimensions.Partitions;
        Assert.All(partitions.GroupBy(p => p), g => Assert.InRange(g.Count(), even * 4 / 5, even * 6 / 5));
    }
}
