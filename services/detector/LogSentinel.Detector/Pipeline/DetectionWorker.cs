using System.Threading.Channels;
using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Rules;
using LogSentinel.Detector.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.Detector.Pipeline;

/// <summary>
/// The replica's one evaluation loop: partitioned batches come in from any number of consumers, wait in the reorder
/// buffer, and go through the <see cref="DetectionEngine"/> in event-time order. A batch's submission completes only
/// when all its events were evaluated and the alerts they raised were published, so the consumer acknowledges the
/// message after that and not before: a crash redelivers it. A segment seen recently is a redelivery and skipped.
/// </summary>
public sealed partial class DetectionWorker : BackgroundService
{
    /// <summary>Segment ids remembered (as 64-bit hashes, 24 MB): about a minute of a 50k events/s stream.</summary>
    private const int RememberedSegments = 1_000_000;

    /// <summary>What a finite input asks of the loop besides batches, in the order it asks it.</summary>
    private enum Control
    {
        None,

        /// <summary>Evaluate everything buffered (<see cref="ReleaseBufferedAsync"/>).</summary>
        Release,

        /// <summary>Evaluate everything buffered and close every open alert (<see cref="CloseAllAsync"/>).</summary>
        CloseAll,
    }

    private sealed class Pending(KeyedEventBatch batch, Control control = Control.None)
    {
        public readonly KeyedEventBatch Batch = batch;

        public readonly Control Control = control;

        public int Remaining;

        /// <summary>The segments this batch brought first: while it is unfinished, a redelivery of them waits for it.</summary>
        public readonly List<ulong> Segments = [];

        /// <summary>Earlier deliveries of some of this batch's segments, not finished yet: acknowledged after them.</summary>
        public readonly List<Task> Originals = [];

        public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>The shortest wait for buffered events to become due.</summary>
    private static readonly TimeSpan MinimumWait = TimeSpan.FromMilliseconds(5);

    private readonly Channel<Pending> _inbox = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly RuleSetProvider _rules;
    private readonly IAlertSink _sink;
    private readonly DetectorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<DetectionWorker> _logger;
    private readonly ReorderBuffer<Pending> _buffer;
    private readonly DetectionEngine _engine;
    private readonly HashSet<ulong> _seenSegments = [];
    private readonly Queue<ulong> _seenOrder = new();
    private readonly Dictionary<ulong, Pending> _unfinished = [];
    private readonly TimeSpan _maxClockSkew;
    private readonly bool _acknowledgeOnReceipt;
    private long _nextFutureWarningTicks;

    public DetectionWorker(RuleSetProvider rules, IAlertSink sink, DetectorMetrics metrics, TimeProvider time, IOptions<DetectorOptions> options, ILogger<DetectionWorker> logger)
    {
        _rules = rules;
        _sink = sink;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _buffer = new ReorderBuffer<Pending>(options.Value.Lateness, options.Value.ReorderCapacity);
        _maxClockSkew = options.Value.MaxClockSkew;
        _acknowledgeOnReceipt = options.Value.AcknowledgeOnReceipt;
        _engine = new DetectionEngine(rules.Current);
    }

    /// <summary>Events this replica evaluated so far.</summary>
    public long EventsEvaluated => Interlocked.Read(ref _evaluated);

    /// <summary>Events that arrived after a later event had been evaluated (see <see cref="ReorderBuffer{T}"/>).</summary>
    public long EventsLate => Interlocked.Read(ref _late);

    private long _late;

    /// <summary>Events dropped because they were dated more than MaxClockSkew ahead of this replica's clock.</summary>
    public long EventsDropped => Interlocked.Read(ref _dropped);

    private long _dropped;

    /// <summary>The partitions (routing keys) this replica has evaluated events of: which share of the keys it holds.</summary>
    public IReadOnlyCollection<string> Partitions
    {
        get
        {
            lock (_partitions)
                return [.. _partitions];
        }
    }

    private readonly HashSet<string> _partitions = new(StringComparer.Ordinal);

    private long _evaluated;

    /// <summary>
    /// Completes when the batch's events were evaluated and their alerts published (with AcknowledgeOnReceipt: once
    /// the loop has the batch).
    /// </summary>
    public Task SubmitAsync(KeyedEventBatch batch, CancellationToken cancellation)
    {
        var evaluated = SubmitPending(new Pending(batch), cancellation);
        return _acknowledgeOnReceipt ? Task.CompletedTask : evaluated;
    }

