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

    private sealed class Pending(KeyedEventBatch batch)
    {
        public readonly KeyedEventBatch Batch = batch;

        /// <summary>Read on the consumer's thread, not the evaluation loop's: parsing is the costly part.</summary>
        public readonly Dictionary<string, List<SecurityEvent>> Events = Read(batch);

        public int Remaining;

        private static Dictionary<string, List<SecurityEvent>> Read(KeyedEventBatch batch)
        {
            var events = new Dictionary<string, List<SecurityEvent>>(batch.Segments.Count, StringComparer.Ordinal);
            foreach (var segment in batch.Segments)
                events.TryAdd(segment.SegmentId, Partitioning.SegmentEvents.Read(segment));
            return events;
        }
        public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

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

    public DetectionWorker(RuleSetProvider rules, IAlertSink sink, DetectorMetrics metrics, TimeProvider time, IOptions<DetectorOptions> options, ILogger<DetectionWorker> logger)
    {
        _rules = rules;
        _sink = sink;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _buffer = new ReorderBuffer<Pending>(options.Value.Lateness, options.Value.ReorderCapacity);
        _engine = new DetectionEngine(rules.Current);
    }

    /// <summary>Events this replica evaluated so far.</summary>
    public long EventsEvaluated => Interlocked.Read(ref _evaluated);

    /// <summary>Events that arrived after a later event had been evaluated (see <see cref="ReorderBuffer{T}"/>).</summary>
    public long EventsLate => Interlocked.Read(ref _late);

    private long _late;

    private long _evaluated;

    /// <summary>Completes when the batch's events were evaluated and their alerts published.</summary>
    public Task SubmitAsync(KeyedEventBatch batch, CancellationToken cancellation)
    {
        var pending = new Pending(batch);
        if (!_inbox.Writer.TryWrite(pending))
            throw new InvalidOperationException("the detector is stopping");
        return pending.Done.Task.WaitAsync(cancellation);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var released = new List<(SecurityEvent Event, Pending Item)>();
        var alerts = new List<AlertRaised>();
        var finished = new List<Pending>();
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
                if (!ReferenceEquals(_engine.Rules, _rules.Current))
                    _engine.Replace(_rules.Current, alerts);
                var now = _time.GetUtcNow().UtcTicks;
                while (_inbox.Reader.TryRead(out var pending))
                    Accept(pending, now, finished);
                _buffer.Release(now, released);
                foreach (var (e, pending) in released)
                {
                    _engine.Process(e, pending.Batch.Dimension, alerts);
                    if (--pending.Remaining == 0)
                        finished.Add(pending);
                }
                Interlocked.Add(ref _evaluated, released.Count);
                released.Clear();
                _metrics.Buffered = _buffer.Count;
                _metrics.TrackedKeys = _engine.TrackedKeys;
                if (alerts.Count > 0)
                {
                    await PublishAsync(alerts, stoppingToken).ConfigureAwait(false);
                    alerts.Clear();
                }
                foreach (var pending in finished)
                    pending.Done.TrySetResult();
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
        foreach (var segment in pending.Batch.Segments)
        {
            _metrics.EventsReceived.Add(segment.EventCount);
            if (!Remember(segment.SegmentId))
            {
                _metrics.BatchesDuplicate.Add(1);
                continue;
            }
            var events = pending.Events[segment.SegmentId];
            pending.Remaining += events.Count;
            foreach (var e in events)
                _buffer.Add(e, pending, now);
        }
        if (pending.Remaining == 0)
            finished.Add(pending);
        if (_buffer.Late > late)
        {
            _metrics.EventsLate.Add(_buffer.Late - late);
            Interlocked.Add(ref _late, _buffer.Late - late);
        }
    }

    private bool Remember(string segmentId)
    {
        var hash = Parsing.Identity.EventIds.Fingerprint(System.Runtime.InteropServices.MemoryMarshal.AsBytes(segmentId.AsSpan()));
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Count} alerts failed, retrying: {Reason}")]
    private static partial void PublishFailed(ILogger logger, int count, string reason);
}
