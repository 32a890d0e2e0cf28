using LogSentinel.Contracts;

namespace LogSentinel.Notifier.Tests;

internal static class Samples
{
    public static readonly DateTime T0 = new(2026, 2, 24, 10, 0, 0, DateTimeKind.Utc);

    public const string HostileUser = "<img src=x onerror=alert(1)>";

    public static WindowAnalyzed Analysis(string id = "a1", string level = "critical", int risk = 9, string user = "root", string host = "deb-mail-01") => new()
    {
        AnalysisId = id,
        Host = host,
        WindowStart = T0,
        WindowEnd = T0.AddMinutes(15),
        Aggregate = new WindowAggregate
        {
            Server = host,
            TimeWindow = "2026-02-24T10:00:00Z/2026-02-24T10:15:00Z",
            Events =
            [
                new AttemptGroup { Ip = "203.0.113.45", Country = "CN", Username = user, Service = "sshd", Attempts = 37, Status = "failed", Reason = "ssh-brute-force" },
                new AttemptGroup { Ip = "198.51.100.7", Country = "BG", Username = "alice", Service = "sshd", Attempts = 3, Status = "failed", Reason = "ssh_login_failed" },
                new AttemptGroup { Ip = "192.0.2.10", Country = "DE", Username = "bob", Service = "dovecot", Attempts = 2, Status = "failed", Reason = "imap_auth_failed" },
                new AttemptGroup { Ip = "10.0.0.5", Country = null, Username = "carol", Service = "sshd", Attempts = 1, Status = "success", Reason = "ssh_login_succeeded" },
            ],
            Others = new OtherAttempts { Groups = 0, Attempts = 0, Failed = 0 },
            Alerts =
            [
                new WindowAlert { AlertId = "x", RuleId = "ssh-brute-force", RuleType = "threshold", Severity = "high", Description = "SSH brute force", Offender = "203.0.113.45", Ip = "203.0.113.45", Country = "CN", Count = 37 },
            ],
            Totals = new AttemptTotals { Events = 43, Failed = 42, Succeeded = 1, SourceIps = 4, Users = 4 },
        },
        Summary = "Brute force against root from 203.0.113.45.",
        RiskScore = risk,
        RiskFloor = 6,
        Level = level,
        Findings = [new Finding { Type = "ssh_brute_force", Ip = "203.0.113.45", Username = user, Severity = "high", Recommendation = "Block 203.0.113.45 & check sshd_config." }],
        Source = "ai",
        Model = "gpt-4o-mini",
        LatencyMs = 1200,
        Privacy = new PrivacyApplied { UsernamesPseudonymised = false, Ipv4Prefix = 32, Ipv6Prefix = 128 },
    };

    public static AlertRaised Alert(string id = "al1", string severity = "high", string offender = "203.0.113.45", string rule = "ssh-brute-force", string description = "SSH brute force") => new()
    {
        AlertId = id,
        RuleId = rule,
        RuleType = "threshold",
        Description = description,
        Severity = severity,
        Offender = offender,
        Group = new Dictionary<string, string> { ["source.ip"] = offender },
        Count = 12,
        Threshold = 5,
        Events = 12,
        WindowStart = T0,
        WindowEnd = T0.AddSeconds(30),
        Hosts = ["deb-mail-01"],
        Users = ["root"],
        SourceIps = [offender],
        Country = "CN",
        SampleEventIds = ["e1", "e2"],
    };
}