    private Task SubmitPending(Pending pending, CancellationToken cancellation)
    {
        if (!_inbox.Writer.TryWrite(pending))
            throw new InvalidOperationException("the detector is stopping");
        return pending.Done.Task.WaitAsync(cancellation);
    }

    private static readonly KeyedEventBatch NoEvents = new() { BatchId = "", Dimension = "", RoutingKey = "", Segments = [] };

    /// <summary>
    /// The end of the input, for a run over a finite log (the single-process `scan`): every buffered event is
    /// evaluated and every open alert gets its final revision, as `rules test` does. Completes once those are published.
    /// </summary>
    public Task CloseAllAsync(CancellationToken cancellation) => SubmitPending(new Pending(NoEvents, Control.CloseAll), cancellation);

    /// <summary>
    /// For a run over a finite log that knows every batch of a stretch of it was submitted: those events are
    /// evaluated now, in event-time order, whatever the lateness; batches submitted after this call wait for the
    /// next. The order of evaluation then depends on the input alone, not on how fast the bus delivered.
    /// </summary>
    public Task ReleaseBufferedAsync(CancellationToken cancellation) => SubmitPending(new Pending(NoEvents, Control.Release), cancellation);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var released = new List<(SecurityEvent Event, Pending Item)>();
        var alerts = new List<AlertRaised>();
        var finished = new List<Pending>();
        var closing = new List<Pending>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                if (!ReferenceEquals(_engine.Rules, _rules.Current))
                    _engine.Replace(_rules.Current, alerts);
                var now = _time.GetUtcNow().UtcTicks;
                while (_inbox.Reader.TryRead(out var pending))
                {
                    if (pending.Control != Control.None)
                    {
                        // What came after it belongs to the next stretch.
                        closing.Add(pending);
                        break;
                    }
                    Accept(pending, now, finished);
                }
                _buffer.Release(now, released, all: closing.Count > 0);
                foreach (var (e, pending) in released)
                {
                    _engine.Process(e, pending.Batch.Dimension, alerts);
                    if (--pending.Remaining == 0)
                        finished.Add(pending);
                }
                Interlocked.Add(ref _evaluated, released.Count);
                released.Clear();
                if (closing.Exists(c => c.Control == Control.CloseAll))
                    _engine.CloseAll(alerts);
                if (closing.Count > 0)
                {
                    finished.AddRange(closing);
                    closing.Clear();
                }
                _metrics.Buffered = _buffer.Count;
                _metrics.TrackedKeys = _engine.TrackedKeys;
                if (alerts.Count > 0)
                {
                    await PublishAsync(alerts, stoppingToken).ConfigureAwait(false);
                    alerts.Clear();
                }
                foreach (var pending in finished)
                    Complete(pending);
                finished.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        // Unfinished batches are not acknowledged: the broker gives them to a replica again.
        _inbox.Writer.TryComplete();
        while (_inbox.Reader.TryRead(out var pending))
            pending.Done.TrySetCanceled(stoppingToken);
    }

    private void Accept(Pending pending, long now, List<Pending> finished)
    {
        var late = _buffer.Late;
        var future = now + _maxClockSkew.Ticks;
        lock (_partitions)
            _partitions.Add(pending.Batch.RoutingKey);
        foreach (var segment in pending.Batch.Segments)
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

    /// <summary>Acknowledges a batch whose events were all evaluated, once the earlier deliveries it repeats are.</summary>
    private void Complete(Pending pending)
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
        FutureEvent(_logger, e.Event.Id, e.Host.Name, e.Timestamp, _maxClockSkew);
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

    /// <summary>Until a batch arrives or the earliest buffered event is due.</summary>
    private async Task WaitForWorkAsync(CancellationToken stoppingToken)
    {
        if (_inbox.Reader.TryPeek(out _))
            return;
        var due = _buffer.NextDueTicks;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} from {Host} is dated {Timestamp:o}, more than {Skew} ahead of this clock: dropped (counted in logsentinel.detector.events.dropped; at most one such warning a minute)")]
    private static partial void FutureEvent(ILogger logger, string eventId, string host, DateTime timestamp, TimeSpan skew);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Count} alerts failed, retrying: {Reason}")]
    private static partial void PublishFailed(ILogger logger, int count, string reason);
}
