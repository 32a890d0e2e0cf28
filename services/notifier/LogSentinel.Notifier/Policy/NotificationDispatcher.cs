using LogSentinel.Contracts;
using LogSentinel.Notifier.Delivery;
using LogSentinel.Notifier.Rendering;
using LogSentinel.Notifier.Telemetry;
using LogSentinel.ServiceDefaults;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.Notifier.Policy;

/// <summary>
/// Decides and sends, one notification at a time: never the same id twice (the sent-log survives restarts and is
/// written after each channel took the notification), recipients by severity or level, at most MaxEmailsPerHour
/// per recipient (the rest waits for that recipient's digest), the webhook from its own minimum severity. A send
/// that fails throws: nothing is recorded and the bus delivers the message again (channels done are not redone).
/// </summary>
public sealed partial class NotificationDispatcher : IDisposable
{
    private readonly NotifierOptions _options;
    private readonly IEmailTransport _email;
    private readonly WebhookTransport _webhook;
    private readonly NotifierMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<NotificationDispatcher> _logger;
    private readonly JsonStateFile<NotifierState> _store;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private NotifierState? _state;

    public NotificationDispatcher(IOptions<NotifierOptions> options, IEmailTransport email, WebhookTransport webhook, NotifierMetrics metrics, TimeProvider time, ILogger<NotificationDispatcher> logger)
    {
        _options = options.Value;
        _email = email;
        _webhook = webhook;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _store = new JsonStateFile<NotifierState>(Path.Combine(_options.StateDirectory, "sent-log.json"));
        Renderer = new NotificationRenderer(_options.HomeCountry, _options.WatchList);
    }

    public NotificationRenderer Renderer { get; }

    public Task HandleAsync(AlertRaised alert, CancellationToken cancellation) =>
        HandleAsync(Notification.Of(alert, Renderer, Now), cancellation);

    public Task HandleAsync(WindowAnalyzed analysis, CancellationToken cancellation) =>
        HandleAsync(Notification.Of(analysis, Renderer, Now), cancellation);

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    public async Task HandleAsync(Notification notification, CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var state = State();
            _metrics.Received.Add(1, new KeyValuePair<string, object?>("kind", notification.Kind));
            if (state.Sent.ContainsKey(notification.Id))
            {
                _metrics.Dropped.Add(1, new KeyValuePair<string, object?>("reason", "duplicate"));
                return;
            }
            var recipients = Recipients(notification);
            var webhook = _options.Webhook.Url is not null && NotificationRenderer.Rank(notification.Severity) >= NotificationRenderer.Rank(_options.Webhook.MinSeverity);
            if (recipients.Count == 0 && !webhook)
                _metrics.Dropped.Add(1, new KeyValuePair<string, object?>("reason", "policy"));
            if (recipients.Count > 0 && !state.Sent.ContainsKey(notification.Id + "#email"))
                await EmailAsync(state, notification, recipients, cancellation).ConfigureAwait(false);
            if (webhook && !state.Sent.ContainsKey(notification.Id + "#webhook"))
            {
                await _webhook.PostAsync(_options.Webhook.Url!, notification.Message, cancellation).ConfigureAwait(false);
                _metrics.Sent.Add(1, new KeyValuePair<string, object?>("channel", "webhook"));
                state.Sent[notification.Id + "#webhook"] = Now;
                _store.Save(state);
            }
            state.Sent[notification.Id] = Now;
            Forget(state);
            _store.Save(state);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _metrics.Errors.Add(1);
            throw;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Sends the digests that are due: each recipient's held notifications, one email, DigestInterval after the first.</summary>
    public async Task SendDueDigestsAsync(CancellationToken cancellation)
    {
        await _gate.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var state = State();
            foreach (var (recipient, since) in state.HeldSince.ToList())
            {
                if (Now - since < _options.DigestInterval)
                    continue;
                var entries = state.Held.GetValueOrDefault(recipient) ?? [];
                if (entries.Count > 0)
                {
                    await _email.SendAsync(Renderer.RenderDigest(entries), [recipient], cancellation).ConfigureAwait(false);
                    _metrics.Sent.Add(1, new KeyValuePair<string, object?>("channel", "digest"));
                    LogDigest(_logger, recipient, entries.Count);
                }
                state.Held.Remove(recipient);
                state.HeldSince.Remove(recipient);
                _store.Save(state);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task EmailAsync(NotifierState state, Notification notification, IReadOnlyList<string> recipients, CancellationToken cancellation)
    {
        var now = Now;
        var allowed = new List<string>();
        var held = new List<string>();
        foreach (var recipient in recipients)
        {
            var times = state.SendTimes.GetValueOrDefault(recipient) ?? [];
            times.RemoveAll(t => now - t >= TimeSpan.FromHours(1));
            (times.Count < _options.MaxEmailsPerHour ? allowed : held).Add(recipient);
        }
        if (allowed.Count > 0)
        {
            await _email.SendAsync(notification.Message, allowed, cancellation).ConfigureAwait(false);
            _metrics.Sent.Add(1, new KeyValuePair<string, object?>("channel", "email"));
            foreach (var recipient in allowed)
            {
                if (!state.SendTimes.TryGetValue(recipient, out var times))
                    state.SendTimes[recipient] = times = [];
                times.Add(now);
            }
        }
        foreach (var recipient in held)
        {
            if (!state.Held.TryGetValue(recipient, out var entries))
                state.Held[recipient] = entries = [];
            entries.Add(notification.Digest);
            state.HeldSince.TryAdd(recipient, now);
            _metrics.Held.Add(1);
        }
        state.Sent[notification.Id + "#email"] = now;
        _store.Save(state);
    }

    /// <summary>Recipients of an alert (its severity, if at least AlertMinSeverity) or of an analysis (its level).</summary>
    private List<string> Recipients(Notification notification)
    {
        if (notification.Kind == Notification.AlertKind
            && NotificationRenderer.Rank(notification.Severity) < NotificationRenderer.Rank(_options.AlertMinSeverity))
            return [];
        return _options.Recipients.TryGetValue(notification.Severity, out var list)
            ? list.Where(a => !string.IsNullOrWhiteSpace(a)).Distinct(StringComparer.OrdinalIgnoreCase).ToList()
            : [];
    }

    private NotifierState State() => _state ??= _store.Load() ?? new NotifierState();

    private void Forget(NotifierState state)
    {
        var before = Now - _options.RememberSent;
        foreach (var (id, when) in state.Sent.Where(s => s.Value < before).ToList())
            state.Sent.Remove(id);
        foreach (var recipient in state.SendTimes.Where(s => s.Value.All(t => Now - t >= TimeSpan.FromHours(1))).Select(s => s.Key).ToList())
            state.SendTimes.Remove(recipient);
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Digest of {Count} held-back notifications sent to {Recipient}")]
    private static partial void LogDigest(ILogger logger, string recipient, int count);
}
