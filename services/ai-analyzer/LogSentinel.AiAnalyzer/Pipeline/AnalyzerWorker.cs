using System.Threading.Channels;
using LogSentinel.AiAnalyzer.Aggregation;
using LogSentinel.AiAnalyzer.Analysis;
using LogSentinel.AiAnalyzer.Telemetry;
using LogSentinel.Contracts;
using LogSentinel.ServiceDefaults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.AiAnalyzer.Pipeline;

/// <summary>
/// The analyzer's one loop. Consumers hand it batches and alerts; every tick it adds what came, closes the windows
/// that are due, saves its state (<see cref="WindowStore"/>) and only then lets the consumers acknowledge: a crash
/// loses nothing that was acknowledged and counts nothing twice (batch ids are remembered with the state). Closed
/// notable windows are analysed beside the loop, a few at a time, and stay in the saved state until published.
/// </summary>
public sealed partial class AnalyzerWorker : BackgroundService
{
    /// <summary>Collector batch ids remembered against redelivery (about an hour of a busy host's batches).</summary>
    public const int RememberedBatches = 20_000;

    /// <summary>How often state is saved (and waiting messages acknowledged): an acknowledgement waits at most this.</summary>
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    private abstract record Work;

    private sealed record EventsWork(SecurityEventBatch Batch, TaskCompletionSource Saved) : Work;

    private sealed record AlertWork(AlertRaised Alert, TaskCompletionSource Saved) : Work;

    private sealed record PublishedWork(string AnalysisId) : Work;

    private sealed record CloseAllWork(TaskCompletionSource Published) : Work;

    private readonly Channel<Work> _inbox = Channel.CreateUnbounded<Work>(new UnboundedChannelOptions { SingleReader = true });
    private readonly AiAnalyzerOptions _options;
    private readonly WindowAggregator _aggregator;
    private readonly JsonStateFile<AnalyzerState>? _store;
    private readonly WindowAnalyzer _analyzer;
    private readonly IAnalysisSink _sink;
    private readonly AnalyzerMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<AnalyzerWorker> _logger;
    private readonly SemaphoreSlim _slots;
    private readonly Dictionary<string, HostWindow> _unpublished = new(StringComparer.Ordinal);
    private readonly HashSet<string> _recent = new(StringComparer.Ordinal);
    private readonly Queue<string> _recentOrder = new();
    private readonly List<TaskCompletionSource> _waiting = [];
    private DateTime _nextCloseCheck;

    public AnalyzerWorker(IOptions<AiAnalyzerOptions> options, WindowAnalyzer analyzer, IAnalysisSink sink, AnalyzerMetrics metrics, TimeProvider time, ILogger<AnalyzerWorker> logger)
    {
        _options = options.Value;
        _aggregator = new WindowAggregator(_options);
        _store = _options.SaveState ? WindowStore.In(_options.StateDirectory) : null;
        _analyzer = analyzer;
        _sink = sink;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _slots = new SemaphoreSlim(_options.ConcurrentAnalyses);
    }

    /// <summary>Completes once the batch's events are in the saved state (or were counted before).</summary>
    public Task SubmitAsync(SecurityEventBatch batch, CancellationToken cancellation) => Submit(saved => new EventsWork(batch, saved), cancellation);

    public Task SubmitAsync(AlertRaised alert, CancellationToken cancellation) => Submit(saved => new AlertWork(alert, saved), cancellation);

    /// <summary>
    /// The end of the input, for a run over a finite log (the single-process `scan`): every open window closes now,
    /// after what was submitted before; completes once the notable ones are analysed and published.
    /// </summary>
    public Task CloseAllAsync(CancellationToken cancellation) => Submit(published => new CloseAllWork(published), cancellation);

