using LogSentinel.AiAnalyzer.Aggregation;
using LogSentinel.AiAnalyzer.Analysis;
using LogSentinel.AiAnalyzer.Telemetry;
using Microsoft.Extensions.Logging;
using static LogSentinel.AiAnalyzer.Tests.ChatCompletionsServer;
using static LogSentinel.AiAnalyzer.Tests.Events;

namespace LogSentinel.AiAnalyzer.Tests;

/// <summary>What an operator reads in the analyzer's log: one line per analysed window, saying who scored it.</summary>
public sealed class OperatorLogTests : IDisposable
{
    private readonly LogCapture _capture = new();

    public void Dispose() => _capture.Dispose();

    private WindowAnalyzer Analyzer(Uri? endpoint = null)
    {
        var options = new AiAnalyzerOptions();
        if (endpoint is not null)
        {
            options.Model = new ModelOptions
            {
                Endpoint = endpoint,
                Model = "test-model",
                ApiKey = "sk-test",
                AttemptTimeout = TimeSpan.FromSeconds(5),
                Budget = TimeSpan.FromSeconds(10),
                MaxRetries = 0,
            };
        }
        return new WindowAnalyzer(Microsoft.Extensions.Options.Options.Create(options), new AnalyzerMetrics(), TimeProvider.System, _capture.Logger<WindowAnalyzer>());
    }

    /// <summary>Twelve failures on root from one address and a high-severity alert, on <paramref name="host"/>.</summary>
    private static HostWindow Window(string host = "deb-mail-01")
    {
        var aggregator = new WindowAggregator(new AiAnalyzerOptions());
        for (var i = 0; i < 12; i++)
            aggregator.Add(Failure(T0.AddSeconds(i), "203.0.113.45", "root", host: host), DateTime.UtcNow);
        aggregator.Add(Alert("ssh-brute-force", "threshold", "high", "203.0.113.45", null, T0.AddSeconds(11), host: host), DateTime.UtcNow);
        return Assert.Single(aggregator.CloseDue(DateTime.UtcNow.AddYears(1)));
    }

    /// <summary>The per-window lines (a failed model call has an information line of its own).</summary>
    private List<string> Lines() =>
        [.. _capture.Of<WindowAnalyzer>().Where(e => e.Level == LogLevel.Information && e.Message.StartsWith("Window ", StringComparison.Ordinal)).Select(e => e.Message)];

    [Fact]
    public async Task Should_log_host_window_score_and_that_the_rules_scored_it_without_a_model()
    {
        var analysis = await Analyzer().AnalyzeAsync(Window(), CancellationToken.None);

        Assert.Equal([$"Window deb-mail-01 2026-02-24T10:00:00Z/2026-02-24T10:15:00Z: risk {analysis.RiskScore}/10 ({analysis.Level}) by rules"], Lines());
    }

    [Fact]
    public async Task Should_name_the_model_that_scored_the_window()
    {
        await using var server = await StartAsync((c, _, _) => Answer(c, Verdict(7)));
        await Analyzer(server.Endpoint).AnalyzeAsync(Window(), CancellationToken.None);

        Assert.Equal(["Window deb-mail-01 2026-02-24T10:00:00Z/2026-02-24T10:15:00Z: risk 7/10 (warning) by model test-model"], Lines());
    }

    [Fact]
    public async Task Should_say_the_rules_stood_in_when_the_model_failed()
    {
        await using var server = await StartAsync((c, _, _) => Error(c, 500));
        var analysis = await Analyzer(server.Endpoint).AnalyzeAsync(Window(), CancellationToken.None);

        Assert.Equal("rules", analysis.Source);
        Assert.Equal([$"Window deb-mail-01 2026-02-24T10:00:00Z/2026-02-24T10:15:00Z: risk {analysis.RiskScore}/10 ({analysis.Level}) by rules instead of model test-model"], Lines());
    }

    [Fact]
    public async Task Should_cap_a_host_name_taken_from_log_lines()
    {
        var host = "web\u202E-" + new string('h', 4000);
        await Analyzer().AnalyzeAsync(Window(host), CancellationToken.None);

        var line = Assert.Single(Lines());
        var logged = line["Window ".Length..line.IndexOf(' ', "Window ".Length)];
        Assert.True(logged.Length <= WindowAnalyzer.MaxLoggedHost, $"{logged.Length} characters of host logged");
        Assert.EndsWith("…", logged, StringComparison.Ordinal);
        Assert.DoesNotContain('\u202E', line);
    }
}
