using System.Globalization;
using System.Text;
using LogSentinel.AiAnalyzer.Aggregation;
using LogSentinel.Contracts;

namespace LogSentinel.AiAnalyzer.Analysis;

/// <summary>
/// The deterministic analyzer: the same shape as the model's answer, from the aggregate and its rule alerts alone.
/// It answers whenever no model is configured or the model cannot, so a window is never left unanalysed.
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
                Recommendation = Recommendation(alert),
            });
        }
        var named = new HashSet<string>(aggregate.Alerts.Where(a => a.Ip is not null).Select(a => a.Ip!), StringComparer.Ordinal);
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
            if (findings.Any(f => f.Ip == group.Ip))
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

    /// <summary>Addresses that failed and then logged in successfully within the window.</summary>
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

    private static string Recommendation(WindowAlert alert)
    {
        var who = alert.Ip ?? alert.Offender;
        return alert.RuleType switch
        {
            "sequence" => $"Treat the account '{alert.Username ?? "?"}' as compromised until checked: lock it, end its sessions, review what it did after the login from {who} and rotate its credentials.",
            "new_value" => $"Confirm with the owner of '{alert.Username ?? alert.Offender}' that the login from {alert.Country ?? "the new location"} was theirs; if not, lock the account.",
            "fleet" => $"{who} is attacking several servers: block it at the perimeter firewall rather than host by host.",
            "distinct" when alert.Username is not null && alert.Ip is null => $"Many addresses are trying the account '{alert.Username}': make sure it uses keys or a second factor, or rename/disable it if it is not needed.",
            "distinct" => $"{who} is trying many accounts (password spraying): block it and check that password authentication is off where keys are used.",
            _ when alert.Ip is not null => $"Block {alert.Ip} (a fail2ban ban or a firewall rule) and check that password authentication is off for the attacked service.",
            _ => $"Review the activity of '{alert.Offender}' ({alert.RuleId}) and confirm it is expected.",
        };
    }

    private static string Summary(WindowAggregate aggregate)
    {
        var t = aggregate.Totals;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture,
            $"{t.Failed} failed and {t.Succeeded} successful authentications on {aggregate.Server} in {aggregate.TimeWindow}, from {t.SourceIps} addresses against {t.Users} accounts.");
        if (aggregate.Events.FirstOrDefault(g => g.Status == AttemptStatus.Failed) is { } top)
            text.Append(CultureInfo.InvariantCulture, $" Most failures: {top.Ip ?? "local"}{(top.Country is null ? "" : " (" + top.Country + ")")} with {top.Attempts} attempts as '{top.Username ?? "?"}' on {top.Service}.");
        if (aggregate.Alerts.Count > 0)
        {
            var bySeverity = aggregate.Alerts.GroupBy(a => a.Severity).OrderByDescending(g => AlertSeverities.Rank(g.Key)).Select(g => $"{g.Count()} {g.Key}");
            text.Append(CultureInfo.InvariantCulture, $" Rule alerts: {string.Join(", ", bySeverity)} ({string.Join(", ", aggregate.Alerts.Select(a => a.RuleId).Distinct().Take(5))}).");
        }
        else
            text.Append(" No rule alert fired.");
        return text.ToString();
    }
}
