using System.Threading.Channels;
using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Rules;
using LogSentinel.Detector.State;
using LogSentinel.Detector.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.Detector.Pipeline;

/// <summary>
/// The replica's one evaluation loop: partitioned batches come in from any number of consumers, wait in the reorder
/// buffer, and go through their partition's <see cref="DetectionEngine"/> in event-time order. A batch's submission
/// completes only when all its events were evaluated, the alerts they raised were published and, with a state
/// store, the partition state they changed was written: the consumer acknowledges the message after that and not
/// before, so a crash redelivers exactly what the last checkpoint does not hold. A segment seen recently is a
/// redelivery and skipped.
/// </summary>
public sealed partial class DetectionWorker : BackgroundService
{
    /// <summary>Segment ids remembered in memory (as 64-bit hashes, 24 MB): about a minute of a 50k events/s stream.</summary>
    private const int RememberedSegments = 1_000_000;

    /// <summary>The shortest wait for buffered events to become due.</summary>
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(5);

    /// <summary>Quiet partitions' event time follows the replica's at most this often (it closes cooldowns).</summary>
    private static readonly long AdvanceEveryTicks = TimeSpan.TicksPerMinute;

    private readonly Channel<object> _inbox = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly RuleSetProvider _rules;
    private readonly IAlertSink _sink;
    private readonly DetectorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<DetectionWorker> _logger;
    private readonly IPartitionStore? _store;
    private readonly IReplicaTermination _termination;
    private readonly ReorderBuffer<PendingBatch> _buffer;
    private readonly Dictionary<string, PartitionState> _partitions = new(StringComparer.Ordinal);
    private readonly HashSet<ulong> _seenSegments = [];
    private readonly Queue<ulong> _seenOrder = new();
    private readonly Dictionary<ulong, PendingBatch> _unfinished = [];
    private readonly DetectorOptions _options;
    private RuleSet _ruleSet;
    private long _nextFutureWarningTicks;
    private long _nextCheckpointTicks;
    private long _eventTimeTicks;
    private long _advancedTicks;
    private bool _storeFailing;

    public DetectionWorker(RuleSetProvider rules, IAlertSink sink, DetectorMetrics metrics, TimeProvider time, IOptions<DetectorOptions> options,
        ILogger<DetectionWorker> logger, IReplicaTermination termination, IPartitionStore? store = null)
    {
        _rules = rules;
        _sink = sink;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _store = store;
        _termination = termination;
        _options = options.Value;
        _buffer = new ReorderBuffer<PendingBatch>(_options.Lateness, _options.ReorderCapacity);
        _ruleSet = rules.Current;
    }

    /// <summary>Events this replica evaluated so far.</summary>
    public long EventsEvaluated => Interlocked.Read(ref _evaluated);

    private long _evaluated;

    /// <summary>Events that arrived after a later event had been evaluated (see <see cref="ReorderBuffer{T}"/>).</summary>
    public long EventsLate => Interlocked.Read(ref _late);

    private long _late;

    /// <summary>Events dropped because they were dated more than MaxClockSkew ahead of this replica's clock.</summary>
    public long EventsDropped => Interlocked.Read(ref _dropped);

    private long _dropped;

    /// <summary>The partitions (routing keys) this replica has evaluated events of since it started.</summary>
    public IReadOnlyCollection<string> Partitions
    {
        get
        {
            lock (_evaluatedPartitions)
                return [.. _evaluatedPartitions];
        }
    }

    private readonly HashSet<string> _evaluatedPartitions = new(StringComparer.Ordinal);

    /// <summary>
    /// Completes when the batch's events were evaluated, their alerts published and their state written (with
    /// AcknowledgeOnReceipt: once the loop has the batch).
    /// </summary>
    public Task SubmitAsync(KeyedEventBatch batch, CancellationToken cancellation)
    {
        var pending = new PendingBatch(batch);
        if (!_inbox.Writer.TryWrite(pending))
            throw new InvalidOperationException("the detector is stopping");
        return _options.AcknowledgeOnReceipt ? Task.CompletedTask : pending.Done.Task.WaitAsync(cancellation);
    }

