using System.Diagnostics.Metrics;

namespace LogSentinel.AiAnalyzer.Telemetry;

/// <summary>The analyzer's counters, under the pipeline's common names (received, sent, dropped, errors) and its own.</summary>
public sealed class AnalyzerMetrics : IDisposable
{
    public const string MeterName = "LogSentinel.AiAnalyzer";

    private readonly Meter _meter = new(MeterName);

    public AnalyzerMetrics()
    {
        EventsReceived = _meter.CreateCounter<long>("logsentinel.ai.events.received", "{event}", "Events added to a window");
        EventsDropped = _meter.CreateCounter<long>("logsentinel.ai.events.dropped", "{event}", "Events for a window already closed (late) or dated ahead of the clock (future)");
        AlertsReceived = _meter.CreateCounter<long>("logsentinel.ai.alerts.received", "{alert}", "Alert revisions added to a window");
        AlertsDropped = _meter.CreateCounter<long>("logsentinel.ai.alerts.dropped", "{alert}", "Alert revisions for windows already closed (late) or dated ahead of the clock (future)");
        WindowsSkipped = _meter.CreateCounter<long>("logsentinel.ai.windows.skipped", "{window}", "Windows closed with nothing notable (not analysed)");
        AnalysesSent = _meter.CreateCounter<long>("logsentinel.ai.analyses.sent", "{analysis}", "Window analyses published, by source (ai, rules)");
        ModelCalls = _meter.CreateCounter<long>("logsentinel.ai.model.calls", "{call}", "HTTP calls made to the model, retries included");
        ModelFailures = _meter.CreateCounter<long>("logsentinel.ai.model.errors", "{call}", "Model calls that failed or answered outside the schema");
        Fallbacks = _meter.CreateCounter<long>("logsentinel.ai.fallbacks", "{analysis}", "Windows the rules analysed although a model is configured, by reason");
        CapRejections = _meter.CreateCounter<long>("logsentinel.ai.model.cap_rejections", "{call}", "Calls not made because the hourly cap was reached");
        TokensEstimated = _meter.CreateCounter<long>("logsentinel.ai.tokens.estimated", "{token}", "Estimated input tokens of the requests made");
        TokensReported = _meter.CreateCounter<long>("logsentinel.ai.tokens.reported", "{token}", "Tokens the model reported using, by direction (input, output)");
        Latency = _meter.CreateHistogram<double>("logsentinel.ai.analysis.duration", "s", "Time to analyse a window, model calls and retries included");
        Errors = _meter.CreateCounter<long>("logsentinel.ai.errors", "{error}", "Analyses that could not be published");
    }

    public Counter<long> EventsReceived { get; }
    public Counter<long> EventsDropped { get; }
    public Counter<long> AlertsReceived { get; }
    public Counter<long> AlertsDropped { get; }
    public Counter<long> WindowsSkipped { get; }
    public Counter<long> AnalysesSent { get; }
    public Counter<long> ModelCalls { get; }
    public Counter<long> ModelFailures { get; }
    public Counter<long> Fallbacks { get; }
    public Counter<long> CapRejections { get; }
    public Counter<long> TokensEstimated { get; }
    public Counter<long> TokensReported { get; }
    public Histogram<double> Latency { get; }
    public Counter<long> Errors { get; }

    public void Dispose() => _meter.Dispose();
}
