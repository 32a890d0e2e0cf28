using LogSentinel.ServiceDefaults;
using Microsoft.Extensions.Logging;

namespace LogSentinel.Messaging;

/// <summary>
/// A broker outage in a service's log as two lines: one warning when the connection to RabbitMQ is lost (why, in
/// one line) and one information line when it is back (after how long). MassTransit retries meanwhile and would
/// log each attempt with a stack trace (<see cref="BrokerRetryLogFilter"/> drops those). Fed by
/// <see cref="BrokerOutageObserver"/> (a receive endpoint that faults or a send that fails on the connection means
/// lost; back means every faulted endpoint receives again, or a send went through while none is faulted) and by a
/// publisher that gives up on a publish (<see cref="PublishFailed"/>).
/// </summary>
public sealed partial class BrokerOutageLog(TimeProvider time, ILogger<BrokerOutageLog> logger)
{
    private readonly Lock _gate = new();
    private readonly HashSet<Uri> _faultedEndpoints = [];
    private DateTimeOffset? _lostAt;

    /// <summary>Whether an outage is under way: read without the lock on every send, the common case being no.</summary>
    private volatile bool _down;

    public void EndpointFaulted(Uri endpoint, Exception? reason)
    {
        lock (_gate)
        {
            _faultedEndpoints.Add(endpoint);
            Lose(endpoint, reason);
        }
    }

    public void EndpointReady(Uri endpoint)
    {
        lock (_gate)
        {
            if (_faultedEndpoints.Remove(endpoint) && _faultedEndpoints.Count == 0)
                Restore(endpoint);
        }
    }

    /// <summary>A send or publish that failed: an outage only when it failed on the connection (<see cref="BrokerConnectionFailure"/>).</summary>
    public void SendFaulted(Uri? destination, Exception reason)
    {
        if (!BrokerConnectionFailure.Is(reason))
            return;
        lock (_gate)
            Lose(destination, reason);
    }

    /// <summary>
    /// A publish the service gave up on, whatever the exception: for a service that only publishes (the collector)
    /// the one sign of an outage, as MassTransit waits inside the publish for the connection to come back until the
    /// caller's timeout cancels it.
    /// </summary>
    public void PublishFailed(Uri? broker, string reason)
    {
        lock (_gate)
            Lose(broker, reason);
    }

    /// <summary>A send or publish the broker took: the end of an outage, unless receive endpoints are still down.</summary>
    public void SendSucceeded(Uri? destination)
    {
        if (!_down)
            return;
        lock (_gate)
        {
            if (_faultedEndpoints.Count == 0)
                Restore(destination);
        }
    }

    private void Lose(Uri? address, Exception? reason)
    {
        if (_lostAt is null)
            Lose(address, reason is null ? "no reason given" : BrokerConnectionFailure.Describe(reason));
    }

    private void Lose(Uri? address, string reason)
    {
        if (_lostAt is not null)
            return;
        _lostAt = time.GetUtcNow();
        _down = true;
        var broker = Broker(address);
        var why = FieldText.Clean(reason, BrokerConnectionFailure.MaxReasonLength)!;
        LogLost(logger, broker, why);
    }

    private void Restore(Uri? address)
    {
        if (_lostAt is not { } lostAt)
            return;
        _lostAt = null;
        _down = false;
        var broker = Broker(address);
        // Whole seconds: "00:00:34", not "00:00:33.8127419".
        var downtime = TimeSpan.FromSeconds(Math.Round((time.GetUtcNow() - lostAt).TotalSeconds));
        LogRestored(logger, broker, downtime);
    }

    /// <summary>host:port of a MassTransit address (rabbitmq://mq.example.internal:5672/queue); the port only when it is in the address.</summary>
    private static string Broker(Uri? address) => address is null ? "the broker"
        : address.IsDefaultPort || address.Port < 0 ? address.Host : $"{address.Host}:{address.Port}";

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the connection to RabbitMQ at {Broker}: {Reason}. Reconnecting; one line follows when it is back")]
    private static partial void LogLost(ILogger logger, string broker, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to RabbitMQ at {Broker} again after {Downtime}")]
    private static partial void LogRestored(ILogger logger, string broker, TimeSpan downtime);
}
