using System.Security.Cryptography;
using System.Text;
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
/// written as soon as each recipient's copy and the webhook post are done), recipients by severity or level, at
/// most MaxEmailsPerHour per recipient (the rest waits for that recipient's digest), the webhook from its own
/// minimum severity. A copy that fails throws after the others were sent: the bus delivers the message again and
/// only what failed is redone. A crash between a send and its record resends that copy with the same Message-ID.
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
    /// <summary>Held notifications kept per recipient; older ones are dropped and counted in the digest.</summary>
    public const int MaxHeld = 5000;

    /// <summary>Longest subject written to the log (UTF-16 units, an ellipsis included).</summary>
    public const int MaxLoggedSubject = 120;

    private const int MaxLoggedId = 100;

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
            // Each recipient and the webhook on their own: one failing does not keep the others from their copy,
            // and a retry of the message only redoes what failed.
            var failures = new List<Exception>();
            foreach (var recipient in recipients)
            {
                try
                {
                    await EmailAsync(state, notification, recipient, cancellation).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures.Add(e);
                }
            }
            if (webhook && !state.Sent.ContainsKey(notification.Id + "#webhook"))
            {
                try
                {
                    await _webhook.PostAsync(_options.Webhook.Url!, notification.Message, cancellation).ConfigureAwait(false);
                    _metrics.Sent.Add(1, new KeyValuePair<string, object?>("channel", "webhook"));
                    state.Sent[notification.Id + "#webhook"] = Now;
                    _store.Save(state);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures.Add(e);
                }
            }
            if (failures.Count > 0)
                throw failures.Count == 1 ? failures[0] : new AggregateException("Some channels of the notification failed", failures);
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

    /// <summary>
    /// Sends the digests that are due: each recipient's held notifications, one email, DigestInterval after the
    /// first. A recipient whose digest fails for a passing reason keeps it for the next round; one the server
    /// refuses for good loses it (logged); neither holds up the other recipients.
    /// </summary>
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
                    var dropped = state.HeldDropped.GetValueOrDefault(recipient);
                    try
                    {
                        var id = $"digest:{recipient}:{since.Ticks}";
                        var digest = Renderer.RenderDigest(entries, dropped);
                        await _email.SendAsync(digest, recipient, MessageId(id, recipient), cancellation).ConfigureAwait(false);
                        _metrics.Sent.Add(1, new KeyValuePair<string, object?>("channel", "digest"));
                        LogEmailed(recipient, digest.Subject, id);
                    }
                    catch (Exception e) when (e is not OperationCanceledException && SmtpEmailTransport.IsTransient(e))
                    {
                        _metrics.Errors.Add(1);
                        LogDigestDeferred(_logger, e, recipient);
                        continue;
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        _metrics.Errors.Add(1);
                        LogDigestRefused(_logger, e, recipient, entries.Count);
                    }
                }
                state.Held.Remove(recipient);
                state.HeldSince.Remove(recipient);
                state.HeldDropped.Remove(recipient);
                _store.Save(state);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>One recipient's copy: sent now if the hourly limit allows, else held for the digest; done once either way.</summary>
    private async Task EmailAsync(NotifierState state, Notification notification, string recipient, CancellationToken cancellation)
    {
        var marker = notification.Id + "#email:" + recipient;
        if (state.Sent.ContainsKey(marker))
            return;
        var now = Now;
        if (!state.SendTimes.TryGetValue(recipient, out var times))
            state.SendTimes[recipient] = times = [];
        times.RemoveAll(t => now - t >= TimeSpan.FromHours(1));
        if (times.Count < _options.MaxEmailsPerHour)
        {
            await _email.SendAsync(notification.Message, recipient, MessageId(notification.Id, recipient), cancellation).ConfigureAwait(false);
            _metrics.Sent.Add(1, new KeyValuePair<string, object?>("channel", "email"));
            LogEmailed(recipient, notification.Message.Subject, notification.Id);
            times.Add(now);
        }
        else
        {
            if (!state.Held.TryGetValue(recipient, out var entries))
                state.Held[recipient] = entries = [];
            if (entries.Count >= MaxHeld)
            {
                entries.RemoveAt(0);
                state.HeldDropped[recipient] = state.HeldDropped.GetValueOrDefault(recipient) + 1;
            }
            entries.Add(notification.Digest);
            state.HeldSince.TryAdd(recipient, now);
            _metrics.Held.Add(1);
        }
        state.Sent[marker] = now;
        _store.Save(state);
    }

    /// <summary>The same notification to the same recipient always gets the same Message-ID (a resend after a crash is one message to mail clients).</summary>
    public static string MessageId(string notificationId, string recipient) =>
        "<" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(notificationId + "\n" + recipient)).AsSpan(0, 16)) + "@logsentinel>";

    /// <summary>Recipients of an alert (its severity, if at least AlertMinSeverity) or of an analysis (its level).</summary>
    private List<string> Recipients(Notification notification)
    {
        if (notification.Kind == Notification.AlertKind
            && NotificationRenderer.Rank(notification.Severity) < NotificationRenderer.Rank(_options.AlertMinSeverity))
            return [];
        // Lower case: the same address written two ways is one recipient, in the throttle and the sent-log too.
        return _options.Recipients.TryGetValue(notification.Severity, out var list)
            ? list.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim().ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList()
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "The digest for {Recipient} could not be sent now; it stays held")]
    private static partial void LogDigestDeferred(ILogger logger, Exception exception, string recipient);

    [LoggerMessage(Level = LogLevel.Error, Message = "The mail server refused the digest for {Recipient}; its {Count} held notifications are dropped")]
    private static partial void LogDigestRefused(ILogger logger, Exception exception, string recipient, int count);

    /// <summary>
    /// The operator's line for every email sent, one per recipient's copy. The subject carries values from log lines
    /// (user names, hosts): capped again here, whatever the renderer allowed, and the id too, as it came on the bus.
    /// </summary>
    private void LogEmailed(string recipient, string subject, string notificationId)
    {
        var loggedSubject = FieldText.Clean(subject, MaxLoggedSubject)!;
        var loggedId = FieldText.Clean(notificationId, MaxLoggedId)!;
        LogEmailSent(_logger, recipient, loggedSubject, loggedId);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Emailed {Recipient}: \"{Subject}\" ({NotificationId})")]
    private static partial void LogEmailSent(ILogger logger, string recipient, string subject, string notificationId);
}
