using LogSentinel.Collector.Publishing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.Collector.Tests;

public sealed class ConsumerQueueGateTests
{
    /// <summary>Answers what the test says is missing, or fails as an unreachable broker would.</summary>
    private sealed class ScriptedCheck : IConsumerQueueCheck
    {
        public List<string> Missing { get; set; } = [];

        public Exception? Failure { get; set; }

        public event Action? ConnectionLost;

        public Task<IReadOnlyList<string>> FindMissingAsync(IReadOnlyList<string> queues, CancellationToken cancellation)
        {
            if (Failure is not null)
                throw Failure;
            return Task.FromResult<IReadOnlyList<string>>(queues.Where(Missing.Contains).ToList());
        }

        public void LoseConnection() => ConnectionLost?.Invoke();
    }

    private sealed class RecordingLogger : ILogger<ConsumerQueueGate>
    {
        public List<(LogLevel Level, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception)));
    }

    /// <summary>A clock the test moves by hand.</summary>
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 3, 2, 8, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly ScriptedCheck _check = new();
    private readonly RecordingLogger _log = new();
    private readonly CollectorOptions _options = new();

    public ConsumerQueueGateTests()
    {
        _options.ApplyDefaults();
        _options.Publish.RetryInterval = TimeSpan.FromMilliseconds(10);
    }

    private ConsumerQueueGate Gate() => new(_check, Options.Create(_options), TimeProvider.System, _log);

    [Fact]
    public async Task Should_wait_with_one_warning_while_a_queue_is_missing_and_resume_with_one_line()
    {
        var gate = Gate();
        _check.Missing = ["logsentinel-indexer-events", "logsentinel-ai-analyzer-events"];
        for (var i = 0; i < 5; i++)
            Assert.False(await gate.CheckAsync(CancellationToken.None));
        Assert.False(gate.IsOpen);
        Assert.Equal("waiting for consumer queues: logsentinel-indexer-events, logsentinel-ai-analyzer-events", gate.Blocked);

        _check.Missing = [];
        Assert.True(await gate.CheckAsync(CancellationToken.None));
        Assert.True(await gate.CheckAsync(CancellationToken.None));
        Assert.True(gate.IsOpen);
        Assert.Null(gate.Blocked);

        Assert.Equal([LogLevel.Warning, LogLevel.Information], _log.Entries.Select(e => e.Level));
        Assert.Contains("logsentinel-indexer-events, logsentinel-ai-analyzer-events", _log.Entries[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_say_nothing_when_the_queues_exist_from_the_start()
    {
        var gate = Gate();
        Assert.Equal("consumer queues not checked yet", gate.Blocked);
        Assert.False(gate.IsOpen);
        Assert.True(await gate.CheckAsync(CancellationToken.None));
        Assert.Empty(_log.Entries);
    }

    [Fact]
    public async Task Should_stay_closed_while_the_queues_cannot_be_checked()
    {
        var gate = Gate();
        _check.Failure = new IOException("connection refused");
        Assert.False(await gate.CheckAsync(CancellationToken.None));
        Assert.False(await gate.CheckAsync(CancellationToken.None));
        Assert.Equal("cannot check the consumer queues: connection refused", gate.Blocked);
        Assert.Single(_log.Entries);
    }

    [Fact]
    public async Task Should_close_on_a_returned_batch_and_report_it_until_a_batch_is_routed_again()
    {
        var gate = Gate();
        Assert.True(await gate.CheckAsync(CancellationToken.None));
        gate.Unroutable();
        gate.Unroutable();
        Assert.False(gate.IsOpen);
        Assert.StartsWith("batches unroutable", gate.Blocked, StringComparison.Ordinal);

        // The queues still exist: the next check opens the gate so a publish can tell, the reason stays.
        Assert.True(await gate.CheckAsync(CancellationToken.None));
        Assert.StartsWith("batches unroutable", gate.Blocked, StringComparison.Ordinal);

        gate.Delivered();
        Assert.Null(gate.Blocked);
        Assert.Equal([LogLevel.Warning, LogLevel.Information], _log.Entries.Select(e => e.Level));
    }

    [Fact]
    public async Task Should_check_again_one_retry_interval_after_a_returned_batch()
    {
        var gate = Gate();
        _options.Publish.QueueCheckInterval = TimeSpan.FromHours(1);
        Assert.True(await gate.CheckAsync(CancellationToken.None));
        using var stop = new CancellationTokenSource();
        var running = gate.RunAsync(stop.Token);
        gate.Unroutable();
        Assert.False(gate.IsOpen);
        // Not an hour later: the queues still exist, so a check soon opens the gate for the next try.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!gate.IsOpen && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        await stop.CancelAsync();
        await running;
        Assert.True(gate.IsOpen);
    }

    [Fact]
    public async Task Should_try_a_returned_flush_again_soon_but_a_returned_retry_only_a_check_interval_later()
    {
        var clock = new ManualClock();
        _options.Publish.RetryInterval = TimeSpan.FromSeconds(2);
        var gate = new ConsumerQueueGate(_check, Options.Create(_options), clock, _log);
        Assert.True(await gate.CheckAsync(CancellationToken.None));
        Assert.Equal(clock.Now + _options.Publish.QueueCheckInterval, gate.NextCheck);

        // A flush's batches come back together: one retry interval, in case a binding was only a moment late.
        gate.Unroutable();
        clock.Now += TimeSpan.FromMilliseconds(5);
        gate.Unroutable();
        Assert.Equal(clock.Now + _options.Publish.RetryInterval, gate.NextCheck);

        // The retry comes back too: the queue is bound elsewhere, and each return is an error in MassTransit's log.
        clock.Now += _options.Publish.RetryInterval;
        Assert.True(await gate.CheckAsync(CancellationToken.None));
        gate.Unroutable();
        Assert.False(gate.IsOpen);
        Assert.Equal(clock.Now + _options.Publish.QueueCheckInterval, gate.NextCheck);
    }

    [Fact]
    public async Task Should_check_again_at_once_when_its_connection_is_lost()
    {
        var gate = Gate();
        // Long enough that only a lost connection can bring the next check within the test.
        _options.Publish.QueueCheckInterval = TimeSpan.FromHours(1);
        Assert.True(await gate.CheckAsync(CancellationToken.None));
        using var stop = new CancellationTokenSource();
        var running = gate.RunAsync(stop.Token);
        _check.Missing = ["logsentinel-detector-ingest"];
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (gate.IsOpen && DateTime.UtcNow < deadline)
        {
            _check.LoseConnection();
            await Task.Delay(10);
        }
        await stop.CancelAsync();
        await running;
        Assert.False(gate.IsOpen);
        Assert.Equal("waiting for consumer queues: logsentinel-detector-ingest", gate.Blocked);
    }
}