    /// <summary>
    /// The end of the input, for a run over a finite log (the single-process `scan`): every buffered event is
    /// evaluated and every open alert gets its final revision, as `rules test` does. Completes once those are published.
    /// </summary>
    public Task CloseAllAsync(CancellationToken cancellation) => Send(new Command(CommandKind.CloseAll), cancellation);

    /// <summary>
    /// For a run over a finite log that knows every batch of a stretch of it was submitted: those events are
    /// evaluated now, in event-time order, whatever the lateness; batches submitted after this call wait for the
    /// next. The order of evaluation then depends on the input alone, not on how fast the bus delivered.
    /// </summary>
    public Task ReleaseBufferedAsync(CancellationToken cancellation) => Send(new Command(CommandKind.Release), cancellation);

    /// <summary>
    /// The replica took a partition: its events are evaluated from the claimed state on (null: it starts empty).
    /// Call before its messages can arrive.
    /// </summary>
    public Task OpenAsync(string partition, long epoch, byte[]? state, CancellationToken cancellation) =>
        Send(new Command(CommandKind.Open) { Partitions = [partition], Epoch = epoch, State = state }, cancellation);

    /// <summary>
    /// The replica gives partitions up, once their messages stopped arriving: everything buffered is evaluated, their
    /// state written, and they are forgotten. Fails, and keeps them, when the state cannot be written.
    /// </summary>
    public Task CloseAsync(IReadOnlyList<string> partitions, CancellationToken cancellation) =>
        Send(new Command(CommandKind.Close) { Partitions = partitions }, cancellation);

    private Task Send(Command command, CancellationToken cancellation)
    {
        if (!_inbox.Writer.TryWrite(command))
            throw new InvalidOperationException("the detector is stopping");
        return command.Done.Task.WaitAsync(cancellation);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var released = new List<(SecurityEvent Event, PendingBatch Item)>();
        var alerts = new List<AlertRaised>();
        var finished = new List<PendingBatch>();
        var closing = new List<Command>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                if (!ReferenceEquals(_ruleSet, _rules.Current))
                    ReplaceRules(alerts);
                var now = _time.GetUtcNow().UtcTicks;
                while (_inbox.Reader.TryRead(out var item))
                {
                    if (item is PendingBatch submitted)
                    {
                        Accept(submitted, now, finished);
                        continue;
                    }
                    var command = (Command)item;
                    if (command.Kind == CommandKind.Open)
                    {
                        Open(command);
                        continue;
                    }
                    // What came after it belongs to the next stretch.
                    closing.Add(command);
                    break;
                }
                _buffer.Release(now, released, all: closing.Count > 0);
                foreach (var (e, pending) in released)
                {
                    var partition = pending.Partition;
                    partition.Engine.Process(e, pending.Batch.Dimension, alerts);
                    partition.Dirty = true;
                    if (e.Timestamp.Ticks > _eventTimeTicks)
                        _eventTimeTicks = e.Timestamp.Ticks;
                    if (--pending.Remaining == 0)
                        finished.Add(pending);
                }
                Interlocked.Add(ref _evaluated, released.Count);
                released.Clear();
                AdvanceQuietPartitions(alerts);
                if (closing.Exists(c => c.Kind == CommandKind.CloseAll))
                {
                    foreach (var partition in _partitions.Values)
                    {
                        partition.Engine.CloseAll(alerts);
                        partition.Dirty = true;
                    }
                }
                _metrics.Buffered = _buffer.Count;
                _metrics.PartitionsOwned = _partitions.Count;
                if (alerts.Count > 0)
                {
                    await PublishAsync(alerts, stoppingToken).ConfigureAwait(false);
                    alerts.Clear();
                }
                foreach (var pending in finished)
                {
                    if (_store is null)
                        Complete(pending);
                    else
                        pending.Partition.Awaiting.Add(pending);
                }
                finished.Clear();
                var closes = closing.Exists(c => c.Kind == CommandKind.Close);
                var checkpointed = true;
                if (_store is not null && (closes || now >= _nextCheckpointTicks || _partitions.Values.Any(p => p.Awaiting.Count >= _options.ConcurrentBatches / 2)))
                    checkpointed = await CheckpointAsync(now, stoppingToken).ConfigureAwait(false);
                foreach (var command in closing)
                    Finish(command, checkpointed);
                closing.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Unfinished batches are not acknowledged: the broker gives them to a replica again.
        _inbox.Writer.TryComplete();
        while (_inbox.Reader.TryRead(out var item))
        {
            if (item is PendingBatch submitted)
                submitted.Done.TrySetCanceled(stoppingToken);
            else
                ((Command)item).Done.TrySetCanceled(stoppingToken);
        }
    }

