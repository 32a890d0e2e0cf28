using LogSentinel.AiAnalyzer.Consumers;
using LogSentinel.AiAnalyzer.Pipeline;
using LogSentinel.Contracts;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static LogSentinel.AiAnalyzer.Tests.Events;

namespace LogSentinel.AiAnalyzer.Tests;

/// <summary>The consumers and the window loop on MassTransit's test harness, wired by the service's own registration.</summary>
public sealed class ConsumerTests
{
    private static ServiceProvider Services(string stateDirectory, string idleClose = "00:00:01", Dictionary<string, string?>? settings = null, IAnalysisSink? sink = null)
    {
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["AiAnalyzer:StateDirectory"] = stateDirectory,
                ["AiAnalyzer:IdleClose"] = idleClose,
                ["AiAnalyzer:Lateness"] = "00:00:00",
                ["AiAnalyzer:PublishRetry"] = "00:00:00.200",
            }).AddInMemoryCollection(settings ?? []).Build())
            .AddLogging();
        if (sink is not null)
            services.AddSingleton(sink);
        return services
            .AddAiAnalyzer()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddAiAnalyzerConsumers();
                // Windows close a second after the last arrival: wait for that, not the harness's default.
                bus.SetTestTimeouts(testInactivityTimeout: TimeSpan.FromSeconds(4));
            })
            .BuildServiceProvider(true);
    }

    /// <summary>A sink whose first publishes fail, as while the broker is away.</summary>
    private sealed class FlakySink(int failures) : IAnalysisSink
    {
        private int _attempts;

        public List<WindowAnalyzed> Published { get; } = [];

        public Task PublishAsync(WindowAnalyzed analysis, CancellationToken cancellation)
        {
            if (Interlocked.Increment(ref _attempts) <= failures)
                throw new InvalidOperationException("broker unreachable");
            lock (Published)
                Published.Add(analysis);
            return Task.CompletedTask;
        }
    }

    private static string StateDirectory() => Directory.CreateTempSubdirectory("logsentinel-ai-consumers-").FullName;

    private static SecurityEvent[] BruteForce(int count, int from = 0) =>
        Enumerable.Range(from, count).Select(i => Failure(T0.AddSeconds(i), "203.0.113.45", "root")).ToArray();

    [Fact]
    public async Task Should_publish_one_analysis_per_notable_window_without_faults()
    {
        await using var provider = Services(StateDirectory());
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.Bus.Publish(Batch(BruteForce(12)));
        await harness.Bus.Publish(Alert("ssh-brute-force-fast", "threshold", "high", "203.0.113.45", null, T0.AddSeconds(4)));
        // A quiet host with two failures: closed, not analysed.
        await harness.Bus.Publish(Batch(Failure(T0, "198.51.100.7", "bob", host: "web-02"), Failure(T0.AddSeconds(1), "198.51.100.7", "bob", host: "web-02")));

        Assert.True(await harness.Published.Any<WindowAnalyzed>());
        var analysis = harness.Published.Select<WindowAnalyzed>().Single().Context.Message;
        Assert.Equal(("deb-mail-01", "rules", 6, "warning"), (analysis.Host, analysis.Source, analysis.RiskScore, analysis.Level));
        Assert.Equal(12, analysis.Aggregate.Events.Single().Attempts);
        Assert.Equal("ssh-brute-force-fast", analysis.Aggregate.Events.Single().Reason);
        Assert.Equal("ssh-brute-force-fast", Assert.Single(analysis.Aggregate.Alerts).RuleId);
        Assert.False(await harness.Published.Any<Fault<SecurityEventBatch>>());
        Assert.False(await harness.Published.Any<Fault<AlertRaised>>());
        Assert.True(await harness.GetConsumerHarness<AlertRaisedConsumer>().Consumed.Any<AlertRaised>());
    }

    [Fact]
    public async Task Should_count_a_redelivered_batch_once()
    {
        await using var provider = Services(StateDirectory());
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var batch = Batch(BruteForce(12));

        await harness.Bus.Publish(batch);
        await harness.Bus.Publish(batch);

        Assert.True(await harness.Published.Any<WindowAnalyzed>());
        Assert.Equal(2, await harness.Consumed.SelectAsync<SecurityEventBatch>().Count());
        Assert.Equal(12, harness.Published.Select<WindowAnalyzed>().Single().Context.Message.Aggregate.Totals.Failed);
    }

    [Fact]
    public async Task Should_resume_an_open_window_after_a_restart()
    {
        var state = StateDirectory();
        // Disposed last: MassTransit's log context is process-wide and goes with the first provider disposed.
        await using var first = Services(state, idleClose: "00:10:00");
        var harness = first.GetRequiredService<ITestHarness>();
        await harness.Start();
        await harness.Bus.Publish(Batch(BruteForce(7)));
        Assert.True(await harness.Consumed.Any<SecurityEventBatch>());
        await harness.Stop();
        Assert.False(await harness.Published.Any<WindowAnalyzed>());
        Assert.True(File.Exists(Path.Combine(state, "windows.json")));

        await using var second = Services(state);
        var restarted = second.GetRequiredService<ITestHarness>();
        await restarted.Start();
        await restarted.Bus.Publish(Batch(BruteForce(5, from: 7)));

        Assert.True(await restarted.Published.Any<WindowAnalyzed>());
        Assert.Equal(12, restarted.Published.Select<WindowAnalyzed>().Single().Context.Message.Aggregate.Totals.Failed);
    }

    [Fact]
    public async Task Should_publish_again_without_asking_the_model_again_when_the_bus_fails()
    {
        await using var model = await ChatCompletionsServer.StartAsync((c, _, _) => ChatCompletionsServer.Answer(c, ChatCompletionsServer.Verdict(7)));
        var sink = new FlakySink(failures: 2);
        await using var provider = Services(StateDirectory(), settings: new()
        {
            ["AiAnalyzer:Model:Endpoint"] = model.Endpoint.ToString(),
            ["AiAnalyzer:Model:Model"] = "test-model",
        }, sink: sink);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.Bus.Publish(Batch(BruteForce(12)));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (sink.Published.Count == 0 && DateTime.UtcNow < deadline)
            await Task.Delay(50);
        var analysis = Assert.Single(sink.Published);
        Assert.Equal("ai", analysis.Source);
        Assert.Equal(1, model.Calls);
    }

    [Fact]
    public async Task Should_acknowledge_only_once_the_state_is_saved_and_save_again_after_a_failure()
    {
        var state = StateDirectory();
        // A directory where the state's temporary file goes: every save fails until it is removed.
        var blocker = Directory.CreateDirectory(Path.Combine(state, "windows.json.tmp"));
        await using var provider = Services(state, idleClose: "00:10:00");
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.Bus.Publish(Batch(BruteForce(3)));
        await Task.Delay(1500);
        var consumer = harness.GetConsumerHarness<EventBatchConsumer>();
        using (var shortly = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
            Assert.False(await consumer.Consumed.Any<SecurityEventBatch>(shortly.Token), "acknowledged before saved");

        blocker.Delete();
        Assert.True(await consumer.Consumed.Any<SecurityEventBatch>(), "acknowledged after the save");
        Assert.True(File.Exists(Path.Combine(state, "windows.json")));
        Assert.False(await harness.Published.Any<Fault<SecurityEventBatch>>());
    }

    [Fact]
    public async Task Should_close_every_window_at_the_end_of_the_input_without_saving_when_told_not_to()
    {
        var state = StateDirectory();
        // As the single-process scan runs it: nothing saved, windows held open until the input ends.
        await using var provider = Services(state, idleClose: "01:00:00", settings: new() { ["AiAnalyzer:SaveState"] = "false", ["AiAnalyzer:AlertGrace"] = "00:10:00" });
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        await harness.Bus.Publish(Batch(BruteForce(12)));
        // A later window of the same host: the first is due by event time, but waits out the alert grace.
        await harness.Bus.Publish(Batch(BruteForce(12, from: 3600)));
        Assert.True(await harness.Consumed.Any<SecurityEventBatch>(x => x.Context.Message.Events[0].Timestamp > T0.AddMinutes(30)));
        Assert.False(await harness.Published.Any<WindowAnalyzed>());

        await provider.GetRequiredService<AnalyzerWorker>().CloseAllAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        // Both analyses are out when CloseAllAsync completes, oldest window first; nothing was written.
        var analyses = harness.Published.Select<WindowAnalyzed>().Select(x => x.Context.Message).ToList();
        Assert.Equal(2, analyses.Count);
        Assert.All(analyses, a => Assert.Equal(12, a.Aggregate.Totals.Failed));
        Assert.Empty(Directory.EnumerateFileSystemEntries(state));
    }
}
