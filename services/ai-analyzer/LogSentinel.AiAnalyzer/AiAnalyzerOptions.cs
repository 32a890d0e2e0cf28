using System.ComponentModel.DataAnnotations;
using LogSentinel.ServiceDefaults;

namespace LogSentinel.AiAnalyzer;

/// <summary>Settings of the AI analyzer (section "AiAnalyzer"); deploy/ai-analyzer/ai-analyzer.yaml shows them all.</summary>
public sealed class AiAnalyzerOptions : IValidatableObject
{
    public const string Section = "AiAnalyzer";

    /// <summary>Length of the tumbling windows, on the logs' own time.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How far behind a host's newest event a window's end must be before it closes (late lines still count).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan Lateness { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A window whose end has passed on the clock also closes once nothing arrived for it for this long: a quiet
    /// host's last window is not held forever.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan IdleClose { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// After a window is due by event time, how long it still waits on the clock for the detector's alerts about
    /// its last events (a backlog read at full speed closes windows faster than alerts arrive).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan AlertGrace { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Events dated further than this ahead of the clock are dropped and counted: one bad date must not close every window.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Attempt groups sent; the rest is summed up in "others".</summary>
    [Range(1, 500)]
    public int TopGroups { get; set; } = 25;

    /// <summary>Groups tracked per window; past it new groups only add to the totals (memory stays bounded).</summary>
    [Range(100, 1_000_000)]
    public int MaxGroupsPerWindow { get; set; } = 20_000;

    /// <summary>Alerts kept per window (the most severe); the rest are counted. Bounds memory in an alert storm.</summary>
    [Range(10, 100_000)]
    public int MaxAlertsPerWindow { get; set; } = 500;

    /// <summary>A window with no alert and fewer failed attempts than this is not analysed at all.</summary>
    [Range(1, 1_000_000)]
    public int NotableFailures { get; set; } = 10;

    /// <summary>Risk score from which a window is "critical".</summary>
    [Range(0, 10)]
    public int CriticalFrom { get; set; } = 8;

    /// <summary>Risk score from which a window is "warning".</summary>
    [Range(0, 10)]
    public int WarningFrom { get; set; } = 5;

    /// <summary>Where open windows are saved; a message is acknowledged only once what it added is saved here.</summary>
    [Required(AllowEmptyStrings = false)]
    public string StateDirectory { get; set; } = "/var/lib/logsentinel/ai-analyzer";

    /// <summary>
    /// False: nothing is saved and messages are acknowledged as soon as they are counted (a run over finite logs,
    /// the single-process `scan`, starts from nothing every time anyway).
    /// </summary>
    public bool SaveState { get; set; } = true;

    /// <summary>Windows analysed at once (each may wait on the model).</summary>
    [Range(1, 64)]
    public int ConcurrentAnalyses { get; set; } = 4;

    /// <summary>Wait between attempts to publish an analysis while the bus is unavailable (the analysis is not redone).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PublishRetry { get; set; } = TimeSpan.FromSeconds(10);

    public ModelOptions Model { get; set; } = new();

    public PrivacyOptions Privacy { get; set; } = new();

    public RabbitMqOptions RabbitMq { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (WarningFrom > CriticalFrom)
            yield return new ValidationResult("WarningFrom must not be above CriticalFrom", [nameof(WarningFrom)]);
        foreach (var result in Model.Validate())
            yield return result;
        foreach (var result in Privacy.Validate())
            yield return result;
    }
}

/// <summary>The OpenAI-compatible chat-completions endpoint; no endpoint or no model means the rules answer.</summary>
public sealed class ModelOptions
{
    /// <summary>Base URL: https://api.openai.com/v1, http://localhost:11434/v1 (Ollama), an Azure OpenAI /openai/v1 URL.</summary>
    public Uri? Endpoint { get; set; }

    public string? Model { get; set; }

    /// <summary>From the environment (AiAnalyzer__Model__ApiKey), never from a committed file. Local servers need none.</summary>
    public string? ApiKey { get; set; }

    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Everything one window may spend on the model, retries and waits included, before the rules answer.</summary>
    public TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(120);

    public int MaxRetries { get; set; } = 3;

