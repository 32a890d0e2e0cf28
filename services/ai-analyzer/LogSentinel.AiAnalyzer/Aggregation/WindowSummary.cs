using System.Globalization;
using LogSentinel.Contracts;

namespace LogSentinel.AiAnalyzer.Aggregation;

/// <summary>
/// Turns a closed window into the seed's aggregate: the top groups (authentication attempts first, most first; then
/// probes, rejects and bans), the rest as totals, its alerts with what each is about.
/// </summary>
public static class WindowSummary
{
    /// <summary>Alerts per window in the aggregate, most severe first; enough for any real window, bounded for a storm.</summary>
    public const int MaxAlerts = 50;

    public static WindowAggregate Build(HostWindow window, int topGroups)
    {
        var scoped = window.Alerts.Values
            .Select(a =>
            {
                var scope = AlertScope.Of(a);
                return (Alert: ToWindowAlert(a, scope), Scope: scope);
            })
            .OrderByDescending(a => AlertSeverities.Rank(a.Alert.Severity))
            .ThenByDescending(a => a.Alert.Count)
            .ThenBy(a => a.Alert.AlertId, StringComparer.Ordinal)
            .ToList();
        var alerts = scoped.Select(a => a.Alert).ToList();
        // Attempts before the rest: a scanner's thousand probes must not push a brute force out of the top groups.
        var groups = window.Groups.Values
            .OrderByDescending(g => AttemptStatus.IsAttempt(g.Status))
            .ThenByDescending(g => g.Attempts)
            .ThenBy(g => g.Ip, StringComparer.Ordinal)
            .ThenBy(g => g.Username, StringComparer.Ordinal)
            .ThenBy(g => g.Service, StringComparer.Ordinal)
            .ThenBy(g => g.Status, StringComparer.Ordinal)
            .ToList();
        var top = groups.Take(topGroups).Select(g => new AttemptGroup
        {
            Ip = g.Ip,
            Country = g.Country,
            Username = g.Username,
            Service = g.Service,
            Attempts = g.Attempts,
            Status = g.Status,
            Reason = Reason(g, scoped),
        }).ToList();
        var rest = groups.Skip(topGroups).ToList();
        return new WindowAggregate
        {
            Server = window.Host,
            TimeWindow = Interval(window.Start, window.End),
            Events = top,
            Others = new OtherAttempts
            {
                Groups = rest.Count + (window.UntrackedAttempts > 0 ? 1 : 0),
                Attempts = rest.Sum(g => g.Attempts) + window.UntrackedAttempts,
                Failed = rest.Where(g => g.Status == AttemptStatus.Failed).Sum(g => g.Attempts) + window.UntrackedFailed,
            },
            Alerts = alerts.Take(MaxAlerts).ToList(),
            AlertsOmitted = Math.Max(0, alerts.Count - MaxAlerts) + window.UntrackedAlerts,
            Totals = new AttemptTotals
            {
                Events = window.Events,
                Failed = window.Failed,
                Succeeded = window.Succeeded,
                SourceIps = groups.Where(g => g.Ip is not null).Select(g => g.Ip).Distinct(StringComparer.Ordinal).LongCount(),
                Users = groups.Where(g => g.Username is not null).Select(g => g.Username).Distinct(StringComparer.Ordinal).LongCount(),
            },
        };
    }

    public static string Interval(DateTime start, DateTime end) =>
        start.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) + "/" + end.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static WindowAlert ToWindowAlert(AlertRaised alert, AlertScope scope) => new()
    {
        AlertId = alert.AlertId,
        RuleId = alert.RuleId,
        RuleType = alert.RuleType,
        Severity = alert.Severity,
        Description = alert.Description,
        Offender = alert.Offender,
        // "source.ip/64" groups carry a prefix: still the address the alert is about.
        Ip = alert.Group.FirstOrDefault(g => g.Key.StartsWith("source.ip", StringComparison.Ordinal)).Value
            ?? (alert.SourceIps.Count == 1 ? alert.SourceIps[0] : null),
        Username = alert.Group.GetValueOrDefault("user.name") ?? (alert.Users.Count == 1 && !alert.UsersTruncated ? alert.Users[0] : null),
        Country = alert.Country,
        Count = alert.Count,
        About = scope.About,
        Local = scope.Local,
    };

    /// <summary>The most severe alert about the group (<see cref="AlertScope"/>), else what its events mostly were.</summary>
    private static string Reason(AttemptCounter group, List<(WindowAlert Alert, AlertScope Scope)> alerts)
    {
        foreach (var (alert, scope) in alerts)
        {
            if (scope.Names(group.Ip, group.Username))
                return alert.RuleId;
        }
        // The most frequent action, the first in ordinal order on a tie (a loop: this runs for every group of every window).
        string? reason = null;
        long most = 0;
        foreach (var (action, count) in group.Actions)
        {
            if (count > most || (count == most && string.CompareOrdinal(action, reason) < 0))
                (reason, most) = (action, count);
        }
        return reason ?? group.Status;
    }
}
