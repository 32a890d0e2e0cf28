using System.Text.Json.Serialization;

namespace LogSentinel.Contracts;

/// <summary>
/// The AI analyzer's verdict on one host's time window: a risk score, a summary and findings with recommendations,
/// from the model ("ai") or from the deterministic analyzer ("rules"). Recommendations only: nothing acts on them
/// automatically. For the notifier and the indexer.
/// </summary>
public sealed record WindowAnalyzed
{
    /// <summary>Deterministic (host and window): analysing the same window again gives the same id.</summary>
    [JsonPropertyName("analysis_id")]
    public required string AnalysisId { get; init; }

    [JsonPropertyName("host")]
    public required string Host { get; init; }

    [JsonPropertyName("window_start")]
    public required DateTime WindowStart { get; init; }

    [JsonPropertyName("window_end")]
    public required DateTime WindowEnd { get; init; }

    /// <summary>What the window held, with real user names and addresses (the model may have seen them masked).</summary>
    [JsonPropertyName("aggregate")]
    public required WindowAggregate Aggregate { get; init; }

    [JsonPropertyName("summary")]
    public required string Summary { get; init; }

    /// <summary>0–10; never below <see cref="RiskFloor"/>.</summary>
    [JsonPropertyName("risk_score")]
    public required int RiskScore { get; init; }

    /// <summary>The lowest score the window's rule alerts allow, computed without the model.</summary>
    [JsonPropertyName("risk_floor")]
    public required int RiskFloor { get; init; }

    /// <summary>critical, warning or info, from the score and the configured thresholds.</summary>
    [JsonPropertyName("level")]
    public required string Level { get; init; }

    [JsonPropertyName("findings")]
    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>"ai" (the model answered) or "rules" (the deterministic analyzer).</summary>
    [JsonPropertyName("source")]
    public required string Source { get; init; }

    /// <summary>The model asked, when one was.</summary>
    [JsonPropertyName("model")]
    public string? Model { get; init; }

    /// <summary>Why the rules answered when a model is configured: "hourly call cap reached", "model failed: ...".</summary>
    [JsonPropertyName("fallback_reason")]
    public string? FallbackReason { get; init; }

    /// <summary>Time spent producing the analysis (the model's calls and retries included).</summary>
    [JsonPropertyName("latency_ms")]
    public required long LatencyMs { get; init; }

    /// <summary>What the model was sent: user names pseudonymised or not, addresses as which prefixes.</summary>
    [JsonPropertyName("privacy")]
    public required PrivacyApplied Privacy { get; init; }
}

public sealed record Finding
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("ip")]
    public string? Ip { get; init; }

    [JsonPropertyName("username")]
    public string? Username { get; init; }

    /// <summary>low, medium, high or critical.</summary>
    [JsonPropertyName("severity")]
    public required string Severity { get; init; }

    [JsonPropertyName("recommendation")]
    public required string Recommendation { get; init; }
}

public sealed record PrivacyApplied
{
    [JsonPropertyName("usernames_pseudonymised")]
    public required bool UsernamesPseudonymised { get; init; }

    [JsonPropertyName("ipv4_prefix")]
    public required int Ipv4Prefix { get; init; }

    [JsonPropertyName("ipv6_prefix")]
    public required int Ipv6Prefix { get; init; }
}

/// <summary>
/// One host's window, summarised: who tried what how often. Bounded whatever the attack volume: the top groups by
/// attempts, the rest as totals.
/// </summary>
public sealed record WindowAggregate
{
    [JsonPropertyName("server")]
    public required string Server { get; init; }

    /// <summary>ISO 8601 interval: start/end.</summary>
    [JsonPropertyName("time_window")]
    public required string TimeWindow { get; init; }

    /// <summary>
    /// Events grouped by (ip, username, service, status): authentication attempts first, most first, then the rest.
    /// Lines that only accompany an attempt counted already (PAM's line for sshd's, the close of the connection) are
    /// in no group.
    /// </summary>
    [JsonPropertyName("events")]
    public required IReadOnlyList<AttemptGroup> Events { get; init; }

