using System.Globalization;
using System.Text;
using LogSentinel.AiAnalyzer.Aggregation;
using LogSentinel.Contracts;

namespace LogSentinel.AiAnalyzer.Analysis;

/// <summary>
/// The deterministic analyzer: the same shape as the model's answer, from the aggregate and its rule alerts alone.
/// It answers whenever no model is configured or the model cannot, so a window is never left unanalysed. Failures are
/// failed attempts, never probes, rejects or bans; each alert's step follows what it means (<see cref="Recommendations"/>).
/// </summary>
public static class RulesAnalyzer
{
    public const int MaxFindings = 10;

    public static ModelAnswer Analyze(WindowAggregate aggregate, int riskFloor)
    {
        var findings = new List<Finding>();
        foreach (var alert in aggregate.Alerts)
        {
            if (findings.Count == MaxFindings)
                break;
            findings.Add(new Finding
            {
                Type = alert.RuleId,
                Ip = alert.Ip,
                Username = alert.Username,
                Severity = alert.Severity,
                Recommendation = Recommendations.For(alert, aggregate),
            });
        }
        var named = new HashSet<string>(aggregate.Alerts.Where(a => a.Ip is not null).Select(a => a.Ip!), StringComparer.Ordinal);
        var scopes = aggregate.Alerts.Select(AlertScope.Of).ToList();
        var compromised = SuccessAfterFailures(aggregate).ToList();
        foreach (var (ip, user) in compromised)
        {
            if (findings.Count < MaxFindings && !aggregate.Alerts.Any(a => a.RuleType == "sequence" && a.Ip == ip))
                findings.Add(new Finding
                {
                    Type = "success_after_failures",
                    Ip = ip,
                    Username = user,
                    Severity = "high",
                    Recommendation = $"Check with the owner of '{user}' that the successful login from {ip} after failed attempts was theirs; if not, lock the account and rotate its credentials.",
                });
        }
        foreach (var group in aggregate.Events.Where(g => g.Status == AttemptStatus.Failed && g.Ip is not null && !named.Contains(g.Ip)))
        {
            if (findings.Count == MaxFindings)
                break;
            // An alert about the group (an IPv6 prefix holding its address) already says it.
            if (findings.Any(f => f.Ip == group.Ip) || scopes.Exists(s => s.Names(group.Ip, group.Username)))
                continue;
            findings.Add(new Finding
            {
                Type = "failed_logins",
                Ip = group.Ip,
                Username = group.Username,
                Severity = "low",
                Recommendation = $"No rule fired for {group.Ip}; watch it, and block it if the failures continue.",
            });
        }
        var volume = aggregate.Totals.Failed switch
        {
            >= 1000 => 5,
            >= 100 => 4,
            >= 10 => 3,
            > 0 => 1,
            _ => 0,
        };
        var risk = Math.Max(riskFloor, Math.Max(volume, compromised.Count > 0 ? 7 : 0));
        return new ModelAnswer(Summary(aggregate), Math.Min(risk, 10), findings);
    }

    /// <summary>Addresses with at least five failed attempts (not lines) that also logged in within the window.</summary>
    private static IEnumerable<(string Ip, string User)> SuccessAfterFailures(WindowAggregate aggregate)
    {
        var failedFrom = aggregate.Events
            .Where(g => g.Status == AttemptStatus.Failed && g.Ip is not null)
            .GroupBy(g => g.Ip!, StringComparer.Ordinal)
            .Where(g => g.Sum(x => x.Attempts) >= 5)
            .Select(g => g.Key)
            .ToHashSet(StringComparer.Ordinal);
        return aggregate.Events
            .Where(g => g.Status == AttemptStatus.Success && g.Ip is not null && g.Username is not null && failedFrom.Contains(g.Ip))
            .Select(g => (g.Ip!, g.Username!))
            .Distinct();
    }

    private static string Summary(WindowAggregate aggregate)
    {
        var t = aggregate.Totals;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"{t.Failed} failed and {t.Succeeded} successful authentication attempts on {aggregate.Server} in {aggregate.TimeWindow}, from {t.SourceIps} addresses against {t.Users} accounts.");
        if (aggregate.Events.FirstOrDefault(g => g.Status == AttemptStatus.Failed) is { } top)
            text.Append(CultureInfo.InvariantCulture, $" Most failures: {top.Ip ?? "local"}{(top.Country is null ? "" : " (" + top.Country + ")")} with {top.Attempts} failed attempts{(top.Username is null ? "" : " as '" + top.Username + "'")} on {top.Service}.");
        // Probes, rejects and bans are not logins: said apart, so that no one reads them as failures.
        var other = aggregate.Events.Where(g => !AttemptStatus.IsAttempt(g.Status)).GroupBy(g => g.Status)
            .OrderByDescending(g => g.Sum(x => x.Attempts)).Select(g => Counted(g.Key, g.Sum(x => x.Attempts))).ToList();
        if (other.Count > 0)
            text.Append(CultureInfo.InvariantCulture, $" No login attempted: {string.Join(", ", other)}.");
        if (aggregate.Alerts.Count > 0)
        {
            var bySeverity = aggregate.Alerts.GroupBy(a => a.Severity).OrderByDescending(g => AlertSeverities.Rank(g.Key)).Select(g => $"{g.Count()} {g.Key}");
            text.Append(CultureInfo.InvariantCulture, $" Rule alerts: {string.Join(", ", bySeverity)} ({string.Join(", ", aggregate.Alerts.Select(a => a.RuleId).Distinct().Take(5))}).");
        }
        else
            text.Append(" No rule alert fired.");
        return text.ToString();
    }

    /// <summary>"3 probes", "1 fail2ban ban": the count of a status's events in words.</summary>
    private static string Counted(string status, long n)
    {
        var (one, many) = status switch
        {
            AttemptStatus.Probe => ("probe", "probes"),
            AttemptStatus.Rejected => ("rejected", "rejected"),
            AttemptStatus.Found => ("fail2ban match", "fail2ban matches"),
            AttemptStatus.Banned => ("fail2ban ban", "fail2ban bans"),
            AttemptStatus.Unbanned => ("fail2ban unban", "fail2ban unbans"),
            _ => ("other event", "other events"),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{n} {(n == 1 ? one : many)}");
    }
}
