using LogSentinel.Contracts;
using LogSentinel.Detector.State;
using Microsoft.Extensions.Logging;

namespace LogSentinel.Detector.Pipeline;

/// <summary>
/// The partitions' side of the loop: taking a partition from its checkpoint, writing checkpoints, giving partitions
/// up. Only the loop calls these, so partition state is never shared between threads.
/// </summary>
public sealed partial class DetectionWorker
{
    private void Open(Command command)
    {
        var key = command.Partitions[0];
        var partition = new PartitionState(key, _ruleSet, command.Epoch);
        if (command.State is { } state)
        {
            try
            {
                if (!partition.Load(state))
                {
                    partition = new PartitionState(key, _ruleSet, command.Epoch);
                    StateUnreadable(_logger, key, "another format");
                }
            }
            catch (Exception e)
            {
                partition = new PartitionState(key, _ruleSet, command.Epoch);
                StateUnreadable(_logger, key, e.Message);
            }
        }
        foreach (var hash in partition.RecentSegments)
            Remember(hash);
        _partitions[key] = partition;
        // What the previous owner had accepted but not evaluated: its batches were acknowledged as duplicates of
        // the checkpoint, so their events are evaluated from here.
        if (partition.Waiting.Count > 0)
        {
            var carried = new PendingBatch(new KeyedEventBatch { BatchId = key + "/checkpoint", Dimension = Partitioning.Dimensions.DimensionOf(key), RoutingKey = key, Segments = [] })
            {
                Partition = partition,
                Remaining = partition.Waiting.Count,
            };
            var now = _time.GetUtcNow().UtcTicks;
            foreach (var e in partition.Waiting)
                _buffer.Add(e, carried, now);
            partition.Waiting.Clear();
            partition.Dirty = true;
        }
        command.Done.TrySetResult();
    }

    private void Finish(Command command, bool checkpointed)
    {
        if (command.Kind != CommandKind.Close)
        {
            command.Done.TrySetResult();
            return;
        }
        if (!checkpointed)
        {
            command.Done.TrySetException(new InvalidOperationException("the partitions' state could not be written; they stay with this replica"));
            return;
        }
        foreach (var key in command.Partitions)
            _partitions.Remove(key);
        command.Done.TrySetResult();
    }

    /// <summary>
    /// Writes every changed partition's state, then acknowledges the batches it covers. False when the store could
    /// not take it (they wait for the next round); a partition written under a stale epoch was taken by another
    /// replica, which continues from its last checkpoint: this one stops at once, acknowledging nothing more.
    /// </summary>
    private async Task<bool> CheckpointAsync(long now, CancellationToken stoppingToken)
    {
        var started = _time.GetTimestamp();
        _nextCheckpointTicks = now + _options.CheckpointInterval.Ticks;
        var changed = new List<PartitionState>();
        var states = new List<PartitionCheckpoint>();
        foreach (var partition in _partitions.Values)
        {
            if (!partition.Dirty)
            {
                CompleteAwaiting(partition);
                continue;
            }
            changed.Add(partition);
            var waiting = _buffer.Waiting(pending => pending.Partition == partition);
            states.Add(new PartitionCheckpoint(partition.Key, partition.Epoch, partition.Save(waiting)));
        }
        _metrics.TrackedKeys = _partitions.Values.Sum(p => p.Engine.TrackedKeys);
        if (changed.Count == 0)
            return true;
        string? fenced;
        try
        {
            // One transaction for the round: one commit to wait for, however many partitions changed.
            fenced = await _store!.SaveAsync(_options.ReplicaId, states, stoppingToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            _metrics.CheckpointFailures.Add(1);
            if (!_storeFailing)
                StoreFailing(_logger, e.Message);
            _storeFailing = true;
            // Retried soon, not at once: the store is down or overloaded.
            _nextCheckpointTicks = now + Math.Max(_options.CheckpointInterval.Ticks, TimeSpan.TicksPerSecond);
            return false;
        }
        if (fenced is not null)
        {
            _metrics.CheckpointFailures.Add(1);
            Fenced(_logger, fenced, _partitions[fenced].Epoch);
            _termination.Terminate($"partition {fenced} was taken by another replica");
            return false;
        }
        if (_storeFailing)
        {
            StoreRecovered(_logger);
            _storeFailing = false;
        }
        foreach (var (partition, state) in changed.Zip(states))
        {
            partition.Dirty = false;
            _metrics.Checkpoints.Add(1);
            _metrics.CheckpointBytes.Record(state.State.Length);
            CompleteAwaiting(partition);
        }
        // Large states take long to write: the next round waits at least four times as long, so checkpoints never
        // take more than a fifth of the loop's time (acknowledgements come later instead).
        var took = _time.GetElapsedTime(started).Ticks;
        _nextCheckpointTicks = Math.Max(_nextCheckpointTicks, now + 5 * took);
        return true;
    }

    private void CompleteAwaiting(PartitionState partition)
    {
        foreach (var pending in partition.Awaiting)
            Complete(pending);
        partition.Awaiting.Clear();
    }
}
