using LogSentinel.ServiceDefaults;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using LogSentinel.AiAnalyzer.Aggregation;
using LogSentinel.AiAnalyzer.Telemetry;
using LogSentinel.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.AiAnalyzer.Analysis;

/// <summary>
/// Analyses a closed window: the model when one is configured (through <see cref="ModelResilience"/>, within the
/// hourly cap), the deterministic <see cref="RulesAnalyzer"/> when not or when the model cannot answer. Either way
/// the score is at least the <see cref="RiskFloor"/> of the window's alerts.
/// </summary>
public sealed partial class WindowAnalyzer
{
    public const string SourceAi = "ai";
    public const string SourceRules = "rules";

    /// <summary>Longest host name written to the log (UTF-16 units, an ellipsis included).</summary>
    public const int MaxLoggedHost = 100;

    private readonly AiAnalyzerOptions _options;
    private readonly AnalyzerMetrics _metrics;
    private readonly ILogger<WindowAnalyzer> _logger;
    private readonly ChatModel? _model;
    private readonly ModelResilience _resilience;
    private readonly CallBudget _budget;

    public WindowAnalyzer(IOptions<AiAnalyzerOptions> options, AnalyzerMetrics metrics, TimeProvider time, ILogger<WindowAnalyzer> logger)
    {
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        _model = _options.Model.IsConfigured ? new ChatModel(_options.Model) : null;
        _resilience = new ModelResilience(_options.Model, time,
            onRetry: reason => LogRetry(_logger, reason),
            onBreak: reason => LogBreakerOpened(_logger, _options.Model.BreakerDuration, reason));
        _budget = new CallBudget(_options.Model.CallsPerHour, time);
    }

    /// <summary>Whether a window is worth analysing at all: an alert, or enough failures.</summary>
    public bool IsNotable(HostWindow window) => window.Alerts.Count > 0 || window.Failed >= _options.NotableFailures;

    public async Task<WindowAnalyzed> AnalyzeAsync(HostWindow window, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var aggregate = WindowSummary.Build(window, _options.TopGroups);
        var floor = RiskFloor.Of(aggregate.Alerts);
        var source = SourceRules;
        string? fallback = null;
        ModelAnswer answer;
        if (_model is null)
            answer = RulesAnalyzer.Analyze(aggregate, floor);
        else
        {
            var prompt = new ModelPrompt(aggregate, floor, _options.Privacy, _options.Model.MaxFieldLength);
            try
            {
                answer = Translate(await _resilience.ExecuteAsync(token => AskAsync(prompt, token), TakeCall, cancellation).ConfigureAwait(false), prompt, _options.Model.MaxFieldLength);
                source = SourceAi;
            }
            catch (Exception e) when (!cancellation.IsCancellationRequested)
            {
                fallback = e is CallCapReachedException ? "hourly call cap reached" : "model failed: " + ModelResilience.Describe(e);
                _metrics.Fallbacks.Add(1, new KeyValuePair<string, object?>("reason", e is CallCapReachedException ? "cap" : "failure"));
                LogFallback(_logger, window.Host, aggregate.TimeWindow, fallback);
                answer = RulesAnalyzer.Analyze(aggregate, floor);
            }
        }
        var risk = Math.Clamp(Math.Max(answer.RiskScore, floor), 0, 10);
        var level = risk >= _options.CriticalFrom ? "critical" : risk >= _options.WarningFrom ? "warning" : "info";
        _metrics.Latency.Record(clock.Elapsed.TotalSeconds, new KeyValuePair<string, object?>("source", source));
        LogAnalysed(window.Host, aggregate.TimeWindow, risk, level, source);
        return new WindowAnalyzed
        {
            AnalysisId = AnalysisId(window),
            Host = window.Host,
            WindowStart = window.Start,
            WindowEnd = window.End,
            Aggregate = aggregate,
            Summary = answer.Summary,
            RiskScore = risk,
            RiskFloor = floor,
            Level = level,
            Findings = answer.Findings,
            Source = source,
            Model = _model?.Name,
            FallbackReason = fallback,
            LatencyMs = (long)clock.Elapsed.TotalMilliseconds,
            Privacy = new PrivacyApplied
            {
                UsernamesPseudonymised = _model is not null && _options.Privacy.PseudonymizeUsernames,
                Ipv4Prefix = _options.Privacy.Ipv4Prefix,
                Ipv6Prefix = _options.Privacy.Ipv6Prefix,
            },
        };
    }

