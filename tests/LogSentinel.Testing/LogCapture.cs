using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace LogSentinel.Testing;

/// <summary>One log entry as a test sees it: who wrote it, how severe, the formatted text and the exception.</summary>
public sealed record CapturedEntry(string Category, LogLevel Level, string Message, Exception? Exception);

/// <summary>
/// Keeps every log entry written through it, for tests that assert what an operator would read: a logger for a
/// class under test (<see cref="Logger{T}"/>), or a provider for a whole host (logging.AddProvider(capture)).
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedEntry> _entries = new();

    public IReadOnlyList<CapturedEntry> Entries => [.. _entries];

    /// <summary>The entries of one category (a class's full name for ILogger&lt;T&gt;).</summary>
    public IReadOnlyList<CapturedEntry> Of<T>() => [.. _entries.Where(e => e.Category == typeof(T).FullName)];

    public ILogger<T> Logger<T>() => new Typed<T>(this);

    public ILogger CreateLogger(string categoryName) => new Captured(this, categoryName);

    public void Dispose()
    {
    }

    private class Captured(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture._entries.Enqueue(new CapturedEntry(category, logLevel, formatter(state, exception), exception));
    }

    private sealed class Typed<T>(LogCapture capture) : Captured(capture, typeof(T).FullName!), ILogger<T>;
}
