namespace LogSentinel.Detector.State;

/// <summary>A replica's heartbeat as the store sees it: its counter and how long ago it last beat (the store's clock).</summary>
public sealed record MemberBeat(string Replica, long Beat, TimeSpan Age);

/// <summary>Who owns a partition, under which epoch, and what its last checkpoint holds.</summary>
public sealed record PartitionRecord(string Partition, string? Owner, long Epoch, int StateBytes, DateTime? StateUpdated);

/// <summary>A partition's state to write, under the epoch it was claimed with.</summary>
public sealed record PartitionCheckpoint(string Partition, long Epoch, byte[] State);

/// <summary>A partition taken: the epoch that fences every later write, and its last checkpoint (null: never written).</summary>
public sealed record PartitionClaim(long Epoch, byte[]? State);

/// <summary>
/// The fleet's durable store of the detector: replicas' heartbeats, each partition's owner and epoch, and its rule
/// state. A write of a partition's state succeeds only under the owner and epoch that claimed it, so a replica that
/// lost a partition (it was presumed dead) can never overwrite what the new owner continues from.
/// </summary>
public interface IPartitionStore
{
    /// <summary>Creates what is missing (tables, one row per partition); safe to call from every replica at once.</summary>
    Task EnsureCreatedAsync(IReadOnlyCollection<string> partitions, CancellationToken cancellation);

    /// <summary>Records the replica's heartbeat and returns every member's.</summary>
    Task<IReadOnlyList<MemberBeat>> HeartbeatAsync(string replica, CancellationToken cancellation);

    /// <summary>Every member's heartbeat, without beating.</summary>
    Task<IReadOnlyList<MemberBeat>> MembersAsync(CancellationToken cancellation);

    Task<IReadOnlyList<PartitionRecord>> PartitionsAsync(CancellationToken cancellation);

    /// <summary>
    /// Takes the partition if its owner is still <paramref name="expectedOwner"/> (null: nobody, or the replica
    /// itself after a restart), with a new epoch. Null when someone else got there first.
    /// </summary>
    Task<PartitionClaim?> TryClaimAsync(string partition, string replica, string? expectedOwner, CancellationToken cancellation);

    /// <summary>
    /// Writes the partitions' states, all or none; returns null, or the first partition the replica no longer owns
    /// under that epoch (then nothing was written).
    /// </summary>
    Task<string?> SaveAsync(string replica, IReadOnlyList<PartitionCheckpoint> states, CancellationToken cancellation);

    /// <summary>Gives the partition up (its state stays for the next owner).</summary>
    Task ReleaseAsync(string partition, string replica, long epoch, CancellationToken cancellation);

    /// <summary>The replica leaves the fleet: its heartbeat row goes, so the others need not wait for it to age.</summary>
    Task LeaveAsync(string replica, CancellationToken cancellation);
}