    private void ReplaceRules(List<AlertRaised> alerts)
    {
        _ruleSet = _rules.Current;
        foreach (var partition in _partitions.Values)
        {
            partition.Engine.Replace(_ruleSet, alerts);
            partition.Dirty = true;
        }
    }

    private void Accept(PendingBatch pending, long now, List<PendingBatch> finished)
    {
        var batch = pending.Batch;
        if (!_partitions.TryGetValue(batch.RoutingKey, out var partition))
        {
            // Without a state store (one process, or a test) partitions open as their events come.
            partition = new PartitionState(batch.RoutingKey, _ruleSet, epoch: 0);
            _partitions[batch.RoutingKey] = partition;
            if (_store is not null)
                UnopenedPartition(_logger, batch.RoutingKey);
        }
        pending.Partition = partition;
        var late = _buffer.Late;
        var future = now + _options.MaxClockSkew.Ticks;
        lock (_evaluatedPartitions)
            _evaluatedPartitions.Add(batch.RoutingKey);
        foreach (var segment in batch.Segments)
        {
            _metrics.EventsReceived.Add(segment.Events.Count);
            var hash = Parsing.Identity.EventIds.Fingerprint(segment.SegmentId);
            if (!Remember(hash))
            {
                _metrics.BatchesDuplicate.Add(1);
                if (_unfinished.TryGetValue(hash, out var original) && original != pending)
                    pending.Originals.Add(original.Done.Task);
                continue;
            }
            partition.AddSegment(hash);
            pending.Segments.Add(hash);
            _unfinished[hash] = pending;
            foreach (var e in segment.Events)
            {
                // One event dated far ahead would move event time for every key of this replica: expire counts,
                // close cooldowns. It is dropped and counted instead (a host clock gone wrong is the usual cause).
                if (e.Timestamp.Ticks > future)
                {
                    DropFuture(e, now);
                    continue;
                }
                pending.Remaining++;
                _buffer.Add(e, pending, now);
                // The checkpoint holds the partition's waiting events as well as its evaluated ones.
                partition.Dirty = true;
            }
        }
        if (pending.Remaining == 0)
            finished.Add(pending);
        if (_buffer.Late > late)
        {
            _metrics.EventsLate.Add(_buffer.Late - late);
            Interlocked.Add(ref _late, _buffer.Late - late);
        }
    }

    /// <summary>
    /// Event time is each partition's own; a partition without events would keep its alerts open past their
    /// cooldown. Once a minute (of event time) the quiet ones catch up with the replica's latest event.
    /// </summary>
    private void AdvanceQuietPartitions(List<AlertRaised> alerts)
    {
        if (_eventTimeTicks < _advancedTicks + AdvanceEveryTicks)
            return;
        _advancedTicks = _eventTimeTicks;
        var now = new DateTime(_eventTimeTicks, DateTimeKind.Utc);
        foreach (var partition in _partitions.Values)
        {
            if (partition.Engine.Now >= now)
                continue;
            partition.Engine.AdvanceTo(now, alerts);
            partition.Dirty = true;
        }
    }

