using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Offline;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Tests;

/// <summary>Runs events through a real engine with rules written in the test, as the service would.</summary>
internal static class Engine
{
    public static string DefaultRules => Path.Combine(Repository.Root, "services", "detector", "rules");

    /// <summary>Every revision published, in order.</summary>
    public static List<AlertRaised> Run(string rulesYaml, IEnumerable<SecurityEvent> events, bool close = true)
    {
        var engine = new DetectionEngine(RuleSetLoader.LoadText(rulesYaml));
        var alerts = new List<AlertRaised>();
        foreach (var e in events.Order(EventOrder.Instance))
            engine.Process(e, alerts);
        if (close)
            engine.CloseAll(alerts);
        return alerts;
    }

    /// <summary>The last revision of each alert.</summary>
    public static IReadOnlyList<AlertRaised> Final(string rulesYaml, IEnumerable<SecurityEvent> events) =>
        RulesTestRun.Latest(Run(rulesYaml, events));
}
