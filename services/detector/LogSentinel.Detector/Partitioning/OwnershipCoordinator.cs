using LogSentinel.Detector.Pipeline;
using LogSentinel.Detector.State;
using LogSentinel.Detector.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.Detector.Partitioning;

/// <summary>
/// Decides which partitions this replica evaluates. Every heartbeat it records itself in the state store, reads who
/// else is alive, computes the <see cref="Assignment"/> and converges on it: it gives up (checkpoint, then release)
/// what is no longer its, and takes (claim with a new epoch, load the checkpoint, then consume) what is, once the
/// previous owner released it or stopped beating. The broker plays no part in who owns what, so a broker restart
/// changes nothing; a replica that joins, leaves or dies moves only the partitions the assignment moves.
/// </summary>
/// <remarks>
/// A member is presumed dead when its heartbeat is older than MemberTimeout by the store's clock, and only once this
/// replica itself has beaten without a gap for that long: after a database outage every heartbeat is old, and
/// nobody may conclude that the others died.
/// </remarks>
public sealed partial class OwnershipCoordinator(
    IPartitionStore store,
    DetectionWorker worker,
    PartitionEndpoints endpoints,
    DetectorMetrics metrics,
    IOptions<DetectorOptions> options,
    TimeProvider time,
    ILogger<OwnershipCoordinator> logger) : BackgroundService
{
    private readonly DetectorOptions _options = options.Value;
    private readonly Dictionary<string, long> _owned = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private DateTimeOffset? _beatingSince;
    private IReadOnlyList<MemberBeat>? _members;
    private bool _storeFailing;

    /// <summary>The partitions this replica owns now (for tests and the metrics).</summary>
    public IReadOnlyCollection<string> Owned
    {
        get
        {
            lock (_owned)
                return [.. _owned.Keys];
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Heartbeats never wait for a hand-over: connecting a consumer waits for the broker, and a replica that
        // stopped beating meanwhile would be presumed dead by the others.
        var beating = BeatAsync(stoppingToken);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await Task.Delay(_options.HeartbeatInterval, time, stoppingToken).ConfigureAwait(false);
                if (Volatile.Read(ref _members) is not { } members)
                    continue;
                await _gate.WaitAsync(stoppingToken).ConfigureAwait(false);
                try
                {
                    await ConvergeAsync(members, stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    ConvergeFailed(logger, e.Message);
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        finally
        {
            await beating.ConfigureAwait(false);
        }
    }

    private async Task BeatAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var members = await store.HeartbeatAsync(_options.ReplicaId, stoppingToken).ConfigureAwait(false);
                _beatingSince ??= time.GetUtcNow();
                Volatile.Write(ref _members, members);
                if (_storeFailing)
                {
                    StoreRecovered(logger);
                    _storeFailing = false;
                }
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                _beatingSince = null;
                Volatile.Write(ref _members, null);
                if (!_storeFailing)
                    StoreFailing(logger, e.Message);
                _storeFailing = true;
            }
            try
            {
                await Task.Delay(_options.HeartbeatInterval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>A clean stop hands every partition over at once: checkpointed, released, and this member gone.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ReleaseAsync([.. _owned.Keys], cancellationToken).ConfigureAwait(false);
            await store.LeaveAsync(_options.ReplicaId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The others take over when this heartbeat ages out; the broker redelivers what was not acknowledged.
            StopIncomplete(logger, e.Message);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ConvergeAsync(IReadOnlyList<MemberBeat> members, CancellationToken cancellation)
    {
        var me = _options.ReplicaId;
        var sure = _beatingSince is { } since && time.GetUtcNow() - since >= _options.MemberTimeout;
        var live = members
            .Where(m => m.Replica == me || m.Age <= _options.MemberTimeout || !sure)
            .Select(m => m.Replica)
            .Append(me)
            .ToHashSet(StringComparer.Ordinal);
        var assignment = Assignment.For(Dimensions.AllPartitions, live);
        var records = (await store.PartitionsAsync(cancellation).ConfigureAwait(false)).ToDictionary(r => r.Partition, StringComparer.Ordinal);

        var giveUp = _owned.Keys.Where(p => assignment[p] != me).ToArray();
        if (giveUp.Length > 0)
            await ReleaseAsync(giveUp, cancellation).ConfigureAwait(false);
        // Left owned by an earlier run of this replica, and no longer ours: the next owner must not wait for it.
        foreach (var (partition, record) in records)
        {
            if (record.Owner == me && !_owned.ContainsKey(partition) && assignment[partition] != me)
                await store.ReleaseAsync(partition, me, record.Epoch, cancellation).ConfigureAwait(false);
        }

        foreach (var partition in Dimensions.AllPartitions)
        {
            if (assignment[partition] != me || _owned.ContainsKey(partition) || !records.TryGetValue(partition, out var record))
                continue;
            var owner = record.Owner;
            if (owner is not null && owner != me && live.Contains(owner))
                continue; // It hands the partition over at its next heartbeat.
            var claim = await store.TryClaimAsync(partition, me, owner == me ? null : owner, cancellation).ConfigureAwait(false);
            if (claim is null)
                continue;
            await worker.OpenAsync(partition, claim.Epoch, claim.State, cancellation).ConfigureAwait(false);
            try
            {
                await endpoints.ConnectAsync(partition, cancellation).ConfigureAwait(false);
            }
            catch
            {
                // Taken but not consumed: give it back whole (nothing of it was evaluated) for the next attempt.
                await worker.CloseAsync([partition], CancellationToken.None).ConfigureAwait(false);
                await store.ReleaseAsync(partition, me, claim.Epoch, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            lock (_owned)
                _owned[partition] = claim.Epoch;
            Took(logger, partition, claim.Epoch, owner is null || owner == me ? "free" : owner + ", presumed dead", claim.State?.Length ?? 0);
        }
        metrics.PartitionsOwned = _owned.Count;
    }

    /// <summary>
    /// Stops consuming the partitions (the broker keeps what was not delivered), has what was delivered evaluated and
    /// checkpointed, then releases them in the store for the next owner.
    /// </summary>
    private async Task ReleaseAsync(string[] partitions, CancellationToken cancellation)
    {
        if (partitions.Length == 0)
            return;
        await endpoints.DisconnectAsync(partitions, cancellation).ConfigureAwait(false);
        try
        {
            await worker.CloseAsync(partitions, cancellation).ConfigureAwait(false);
        }
        catch when (!cancellation.IsCancellationRequested)
        {
            // Their state could not be written: they stay this replica's, consumed again, and are handed over later.
            foreach (var partition in partitions)
                await endpoints.ConnectAsync(partition, cancellation).ConfigureAwait(false);
            throw;
        }
        foreach (var partition in partitions)
        {
            var epoch = _owned[partition];
            await store.ReleaseAsync(partition, _options.ReplicaId, epoch, cancellation).ConfigureAwait(false);
            lock (_owned)
                _owned.Remove(partition);
            Released(logger, partition, epoch);
        }
        metrics.PartitionsOwned = _owned.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Took partition {Partition} (epoch {Epoch}; it was {From}; checkpoint {Bytes} bytes)")]
    private static partial void Took(ILogger logger, string partition, long epoch, string from, int bytes);

    [LoggerMessage(Level = LogLevel.Information, Message = "Handed partition {Partition} over (epoch {Epoch}), its state checkpointed")]
    private static partial void Released(ILogger logger, string partition, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The state store cannot be reached ({Reason}): partitions stay as they are until it can")]
    private static partial void StoreFailing(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The state store can be reached again")]
    private static partial void StoreRecovered(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partitions could not be handed over or taken ({Reason}): trying again at the next heartbeat")]
    private static partial void ConvergeFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partitions were not all handed over at stop ({Reason}): the other replicas take them when this heartbeat ages out")]
    private static partial void StopIncomplete(ILogger logger, string reason);
}