    private Task Submit(Func<TaskCompletionSource, Work> work, CancellationToken cancellation)
    {
        var saved = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inbox.Writer.TryWrite(work(saved)))
            throw new InvalidOperationException("The analyzer is stopping");
        return saved.Task.WaitAsync(cancellation);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        Restore(stoppingToken);
        using var timer = new PeriodicTimer(Tick);
        try
        {
            while (await NextRoundAsync(timer, stoppingToken).ConfigureAwait(false))
                Round(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        _inbox.Writer.TryComplete();
        Round(CancellationToken.None, closeWindows: false);
        // Not saved (the disk failed to the end): their messages are not acknowledged and come back after the restart.
        foreach (var saved in _waiting)
            saved.TrySetException(new InvalidOperationException("The analyzer stopped before it could save this message's events"));
        _waiting.Clear();
    }

    /// <summary>
    /// Saving, a round waits for the tick (one save for many messages). With nothing to save it also starts as soon as
    /// work arrives: nothing is gained by holding a message, and the sender waits for its acknowledgement.
    /// </summary>
    private async Task<bool> NextRoundAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        if (_store is not null)
            return await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false);
        using var tick = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        tick.CancelAfter(Tick);
        try
        {
            await _inbox.Reader.WaitToReadAsync(tick.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
        }
        stoppingToken.ThrowIfCancellationRequested();
        return true;
    }

    /// <summary>Adds what arrived, closes what is due, saves, and releases the consumers waiting on the save.</summary>
    private void Round(CancellationToken stoppingToken, bool closeWindows = true)
    {
        var dirty = false;
        var arrival = _time.GetUtcNow().UtcDateTime;
        while (_inbox.Reader.TryRead(out var work))
        {
            dirty = true;
            switch (work)
            {
                case EventsWork events:
                    Add(events.Batch, arrival);
                    _waiting.Add(events.Saved);
                    break;
                case AlertWork alert:
                    var admission = _aggregator.Add(alert.Alert, arrival);
                    if (admission == Admission.Added)
                        _metrics.AlertsReceived.Add(1);
                    else
                        _metrics.AlertsDropped.Add(1, Reason(admission));
                    _waiting.Add(alert.Saved);
                    break;
                case PublishedWork published:
                    _unpublished.Remove(published.AnalysisId);
                    break;
                case CloseAllWork closeAll:
                    dirty = true;
                    Close(_aggregator.CloseAll(), stoppingToken);
                    // Every analysis still running counts, also those of windows closed earlier in the run.
                    _analysing.RemoveAll(t => t.IsCompleted);
                    Task.WhenAll(_analysing).ContinueWith(t => closeAll.Published.TrySetResult(), TaskScheduler.Default);
                    break;
            }
        }
        // Rounds come as often as messages when nothing is saved; looking for due windows once a tick is enough.
        if (closeWindows && (_store is not null || arrival >= _nextCloseCheck))
        {
            _nextCloseCheck = arrival + Tick;
            var due = _aggregator.CloseDue(arrival);
            dirty |= due.Count > 0;
            Close(due, stoppingToken);
        }
        // Messages still waiting mean the last save failed: try again even if nothing new came.
        if (!dirty && _waiting.Count == 0)
            return;
        try
        {
            _store?.Save(State());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Nothing is acknowledged: the messages stay with the broker and the next round tries again.
            LogSaveFailed(_logger, e, _store!.Path);
            return;
        }
        foreach (var saved in _waiting)
            saved.TrySetResult();
        _waiting.Clear();
    }

    private void Add(SecurityEventBatch batch, DateTime arrival)
    {
        if (!_recent.Add(batch.BatchId))
            return;
        _recentOrder.Enqueue(batch.BatchId);
        if (_recentOrder.Count > RememberedBatches)
            _recent.Remove(_recentOrder.Dequeue());
        long added = 0, late = 0, future = 0;
        foreach (var e in batch.Events)
        {
            switch (_aggregator.Add(e, arrival))
            {
                case Admission.Added:
                    added++;
                    break;
                case Admission.Late:
                    late++;
                    break;
                default:
                    future++;
                    break;
            }
        }
        _metrics.EventsReceived.Add(added);
        if (late > 0)
            _metrics.EventsDropped.Add(late, Reason(Admission.Late));
        if (future > 0)
        {
            _metrics.EventsDropped.Add(future, Reason(Admission.Future));
            LogFutureEvents(_logger, future, batch.Host, _options.MaxClockSkew);
        }
    }

