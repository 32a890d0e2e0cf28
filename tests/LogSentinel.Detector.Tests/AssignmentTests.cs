using LogSentinel.Detector.Partitioning;

namespace LogSentinel.Detector.Tests;

/// <summary>
/// Who owns which partition depends on the set of live replicas only: the same on every replica, even across
/// dimension by dimension, and moving little when a replica joins or leaves.
/// </summary>
public sealed class AssignmentTests
{
    private static readonly IReadOnlyList<string> Partitions = Dimensions.AllPartitions;
    private static readonly string[] Three = ["d1", "d2", "d3"];

    [Fact]
    public void Should_give_every_partition_to_exactly_one_live_replica_whatever_the_order_replicas_are_listed_in()
    {
        var a = Assignment.For(Partitions, ["d1", "d2", "d3"]);
        var b = Assignment.For(Partitions, ["d3", "d1", "d2"]);

        Assert.Equal(Partitions.Order(), a.Keys.Order());
        Assert.All(a.Values, owner => Assert.Contains(owner, Three));
        Assert.Equal(a.OrderBy(p => p.Key), b.OrderBy(p => p.Key));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    public void Should_spread_each_dimension_evenly(int replicas)
    {
        var names = Enumerable.Range(0, replicas).Select(i => $"detector-{i}").ToArray();
        var owners = Assignment.For(Partitions, names);

        foreach (var dimension in Dimensions.All)
        {
            var loads = names.Select(n => owners.Count(o => o.Value == n && Dimensions.DimensionOf(o.Key) == dimension)).ToArray();
            Assert.Equal(Dimensions.Partitions, loads.Sum());
            Assert.True(loads.Max() - loads.Min() <= 1, $"{dimension}: {string.Join(",", loads)}");
        }
    }

    [Fact]
    public void Should_move_only_a_share_of_the_partitions_when_a_replica_joins_or_leaves()
    {
        var two = Assignment.For(Partitions, ["d1", "d2"]);
        var three = Assignment.For(Partitions, ["d1", "d2", "d3"]);

        // The joiner's third, and with bounded loads a few more to even the others out; never a reshuffle.
        var toJoiner = Partitions.Count(p => three[p] == "d3");
        var between = Partitions.Count(p => two[p] != three[p] && three[p] != "d3");
        Assert.Equal(Dimensions.All.Count * (Dimensions.Partitions / 3), toJoiner);
        Assert.True(between <= Partitions.Count / 8, $"{between} partitions moved between the replicas that stayed");

        var back = Assignment.For(Partitions, ["d1", "d2"]);
        Assert.Equal(two.OrderBy(p => p.Key), back.OrderBy(p => p.Key));
    }

    [Fact]
    public void Should_assign_nothing_without_a_live_replica()
    {
        Assert.Empty(Assignment.For(Partitions, []));
    }
}
