using LogSentinel.Detector.State;

namespace LogSentinel.Detector.Tests;

/// <summary>
/// The state store on the real MariaDB: a partition has one owner at a time, each claim a new epoch, and a write under
/// an old epoch is refused, so a replica presumed dead can never overwrite what the new owner continues from.
/// </summary>
public sealed class PartitionStoreTests : IAsyncLifetime
{
    private StateDatabase _database = null!;
    private MariaDbPartitionStore _store = null!;

    public async Task InitializeAsync()
    {
        _database = await StateDatabase.CreateAsync();
        _store = new MariaDbPartitionStore(_database.ConnectionString);
        await _store.EnsureCreatedAsync(["source.00", "source.01"], CancellationToken.None);
        // Every replica creates what is missing at start, at once: a second time changes nothing.
        await _store.EnsureCreatedAsync(["source.00", "source.01"], CancellationToken.None);
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Should_refuse_the_writes_of_an_owner_whose_partition_was_taken_over()
    {
        var first = await _store.TryClaimAsync("source.00", "d1", null, CancellationToken.None);
        Assert.NotNull(first);
        Assert.Null(first.State);
        Assert.Null(await _store.SaveAsync("d1", [new("source.00", first.Epoch, [1, 2, 3])], CancellationToken.None));

        // d2 presumes d1 dead and takes the partition: it continues from d1's last write.
        Assert.Null(await _store.TryClaimAsync("source.00", "d2", null, CancellationToken.None));
        var second = await _store.TryClaimAsync("source.00", "d2", "d1", CancellationToken.None);
        Assert.NotNull(second);
        Assert.True(second.Epoch > first.Epoch);
        Assert.Equal(new byte[] { 1, 2, 3 }, second.State);

        // A round that holds a partition the replica lost writes nothing, not even its other partitions.
        var other = (await _store.TryClaimAsync("source.01", "d1", null, CancellationToken.None))!;
        Assert.Equal("source.00", await _store.SaveAsync("d1", [new("source.01", other.Epoch, [7, 7]), new("source.00", first.Epoch, [9])], CancellationToken.None));
        Assert.Equal(0, (await _store.PartitionsAsync(CancellationToken.None)).Single(p => p.Partition == "source.01").StateBytes);
        Assert.Null(await _store.SaveAsync("d2", [new("source.00", second.Epoch, [4, 5])], CancellationToken.None));
        // d1's release after the fact changes nothing either.
        await _store.ReleaseAsync("source.00", "d1", first.Epoch, CancellationToken.None);
        var record = (await _store.PartitionsAsync(CancellationToken.None)).Single(p => p.Partition == "source.00");
        Assert.Equal(("d2", second.Epoch, 2), (record.Owner, record.Epoch, record.StateBytes));
    }

    [Fact]
    public async Task Should_hand_a_released_partition_with_its_state_to_the_next_owner()
    {
        var first = (await _store.TryClaimAsync("source.01", "d1", null, CancellationToken.None))!;
        // Bigger than a chunk, and than MariaDB's default max_allowed_packet: written in pieces, read back whole.
        var state = new byte[20 << 20];
        new Random(7).NextBytes(state);
        Assert.Null(await _store.SaveAsync("d1", [new("source.01", first.Epoch, state)], CancellationToken.None));
        await _store.ReleaseAsync("source.01", "d1", first.Epoch, CancellationToken.None);

        var next = await _store.TryClaimAsync("source.01", "d2", null, CancellationToken.None);
        Assert.NotNull(next);
        Assert.Equal(state, next.State);
        // A restarted replica takes back what the store still says is its own.
        var again = await _store.TryClaimAsync("source.01", "d2", null, CancellationToken.None);
        Assert.NotNull(again);
        Assert.True(again.Epoch > next.Epoch);
    }

    [Fact]
    public async Task Should_age_heartbeats_by_the_database_clock_and_forget_a_member_that_leaves()
    {
        await _store.HeartbeatAsync("d1", CancellationToken.None);
        await Task.Delay(300);
        var members = await _store.HeartbeatAsync("d2", CancellationToken.None);
        var d1 = members.Single(m => m.Replica == "d1");
        var d2 = members.Single(m => m.Replica == "d2");
        Assert.True(d1.Age >= TimeSpan.FromMilliseconds(250), d1.Age.ToString());
        Assert.True(d2.Age < d1.Age);

        var beat = (await _store.HeartbeatAsync("d1", CancellationToken.None)).Single(m => m.Replica == "d1").Beat;
        Assert.Equal(d1.Beat + 1, beat);
        await _store.LeaveAsync("d1", CancellationToken.None);
        Assert.DoesNotContain(await _store.MembersAsync(CancellationToken.None), m => m.Replica == "d1");
    }
}