    /// <summary>Acknowledges a batch whose events were all evaluated, once the earlier deliveries it repeats are.</summary>
    private void Complete(PendingBatch pending)
    {
        foreach (var hash in pending.Segments)
            _unfinished.Remove(hash);
        if (pending.Originals.Count == 0)
        {
            pending.Done.TrySetResult();
            return;
        }
        Task.WhenAll(pending.Originals).ContinueWith(
            t =>
            {
                if (t.IsCompletedSuccessfully)
                    pending.Done.TrySetResult();
                else
                    pending.Done.TrySetCanceled();
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private void DropFuture(SecurityEvent e, long now)
    {
        _metrics.EventsDropped.Add(1);
        Interlocked.Increment(ref _dropped);
        if (now < _nextFutureWarningTicks)
            return;
        _nextFutureWarningTicks = now + TimeSpan.TicksPerMinute;
        FutureEvent(_logger, e.Event.Id, e.Host.Name, e.Timestamp, _options.MaxClockSkew);
    }

    private bool Remember(ulong hash)
    {
        if (!_seenSegments.Add(hash))
            return false;
        _seenOrder.Enqueue(hash);
        if (_seenOrder.Count > RememberedSegments)
            _seenSegments.Remove(_seenOrder.Dequeue());
        return true;
    }

    /// <summary>Until a batch arrives, the earliest buffered event is due or a checkpoint is.</summary>
    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        if (_inbox.Reader.TryPeek(out _))
            return;
        var due = _buffer.NextDueTicks;
        if (_store is not null && _partitions.Values.Any(p => p.Dirty || p.Awaiting.Count > 0))
            due = due is null ? _nextCheckpointTicks : Math.Min(due.Value, _nextCheckpointTicks);
        if (due is null)
        {
            await _inbox.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false);
            return;
        }
        var delay = TimeSpan.FromTicks(Math.Max(0, due.Value - _time.GetUtcNow().UtcTicks));
        if (delay <= TimeSpan.Zero)
            return;
        // Under a steady stream the next event is always due within a fraction of a millisecond: waking for each
        // one spun this loop (millions of wake-ups a minute). Released a few milliseconds late, they go in bulk.
        if (delay < MinimumWait)
            delay = MinimumWait;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(delay);
        try
        {
            await _inbox.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Alerts are never dropped: a failed publish is retried, and the batches behind it wait.</summary>
    private async Task PublishAsync(List<AlertRaised> alerts, CancellationToken stoppingToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await _sink.PublishAsync(alerts, stoppingToken).ConfigureAwait(false);
                _metrics.AlertsSent.Add(alerts.Count);
                if (_logger.IsEnabled(LogLevel.Information))
                    LogRaised(alerts);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                _metrics.Errors.Add(1);
                PublishFailed(_logger, alerts.Count, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 << Math.Min(attempt, 6))), stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private void LogRaised(List<AlertRaised> alerts)
    {
        foreach (var alert in alerts)
        {
            if (alert.Revision != 0)
                continue;
            var offender = Bounded(alert.Offender);
            AlertRaisedLog(_logger, alert.AlertId, alert.RuleId, alert.Severity, offender, alert.Count);
        }
    }

    /// <summary>Offenders are user names and addresses from log lines: a log line shows at most this much of one.</summary>
    private static string Bounded(string value) => value.Length <= 128 ? value : value[..127] + "…";

    private enum CommandKind
    {
        /// <summary>Evaluate everything buffered (<see cref="ReleaseBufferedAsync"/>).</summary>
        Release,

        /// <summary>Evaluate everything buffered and close every open alert (<see cref="CloseAllAsync"/>).</summary>
        CloseAll,

        Open,

        Close,
    }

    private sealed class Command(CommandKind kind)
    {
        public CommandKind Kind { get; } = kind;

        public IReadOnlyList<string> Partitions { get; init; } = [];

        public long Epoch { get; init; }

        public byte[]? State { get; init; }

        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
