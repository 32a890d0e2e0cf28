using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.Collector.Publishing;

/// <summary>
/// Whether batches may be published. Batches go to a fanout exchange: with no queue bound, RabbitMQ drops them and
/// still confirms the publish, so a confirm alone does not mean delivered. The gate is open only while every one
/// of <see cref="CollectorOptions.RequiredQueues"/> exists; while it is closed the worker spools batches instead.
/// The queues are checked by <see cref="RunAsync"/>, off the publishing path: every
/// <see cref="PublishOptions.QueueCheckInterval"/> while they exist, every <see cref="PublishOptions.RetryInterval"/>
/// while one is missing, and at once after the check's connection was lost or a publish failed. A batch RabbitMQ
/// returned as unroutable (published mandatory) closes the gate until a check one retry interval later; if the
/// retry comes back too (a queue that exists but is bound elsewhere: a configuration to fix), the next tries are a
/// check interval apart, since MassTransit logs every returned publish as an error.
/// It logs a warning when publishing starts to wait and one line when it resumes, never one per batch.
/// </summary>
public sealed partial class ConsumerQueueGate(IConsumerQueueCheck check, IOptions<CollectorOptions> options, TimeProvider time, ILogger<ConsumerQueueGate> logger)
{
    private const string NotChecked = "consumer queues not checked yet";

    private const string UnroutableReason = "batches unroutable: RabbitMQ returned them, no queue is bound to the batch exchange";

    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = NewSignal();
    private DateTimeOffset _nextCheck = DateTimeOffset.MinValue;
    private bool _checkRequested;
    private volatile bool _open;
    private volatile bool _unroutable;
    private DateTimeOffset _unroutableSince;
    private string? _blocked = NotChecked;

    /// <summary>True while batches may be published; read for every flush, so it only reads a field.</summary>
    public bool IsOpen => _open;

    /// <summary>Why batches wait (for the health file), or null while they flow.</summary>
    public string? Blocked
    {
        get
        {
            lock (_lock)
                return _blocked;
        }
    }

    /// <summary>When <see cref="RunAsync"/> checks next, unless asked to sooner.</summary>
    internal DateTimeOffset NextCheck
    {
        get
        {
            lock (_lock)
                return _nextCheck;
        }
    }

    /// <summary>Checks the queues now and opens or closes the gate accordingly; true when open.</summary>
    public async Task<bool> CheckAsync(CancellationToken cancellation)
    {
        var o = options.Value;
        lock (_lock)
            _checkRequested = false;
        string? missing;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(o.Publish.Timeout);
            var queues = await check.FindMissingAsync(o.RequiredQueues, timeout.Token).ConfigureAwait(false);
            missing = queues.Count == 0 ? null : "waiting for consumer queues: " + string.Join(", ", queues);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            // Not knowing is not knowing they exist: the batches wait in the spool, as they would for a broker that is away.
            missing = "cannot check the consumer queues: " + e.Message;
        }
        lock (_lock)
        {
            // A returned batch keeps its reason until one is routed again, but the gate opens so a publish can tell.
            Move(missing ?? (_unroutable ? UnroutableReason : null));
            _open = missing is null;
            _nextCheck = time.GetUtcNow() + (_open && !_unroutable ? o.Publish.QueueCheckInterval : o.Publish.RetryInterval);
            return _open;
        }
    }

    /// <summary>
    /// Checks again whenever one is due (see the class summary), until <paramref name="stop"/>; the first check is
    /// the caller's <see cref="CheckAsync"/>.
    /// </summary>
    public async Task RunAsync(CancellationToken stop)
    {
        check.ConnectionLost += RequestCheck;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                Task changed;
                TimeSpan wait;
                lock (_lock)
                {
                    if (_changed.Task.IsCompleted)
                        _changed = NewSignal();
                    changed = _changed.Task;
                    wait = _checkRequested ? TimeSpan.Zero : _nextCheck - time.GetUtcNow();
                }
                if (wait <= TimeSpan.Zero)
                {
                    await CheckAsync(stop).ConfigureAwait(false);
                    continue;
                }
                // Until the check is due, or something moved it (a request, a returned batch).
                using var delay = CancellationTokenSource.CreateLinkedTokenSource(stop);
                await Task.WhenAny(Task.Delay(wait, time, delay.Token), changed).ConfigureAwait(false);
                await delay.CancelAsync().ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            check.ConnectionLost -= RequestCheck;
        }
    }

    /// <summary>
    /// Check again now, not at the next interval: a publish failed, or the check's connection was lost (a reconnect
    /// follows). A request made while a check runs brings another: that check may have started before its cause.
    /// </summary>
    public void RequestCheck()
    {
        lock (_lock)
        {
            _checkRequested = true;
            _changed.TrySetResult();
        }
    }

    /// <summary>RabbitMQ returned a batch (mandatory publish, no queue bound): closed until the next check (see the class summary).</summary>
    public void Unroutable()
    {
        var publish = options.Value.Publish;
        lock (_lock)
        {
            var now = time.GetUtcNow();
            if (!_unroutable)
                _unroutableSince = now;
            _unroutable = true;
            _open = false;
            Move(UnroutableReason);
            // The batches of one flush come back together; one returned a retry interval later was a retry.
            _nextCheck = now + (now - _unroutableSince < publish.RetryInterval ? publish.RetryInterval : publish.QueueCheckInterval);
            _changed.TrySetResult();
        }
    }

    /// <summary>A batch was confirmed and routed.</summary>
    public void Delivered()
    {
        // Every publish passes here: the lock is taken only when a return was reported before.
        if (!_unroutable)
            return;
        lock (_lock)
        {
            _unroutable = false;
            if (_blocked == UnroutableReason)
                Move(null);
        }
    }

    /// <summary>Records the new reason (null: open) and logs the change: a warning on waiting, a line on resuming.</summary>
    private void Move(string? blocked)
    {
        var before = _blocked;
        _blocked = blocked;
        if (blocked == before)
            return;
        if (blocked is not null)
            Waiting(logger, blocked);
        else if (before != NotChecked)
            Resumed(logger, options.Value.RequiredQueues);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing waits, batches go to the spool and are published in order later: {Reason}")]
    private static partial void Waiting(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Publishing resumes: the consumer queues exist ({Queues}) and the spool drains in order")]
    private static partial void Resumed(ILogger logger, IEnumerable<string> queues);
}
