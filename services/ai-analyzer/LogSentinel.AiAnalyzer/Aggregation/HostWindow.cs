using LogSentinel.Contracts;

namespace LogSentinel.AiAnalyzer.Aggregation;

/// <summary>
/// One host's open window: counts per (ip, username, service, status) (<see cref="AttemptStatus"/>), totals, and the
/// latest revision of each rule alert that concerns the host in this window. Plain data, so that it is saved and
/// restored as it is.
/// </summary>
public sealed class HostWindow
{
    public required string Host { get; init; }

    public required DateTime Start { get; init; }

    public required DateTime End { get; init; }

    /// <summary>Wall-clock time of the last event or alert added (UTC).</summary>
    public DateTime LastArrival { get; set; }

    /// <summary>Wall-clock time the window was first found due by event time; it closes AlertGrace later.</summary>
    public DateTime? DueSince { get; set; }

    public Dictionary<string, AttemptCounter> Groups { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Events of groups not tracked because the window already had MaxGroupsPerWindow groups.</summary>
    public long UntrackedAttempts { get; set; }

    /// <summary>The failed attempts among <see cref="UntrackedAttempts"/>.</summary>
    public long UntrackedFailed { get; set; }

    /// <summary>Every event of the window, those that only accompany an attempt counted already (in no group) included.</summary>
    public long Events { get; set; }

    /// <summary>Failed authentication attempts (event.attempt), not lines.</summary>
    public long Failed { get; set; }

    /// <summary>Successful authentication attempts.</summary>
    public long Succeeded { get; set; }

    /// <summary>Latest revision of each alert, by alert id (at most MaxAlertsPerWindow, the most severe).</summary>
    public Dictionary<string, AlertRaised> Alerts { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Alerts not kept because the window had MaxAlertsPerWindow more severe ones.</summary>
    public long UntrackedAlerts { get; set; }
}

/// <summary>One (ip, username, service, status) group of a window.</summary>
public sealed class AttemptCounter
{
    public string? Ip { get; init; }

    public string? Username { get; init; }

    public required string Service { get; init; }

    public required string Status { get; init; }

    public string? Country { get; set; }

    /// <summary>Attempts for a failed or success group; events for the others (probes, rejects, bans).</summary>
    public long Attempts { get; set; }

    /// <summary>Events per action (ssh_invalid_user, ssh_login_failed...): the group's reason when no alert names it.</summary>
    public Dictionary<string, long> Actions { get; init; } = new(StringComparer.Ordinal);
}