    /// <summary>The groups left out of <see cref="Events"/>.</summary>
    [JsonPropertyName("others")]
    public required OtherAttempts Others { get; init; }

    /// <summary>The most severe alerts of the window (at most 50).</summary>
    [JsonPropertyName("alerts")]
    public required IReadOnlyList<WindowAlert> Alerts { get; init; }

    /// <summary>Alerts of the window left out of <see cref="Alerts"/>.</summary>
    [JsonPropertyName("alerts_omitted")]
    public long AlertsOmitted { get; init; }

    [JsonPropertyName("totals")]
    public required AttemptTotals Totals { get; init; }
}

public sealed record AttemptGroup
{
    [JsonPropertyName("ip")]
    public string? Ip { get; init; }

    [JsonPropertyName("country")]
    public string? Country { get; init; }

    [JsonPropertyName("username")]
    public string? Username { get; init; }

    [JsonPropertyName("service")]
    public required string Service { get; init; }

    /// <summary>Authentication attempts for a failed or success group; events for the others (probes, rejects, bans).</summary>
    [JsonPropertyName("attempts")]
    public required long Attempts { get; init; }

    /// <summary>
    /// failed or success: authentication attempts (event.attempt). Otherwise what the address did that was no login:
    /// probe (never got to authenticate: scans, failed handshakes, clients leaving before AUTH), rejected (refused by
    /// the server: tcp_wrappers, SMTP rejects and rate limits, sudo's "not allowed"), found, banned or unbanned
    /// (fail2ban), seen (anything else, a sudo command run).
    /// </summary>
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    /// <summary>
    /// The rule alert about this group (keyed by its address; or by its account, of the same kind: remote or local),
    /// else the most frequent event action.
    /// </summary>
    [JsonPropertyName("reason")]
    public required string Reason { get; init; }
}

public sealed record OtherAttempts
{
    [JsonPropertyName("groups")]
    public required long Groups { get; init; }

    [JsonPropertyName("attempts")]
    public required long Attempts { get; init; }

    [JsonPropertyName("failed")]
    public required long Failed { get; init; }
}

public sealed record AttemptTotals
{
    /// <summary>Every event of the window, lines that only accompany an attempt counted already included.</summary>
    [JsonPropertyName("events")]
    public required long Events { get; init; }

    /// <summary>Failed authentication attempts (event.attempt), not lines.</summary>
    [JsonPropertyName("failed")]
    public required long Failed { get; init; }

    /// <summary>Successful authentication attempts.</summary>
    [JsonPropertyName("succeeded")]
    public required long Succeeded { get; init; }

    [JsonPropertyName("source_ips")]
    public required long SourceIps { get; init; }

    [JsonPropertyName("users")]
    public required long Users { get; init; }
}

/// <summary>A rule alert of the window, as the detector last revised it.</summary>
public sealed record WindowAlert
{
    [JsonPropertyName("alert_id")]
    public required string AlertId { get; init; }

    [JsonPropertyName("rule_id")]
    public required string RuleId { get; init; }

    [JsonPropertyName("rule_type")]
    public required string RuleType { get; init; }

    [JsonPropertyName("severity")]
    public required string Severity { get; init; }

    [JsonPropertyName("description")]
    public required string Description { get; init; }

    [JsonPropertyName("offender")]
    public required string Offender { get; init; }

    [JsonPropertyName("ip")]
    public string? Ip { get; init; }

    [JsonPropertyName("username")]
    public string? Username { get; init; }

    [JsonPropertyName("country")]
    public string? Country { get; init; }

    [JsonPropertyName("count")]
    public required long Count { get; init; }

    /// <summary>
    /// What the rule counted per: "address" when its key has a source address, else "account" (user.name), else
    /// "host". An alert about an account names that account in <see cref="Username"/>; <see cref="Ip"/> may then be
    /// the one address its events came from.
    /// </summary>
    [JsonPropertyName("about")]
    public string? About { get; init; }

    /// <summary>True when none of the alert's events came from a remote address (sudo, su, a console login).</summary>
    [JsonPropertyName("local")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Local { get; init; }
}
