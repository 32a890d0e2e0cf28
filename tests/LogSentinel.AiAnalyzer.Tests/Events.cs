using LogSentinel.AiAnalyzer.Aggregation;
using LogSentinel.Contracts;

namespace LogSentinel.AiAnalyzer.Tests;

/// <summary>Events and alerts as the collector and the detector publish them, for the tests.</summary>
internal static class Events
{
    public static readonly DateTime T0 = new(2026, 2, 24, 10, 0, 0, DateTimeKind.Utc);

    private static long _offset;

    /// <summary>A failed authentication attempt; with attempt: false, a line that accompanies one ("Failed publickey" of an agent's key).</summary>
    public static SecurityEvent Failure(DateTime time, string ip, string user, string host = "deb-mail-01", string country = "CN", string process = "sshd", string action = EventActions.SshLoginFailed, bool attempt = true) =>
        Event(time, ip, user, host, country, process, action, EventOutcomes.Failure, attempt);

    public static SecurityEvent Success(DateTime time, string ip, string user, string host = "deb-mail-01", string country = "CN") =>
        Event(time, ip, user, host, country, "sshd", EventActions.SshLoginSucceeded, EventOutcomes.Success, attempt: true);

    /// <summary>An event that is no authentication attempt: pam_unix's line, a scan, a reject, a fail2ban ban, a sudo command.</summary>
    public static SecurityEvent Line(DateTime time, string? ip, string? user, string process, string action, string outcome = EventOutcomes.Failure, string host = "deb-mail-01", string? country = "CN") =>
        Event(time, ip, user, host, country, process, action, outcome, attempt: false);

    /// <summary>Classified (dataset, ECS category and type) as the parser classifies the action.</summary>
    public static SecurityEvent Event(DateTime time, string? ip, string? user, string host, string? country, string process, string action, string outcome, bool attempt)
    {
        var offset = Interlocked.Add(ref _offset, 100);
        var info = EventActions.Catalogue[action];
        return new SecurityEvent
        {
            Timestamp = time,
            Event = new EventFields
            {
                Id = $"{host}-{offset:x12}",
                Action = action,
                Outcome = outcome,
                Category = info.Category,
                Type = info.Type,
                Dataset = info.Dataset,
                Attempt = attempt,
                Original = $"RAW-LINE-{offset} sshd: Failed password for {user} from {ip}",
            },
            Host = new HostFields { Name = host },
            Process = new ProcessFields { Name = process, Pid = 4242 },
            Source = ip is null ? null : new SourceFields { Address = ip, Ip = ip, Port = 50000, Geo = country is null ? null : new GeoFields { CountryIsoCode = country } },
            User = user is null ? null : new UserFields { Name = user },
            Log = new LogFields { File = new LogFileFields { Path = "/var/log/auth.log" }, Offset = offset },
        };
    }

    /// <summary>The aggregate of one window holding these events and alerts, as the analyzer builds it when the window closes.</summary>
    public static WindowAggregate Summarise(IEnumerable<SecurityEvent> events, params AlertRaised[] alerts)
    {
        var arrival = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
        var options = new AiAnalyzerOptions { AlertGrace = TimeSpan.Zero };
        var aggregator = new WindowAggregator(options);
        foreach (var e in events)
            Assert.Equal(Admission.Added, aggregator.Add(e, arrival));
        foreach (var alert in alerts)
            Assert.Equal(Admission.Added, aggregator.Add(alert, arrival));
        return WindowSummary.Build(Assert.Single(aggregator.CloseDue(arrival.AddHours(1))), options.TopGroups);
    }

    public static SecurityEventBatch Batch(params SecurityEvent[] events) => new()
    {
        BatchId = events[0].Event.Id + "+" + events.Length,
        Host = events[0].Host.Name,
        RoutingKey = "p00",
        Events = events,
    };

    /// <summary>
    /// An alert keyed by the address when there is one, else by the account (else the host); its users and source
    /// addresses those of the key unless given (a login-after-failures alert lists every account its events named).
    /// </summary>
    public static AlertRaised Alert(string ruleId, string ruleType, string severity, string? ip, string? user, DateTime end, string host = "deb-mail-01", int revision = 0, long count = 5,
        IReadOnlyList<string>? users = null, IReadOnlyList<string>? sourceIps = null) => new()
    {
        AlertId = $"{ruleId}-{ip}-{user}",
        Revision = revision,
        RuleId = ruleId,
        RuleType = ruleType,
        Description = $"{ruleId} description",
        Severity = severity,
        Offender = ip ?? user ?? host,
        Group = ip is not null ? new Dictionary<string, string> { ["source.ip"] = ip }
            : user is not null ? new Dictionary<string, string> { ["user.name"] = user }
            : new Dictionary<string, string> { ["host.name"] = host },
        Count = count,
        Threshold = 5,
        Events = count,
        WindowStart = end.AddSeconds(-30),
        WindowEnd = end,
        Hosts = [host],
        Users = users ?? (user is null ? [] : [user]),
        SourceIps = sourceIps ?? (ip is null ? [] : [ip]),
        Country = "CN",
        SampleEventIds = ["e1"],
    };
}
