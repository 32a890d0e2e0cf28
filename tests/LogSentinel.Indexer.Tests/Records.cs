using LogSentinel.Contracts;

namespace LogSentinel.Indexer.Tests;

internal static class Records
{
    public static readonly DateTime T0 = new(2026, 2, 24, 10, 0, 0, DateTimeKind.Utc);

    /// <summary>An event of line n; an authentication attempt (event.attempt) unless said otherwise.</summary>
    public static SecurityEvent Failure(int n, string? ip = null, string user = "root", string action = EventActions.SshLoginFailed, string outcome = EventOutcomes.Failure, string category = "authentication", bool attempt = true) => new()
    {
        Timestamp = T0.AddMilliseconds(n),
        Event = new EventFields
        {
            Id = $"{n:x40}",
            Action = action,
            Outcome = outcome,
            Category = [category],
            Dataset = EventDatasets.Auth,
            Attempt = attempt,
        },
        Host = new HostFields { Name = "deb-mail-01" },
        Process = new ProcessFields { Name = "sshd", Pid = 4242 },
        Source = new SourceFields { Address = ip ?? $"203.0.{n / 250 % 250}.{n % 250}", Ip = ip ?? $"203.0.{n / 250 % 250}.{n % 250}", Port = 50000, Geo = new GeoFields { CountryIsoCode = "CN", CountryName = "China" } },
        User = new UserFields { Name = user },
        Log = new LogFields { File = new LogFileFields { Path = "/var/log/auth.log" }, Offset = n * 100L },
    };

    public static AlertRaised Alert(string id = "a1", int revision = 0, long count = 5) => new()
    {
        AlertId = id,
        Revision = revision,
        RuleId = "ssh-brute-force",
        RuleType = "threshold",
        Description = "SSH brute force",
        Severity = "high",
        Offender = "203.0.113.45",
        Group = new Dictionary<string, string> { ["source.ip"] = "203.0.113.45" },
        Count = count,
        Threshold = 5,
        Events = count,
        WindowStart = T0,
        WindowEnd = T0.AddSeconds(30 + revision),
        Hosts = ["deb-mail-01"],
        Users = ["root"],
        SourceIps = ["203.0.113.45"],
        Country = "CN",
        SampleEventIds = ["e1"],
    };

    public static WindowAnalyzed Analysis(string id = "w1") => new()
    {
        AnalysisId = id,
        Host = "deb-mail-01",
        WindowStart = T0,
        WindowEnd = T0.AddMinutes(15),
        Aggregate = new WindowAggregate
        {
            Server = "deb-mail-01",
            TimeWindow = "2026-02-24T10:00:00Z/2026-02-24T10:15:00Z",
            Events = [new AttemptGroup { Ip = "203.0.113.45", Country = "CN", Username = "root", Service = "sshd", Attempts = 37, Status = "failed", Reason = "ssh-brute-force" }],
            Others = new OtherAttempts { Groups = 0, Attempts = 0, Failed = 0 },
            Alerts = [],
            Totals = new AttemptTotals { Events = 37, Failed = 37, Succeeded = 0, SourceIps = 1, Users = 1 },
        },
        Summary = "Brute force.",
        RiskScore = 7,
        RiskFloor = 6,
        Level = "warning",
        Findings = [new Finding { Type = "brute_force", Ip = "203.0.113.45", Severity = "high", Recommendation = "Block it." }],
        Source = "rules",
        LatencyMs = 3,
        Privacy = new PrivacyApplied { UsernamesPseudonymised = false, Ipv4Prefix = 32, Ipv6Prefix = 128 },
    };
}