    private static KeyValuePair<string, object?> Reason(Admission admission) =>
        new("reason", admission == Admission.Late ? "late" : "future");

    /// <summary>Dispatches the notable windows among those closed.</summary>
    private void Close(List<HostWindow> closed, CancellationToken stoppingToken)
    {
        _analysing.RemoveAll(t => t.IsCompleted);
        foreach (var window in closed)
        {
            if (!_analyzer.IsNotable(window))
            {
                _metrics.WindowsSkipped.Add(1);
                continue;
            }
            _unpublished[WindowAnalyzer.AnalysisId(window)] = window;
            _analysing.Add(Dispatch(window, stoppingToken));
        }
    }

    /// <summary>Analyses dispatched and not finished (owned by the loop): what the end of a finite input waits for.</summary>
    private readonly List<Task> _analysing = [];

    /// <summary>Analyses the window once (the model is not asked again), then publishes until the bus takes it.</summary>
    private Task Dispatch(HostWindow window, CancellationToken stoppingToken) => Task.Run(async () =>
    {
        await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
        try
        {
            var analysis = await _analyzer.AnalyzeAsync(window, stoppingToken).ConfigureAwait(false);
            while (true)
            {
                try
                {
                    await _sink.PublishAsync(analysis, stoppingToken).ConfigureAwait(false);
                    break;
                }
                catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                {
                    _metrics.Errors.Add(1);
                    LogPublishFailed(_logger, e, window.Host, window.Start, _options.PublishRetry);
                    await Task.Delay(_options.PublishRetry, _time, stoppingToken).ConfigureAwait(false);
                }
            }
            _metrics.AnalysesSent.Add(1, new KeyValuePair<string, object?>("source", analysis.Source));
            _inbox.Writer.TryWrite(new PublishedWork(analysis.AnalysisId));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Still in the saved state as unpublished: analysed again after the restart.
        }
        finally
        {
            _slots.Release();
        }
    }, CancellationToken.None);

    private void Restore(CancellationToken stoppingToken)
    {
        var state = _store?.Load();
        if (state is null)
            return;
        _aggregator.Restore(state.Aggregator);
        foreach (var id in state.RecentBatches)
        {
            if (_recent.Add(id))
                _recentOrder.Enqueue(id);
        }
        foreach (var window in state.Unpublished)
        {
            _unpublished[WindowAnalyzer.AnalysisId(window)] = window;
            _analysing.Add(Dispatch(window, stoppingToken));
        }
        LogRestored(_logger, _aggregator.OpenWindows, state.Unpublished.Count, _store!.Path);
    }

    private AnalyzerState State() => new()
    {
        Aggregator = _aggregator.State(),
        Unpublished = [.. _unpublished.Values],
        RecentBatches = [.. _recentOrder],
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not save the analyzer state to {Path}; nothing is acknowledged until it can")]
    private static partial void LogSaveFailed(ILogger logger, Exception exception, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped {Count} events of {Host} dated more than {Skew} ahead of the clock")]
    private static partial void LogFutureEvents(ILogger logger, long count, string host, TimeSpan skew);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not publish the analysis of {Host}'s window from {Start}; trying again in {Delay}")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, string host, DateTime start, TimeSpan delay);

    [LoggerMessage(Level = LogLevel.Information, Message = "Restored {Open} open and {Unpublished} unpublished windows from {Path}")]
    private static partial void LogRestored(ILogger logger, int open, int unpublished, string path);
}
