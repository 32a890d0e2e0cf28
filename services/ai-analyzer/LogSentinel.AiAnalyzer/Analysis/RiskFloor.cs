using LogSentinel.Contracts;

namespace LogSentinel.AiAnalyzer.Analysis;

/// <summary>
/// The lowest risk score a window's rule alerts allow, computed without the model: a critical alert (a login after
/// a brute force) keeps the window at 8 or more whatever the model answers. The model may raise the score, never
/// lower it, so text an attacker planted in a log line cannot talk a window down.
/// </summary>
public static class RiskFloor
{
    public static int Of(IReadOnlyList<WindowAlert> alerts)
    {
        var floor = 0;
        foreach (var alert in alerts)
            floor = Math.Max(floor, Of(alert.Severity));
        return floor;
    }

    /// <summary>critical 8, high 6, medium 4, low 2, anything else 0.</summary>
    public static int Of(string severity) => 2 * AlertSeverities.Rank(severity);
}
