using LogSentinel.Contracts;

namespace LogSentinel.Detector.Tests;

/// <summary>Builds the events the collector would publish, with only what a test cares about.</summary>
internal static class Events
{
    public static readonly DateTime T0 = new(2026, 2, 24, 10, 0, 0, DateTimeKind.Utc);

    private static long _offset;

    public static SecurityEvent Of(
        string action,
        DateTime at,
        string? ip = null,
        string? user = null,
        string host = "deb-mail-01",
        string? country = null,
        string path = "/var/log/auth.log",
        bool attempt = false,
        GeoPoint? location = null)
    {
        var offset = Interlocked.Increment(ref _offset) * 100;
        var outcome = action.Contains("succeeded", StringComparison.Ordinal) || action is EventActions.SudoCommand ? EventOutcomes.Success
            : action is EventActions.Fail2banBan or EventActions.Fail2banUnban or EventActions.Fail2banFound ? EventOutcomes.Unknown
            : EventOutcomes.Failure;
        var info = EventActions.Catalogue[action];
        return new SecurityEvent
        {
            Timestamp = at,
            Event = new EventFields
            {
                Id = $"{host}-{offset:x8}",
                Action = action,
                Outcome = outcome,
                Category = info.Category,
                Dataset = info.Dataset,
                Attempt = attempt,
            },
            Host = new HostFields { Name = host },
            Source = ip is null ? null : new SourceFields { Address = ip, Ip = ip, Geo = country is null && location is null ? null : new GeoFields { CountryIsoCode = country, Location = location } },
            User = user is null ? null : new UserFields { Name = user },
            // sshd's lines say the protocol, as the parser writes it.
            Network = action.StartsWith("ssh_", StringComparison.Ordinal) ? new NetworkFields { Protocol = "ssh" } : null,
            Log = new LogFields { File = new LogFileFields { Path = path }, Offset = offset },
        };
    }

    // sshd's "Failed password" and "Accepted" lines are the attempts themselves, as the parser marks them.
    public static SecurityEvent SshFailed(DateTime at, string ip, string user = "root", string host = "deb-mail-01") =>
        Of(EventActions.SshLoginFailed, at, ip, user, host, attempt: true);

    public static SecurityEvent SshAccepted(DateTime at, string ip, string user, string host = "deb-mail-01", string? country = null, GeoPoint? location = null) =>
        Of(EventActions.SshLoginSucceeded, at, ip, user, host, country, attempt: true, location: location);
}
