using LogSentinel.Contracts;

namespace LogSentinel.AiAnalyzer.Tests;

/// <summary>Events and alerts as the collector and the detector publish them, for the tests.</summary>
internal static class Events
{
    public static readonly DateTime T0 = new(2026, 2, 24, 10, 0, 0, DateTimeKind.Utc);

    private static long _offset;

    public static SecurityEvent Failure(DateTime time, string ip, string user, string host = "deb-mail-01", string country = "CN", string process = "sshd", string action = EventActions.SshLoginFailed) =>
        Event(time, ip, user, host, country, process, action, EventOutcomes.Failure);

    public static SecurityEvent Success(DateTime time, string ip, string user, string host = "deb-mail-01", string country = "CN") =>
        Event(time, ip, user, host, country, "sshd", EventActions.SshLoginSucceeded, EventOutcomes.Success);

    public static SecurityEvent Event(DateTime time, string ip, string user, string host, string? country, string process, string action, string outcome)
    {
        var offset = Interlocked.Add(ref _offset, 100);
        return new SecurityEvent
        {
            Timestamp = time,
            Event = new EventFields
            {
                Id = $"{host}-{offset:x12}",
                Action = action,
                Outcome = outcome,
                Category = ["authentication"],
                Dataset = EventDatasets.Auth,
                Original = $"RAW-LINE-{offset} sshd: Failed password for {user} from {ip}",
            },
            Host = new HostFields { Name = host },
            Process = new ProcessFields { Name = process, Pid = 4242 },
            Source = new SourceFields { Address = ip, Ip = ip, Port = 50000, Geo = country is null ? null : new GeoFields { CountryIsoCode = country } },
            User = new UserFields { Name = user },
            Log = new LogFields { File = new LogFileFields { Path = "/var/log/auth.log" }, Offset = offset },
        };
    }

    public static SecurityEventBatch Batch(params SecurityEvent[] events) => new()
    {
        BatchId = events[0].Event.Id + "+" + events.Length,
        Host = events[0].Host.Name,
        RoutingKey = "p00",
        Events = events,
    };

    public static AlertRaised Alert(string ruleId, string ruleType, string severity, string? ip, string? user, DateTime end, string host = "deb-mail-01", int revision = 0, long count = 5) => new()
    {
        AlertId = $"{ruleId}-{ip}-{user}",
        Revision = revision,
        RuleId = ruleId,
        RuleType = ruleType,
        Description = $"{ruleId} description",
        Severity = severity,
        Offender = ip ?? user ?? "?",
        Group = ip is not null ? new Dictionary<string, string> { ["source.ip"] = ip } : new Dictionary<string, string> { ["user.name"] = user! },
        Count = count,
        Threshold = 5,
        Events = count,
        WindowStart = end.AddSeconds(-30),
        WindowEnd = end,
        Hosts = [host],
        Users = user is null ? [] : [user],
        SourceIps = ip is null ? [] : [ip],
        Country = "CN",
        SampleEventIds = ["e1"],
    };
}