    /// <summary>Same host and window, same id: a window analysed again after a restart is recognised downstream.</summary>
    public static string AnalysisId(HostWindow window)
    {
        var key = Encoding.UTF8.GetBytes($"{window.Host}\n{window.Start.Ticks}\n{window.End.Ticks}");
        return Convert.ToHexStringLower(SHA256.HashData(key).AsSpan(0, 16));
    }

    private bool TakeCall()
    {
        if (_budget.TryTake())
            return true;
        _metrics.CapRejections.Add(1);
        return false;
    }

    private async ValueTask<ModelAnswer> AskAsync(ModelPrompt prompt, CancellationToken cancellation)
    {
        _metrics.ModelCalls.Add(1);
        _metrics.TokensEstimated.Add(prompt.EstimatedTokens);
        try
        {
            var reply = await _model!.CompleteAsync(prompt, cancellation).ConfigureAwait(false);
            if (reply.InputTokens is { } input)
                _metrics.TokensReported.Add(input, new KeyValuePair<string, object?>("direction", "input"));
            if (reply.OutputTokens is { } output)
                _metrics.TokensReported.Add(output, new KeyValuePair<string, object?>("direction", "output"));
            return ModelAnswer.Parse(reply.Content);
        }
        catch (Exception e)
        {
            _metrics.ModelFailures.Add(1);
            var reason = ModelResilience.Describe(e);
            LogCallFailed(_logger, reason);
            throw;
        }
    }

    /// <summary>
    /// The answer in the window's own terms: pseudonyms and prefixes the model repeated turned back. The real names
    /// come from log lines: cleaned and capped like everything else, and the texts capped again after.
    /// </summary>
    private static ModelAnswer Translate(ModelAnswer answer, ModelPrompt prompt, int maxFieldLength) => answer with
    {
        Summary = FieldText.Clean(prompt.RealText(answer.Summary, maxFieldLength), ModelAnswer.MaxSummary)!,
        Findings = answer.Findings.Select(f => f with
        {
            Ip = prompt.RealAddress(f.Ip),
            Username = FieldText.Clean(prompt.RealUser(f.Username), maxFieldLength),
            Recommendation = FieldText.Clean(prompt.RealText(f.Recommendation, maxFieldLength), ModelAnswer.MaxRecommendation)!,
        }).ToList(),
    };

    /// <summary>
    /// The operator's line for every window analysed: whose, which, how risky, and who said so (the model, by name,
    /// or the rules, and whether they stood in for a configured model). The host name comes from log lines: capped.
    /// </summary>
    private void LogAnalysed(string host, string window, int risk, string level, string source)
    {
        var loggedHost = FieldText.Clean(host, MaxLoggedHost)!;
        var analyst = source == SourceAi ? $"model {_model!.Name}"
            : _model is null ? "rules"
            : $"rules instead of model {_model.Name}";
        LogWindowAnalysed(_logger, loggedHost, window, risk, level, analyst);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Window {Host} {Window}: risk {RiskScore}/10 ({Level}) by {Analyst}")]
    private static partial void LogWindowAnalysed(ILogger logger, string host, string window, int riskScore, string level, string analyst);

    [LoggerMessage(Level = LogLevel.Information, Message = "Model call failed: {Reason}")]
    private static partial void LogCallFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrying the model call after: {Reason}")]
    private static partial void LogRetry(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model circuit opened for {Duration} after: {Reason}; the rules analyse windows meanwhile")]
    private static partial void LogBreakerOpened(ILogger logger, TimeSpan duration, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Window {Host} {Window} analysed by the rules: {Reason}")]
    private static partial void LogFallback(ILogger logger, string host, string window, string reason);
}
