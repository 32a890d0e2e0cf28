using System.Diagnostics.Metrics;

namespace LogSentinel.Notifier.Telemetry;

/// <summary>The notifier's counters, under the pipeline's common names (received, sent, dropped, errors) and its own.</summary>
public sealed class NotifierMetrics : IDisposable
{
    public const string MeterName = "LogSentinel.Notifier";

    private readonly Meter _meter = new(MeterName);

    public NotifierMetrics()
    {
        Received = _meter.CreateCounter<long>("logsentinel.notifier.received", "{notification}", "Alerts and analyses received, by kind");
        Sent = _meter.CreateCounter<long>("logsentinel.notifier.sent", "{message}", "Emails and webhook posts sent, by channel (email, digest, webhook)");
        Dropped = _meter.CreateCounter<long>("logsentinel.notifier.dropped", "{notification}", "Notifications not sent, by reason (duplicate, below policy, no recipient)");
        Held = _meter.CreateCounter<long>("logsentinel.notifier.held", "{notification}", "Notifications held back for a recipient's digest by the hourly limit");
        SendRetries = _meter.CreateCounter<long>("logsentinel.notifier.send_retries", "{retry}", "SMTP sends retried after a transient failure");
        Errors = _meter.CreateCounter<long>("logsentinel.notifier.errors", "{error}", "Sends that failed after their retries (the message goes back to the bus)");
    }

    public Counter<long> Received { get; }
    public Counter<long> Sent { get; }
    public Counter<long> Dropped { get; }
    public Counter<long> Held { get; }
    public Counter<long> SendRetries { get; }
    public Counter<long> Errors { get; }

    public void Dispose() => _meter.Dispose();
}
