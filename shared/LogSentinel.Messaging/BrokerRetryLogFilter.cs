using Microsoft.Extensions.Logging;

namespace LogSentinel.Messaging;

/// <summary>
/// The host's logger factory, with MassTransit's connection failures left out: while the broker is unreachable it
/// logs every attempt to reconnect, and every send and receive the loss interrupted, each with its stack trace
/// (hundreds of lines for a half-minute outage). <see cref="BrokerOutageLog"/> says the same in two lines. Only
/// MassTransit's categories are filtered, and only entries whose exception is a connection failure
/// (<see cref="BrokerConnectionFailure"/>): a consumer's own fault (R-FAULT) and everything else still shows.
/// RabbitMQ.Client itself writes to an EventSource, not to these logs.
/// </summary>
public sealed class BrokerRetryLogFilter(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName)
    {
        var logger = inner.CreateLogger(categoryName);
        return IsMassTransit(categoryName) ? new Filtered(logger) : logger;
    }

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose() => inner.Dispose();

    private static bool IsMassTransit(string category) =>
        category == "MassTransit" || category.StartsWith("MassTransit.", StringComparison.Ordinal);

    private sealed class Filtered(ILogger inner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!BrokerConnectionFailure.Is(exception))
                inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
