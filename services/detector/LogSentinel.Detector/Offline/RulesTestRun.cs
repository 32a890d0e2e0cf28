using System.Diagnostics;
using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Rules;
using LogSentinel.GeoIp;

namespace LogSentinel.Detector.Offline;

/// <summary>
/// Runs rules over log files offline, the way the service would have seen them live: every file is parsed, the
/// events any rule may count are put in event-time order across files, and one engine evaluates them. The result
/// is each alert's final revision, the answer to "which rules fire on this log, for whom, how often".
/// </summary>
public static class RulesTestRun
{
    public sealed record Result(IReadOnlyList<AlertRaised> Alerts, long Lines, long Events, long Counted, TimeSpan Elapsed, IReadOnlyList<string> UnreadableFiles);

    public static Result Run(RuleSet rules, IReadOnlyList<string> files, LogFileEvents.Settings settings)
    {
        var clock = Stopwatch.StartNew();
        using var geo = new GeoLocator(settings.GeoIpDatabase);
        var events = new List<SecurityEvent>();
        long lines = 0, total = 0;
        var unreadable = new List<string>();
        foreach (var file in files)
        {
            try
            {
                lines += LogFileEvents.Read(file, settings, geo, e =>
                {
                    total++;
                    // Only what some rule may count (or reset on) is kept for sorting: memory follows the attack, not the log.
                    if (rules.Dimensions.Any(d => rules.AnyRuleMayCount(e, d)))
                        events.Add(e);
                });
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                unreadable.Add($"{file}: {e.Message}");
            }
        }
        events.Sort(EventOrder.Instance);
        var engine = new DetectionEngine(rules);
        var alerts = new List<AlertRaised>();
        foreach (var e in events)
            engine.Process(e, alerts);
        engine.CloseAll(alerts);
        return new Result(Latest(alerts), lines, total, events.Count, clock.Elapsed, unreadable);
    }

    /// <summary>The last revision of each alert, in the order the alerts were first raised.</summary>
    public static IReadOnlyList<AlertRaised> Latest(IEnumerable<AlertRaised> revisions)
    {
        var order = new List<string>();
        var latest = new Dictionary<string, AlertRaised>(StringComparer.Ordinal);
        foreach (var alert in revisions)
        {
            if (!latest.TryGetValue(alert.AlertId, out var known))
                order.Add(alert.AlertId);
            if (known is null || alert.Revision >= known.Revision)
                latest[alert.AlertId] = alert;
        }
        return order.Select(id => latest[id]).ToArray();
    }
}