    /// <summary>First back-off; doubles per retry, with jitter. A Retry-After header wins (up to MaxRetryDelay).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The breaker opens when this share of calls failed within BreakerSampling (with at least BreakerMinimumCalls).</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumCalls { get; set; } = 4;

    public TimeSpan BreakerSampling { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>While open, windows go straight to the rules.</summary>
    public TimeSpan BreakerDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>HTTP calls to the model per rolling hour (retries count); past it the rules answer.</summary>
    public int CallsPerHour { get; set; } = 120;

    /// <summary>Longest string from a log line (user name, service, reason) put in a request.</summary>
    public int MaxFieldLength { get; set; } = 64;

    public int MaxOutputTokens { get; set; } = 1200;

    public bool IsConfigured => Endpoint is not null && !string.IsNullOrWhiteSpace(Model);

    internal IEnumerable<ValidationResult> Validate()
    {
        if (Endpoint is not null && string.IsNullOrWhiteSpace(Model))
            yield return new ValidationResult("Model.Model is required when Model.Endpoint is set");
        if (Endpoint is { IsAbsoluteUri: false } || Endpoint is { Scheme: not ("http" or "https") })
            yield return new ValidationResult("Model.Endpoint must be an absolute http(s) URL");
        // Polly's own limits, checked here so that a bad value is named at start rather than thrown by Polly.
        var day = TimeSpan.FromDays(1);
        if (AttemptTimeout < TimeSpan.FromMilliseconds(10) || Budget > day || Budget < AttemptTimeout)
            yield return new ValidationResult("Model.AttemptTimeout must be at least 10 ms and not above Model.Budget (at most 24 h)");
        if (MaxRetries is < 0 or > 10)
            yield return new ValidationResult("Model.MaxRetries must be 0-10");
        if (RetryDelay <= TimeSpan.Zero || MaxRetryDelay < RetryDelay || MaxRetryDelay > day)
            yield return new ValidationResult("Model.RetryDelay must be positive and not above Model.MaxRetryDelay (at most 24 h)");
        if (BreakerFailureRatio is <= 0 or > 1 || BreakerMinimumCalls < 2 || BreakerSampling < TimeSpan.FromMilliseconds(500) || BreakerDuration < TimeSpan.FromMilliseconds(500)
            || BreakerSampling > day || BreakerDuration > day)
            yield return new ValidationResult("Model.Breaker*: ratio in (0, 1], at least 2 calls, sampling and duration 0.5 s to 24 h");
        if (CallsPerHour < 0)
            yield return new ValidationResult("Model.CallsPerHour must not be negative");
        if (MaxFieldLength is < 8 or > 1024)
            yield return new ValidationResult("Model.MaxFieldLength must be 8-1024");
        if (MaxOutputTokens is < 100 or > 32_000)
            yield return new ValidationResult("Model.MaxOutputTokens must be 100-32000");
    }
}

/// <summary>What leaves the host about people and addresses.</summary>
public sealed class PrivacyOptions
{
    /// <summary>Send user names as keyed HMAC pseudonyms; the answer is translated back before anyone reads it.</summary>
    public bool PseudonymizeUsernames { get; set; }

    /// <summary>The HMAC key (from the environment: AiAnalyzer__Privacy__PseudonymKey); stable keys give stable pseudonyms.</summary>
    public string? PseudonymKey { get; set; }

    /// <summary>IPv4 addresses are sent as this prefix (32: whole address, 24: the /24).</summary>
    public int Ipv4Prefix { get; set; } = 32;

    /// <summary>IPv6 addresses are sent as this prefix (128: whole address, 48: the /48).</summary>
    public int Ipv6Prefix { get; set; } = 128;

    internal IEnumerable<ValidationResult> Validate()
    {
        if (PseudonymizeUsernames && (PseudonymKey is null || PseudonymKey.Length < 16))
            yield return new ValidationResult("Privacy.PseudonymKey (at least 16 characters) is required when Privacy.PseudonymizeUsernames is on");
        if (Ipv4Prefix is < 8 or > 32)
            yield return new ValidationResult("Privacy.Ipv4Prefix must be 8-32");
        if (Ipv6Prefix is < 16 or > 128)
            yield return new ValidationResult("Privacy.Ipv6Prefix must be 16-128");
    }
}
