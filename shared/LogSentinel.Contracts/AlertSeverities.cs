namespace LogSentinel.Contracts;

/// <summary>Values of <see cref="AlertRaised.Severity"/> and <see cref="Finding.Severity"/>, least severe first.</summary>
public static class AlertSeverities
{
    public const string Low = "low";
    public const string Medium = "medium";
    public const string High = "high";
    public const string Critical = "critical";

    public static readonly IReadOnlyList<string> All = [Low, Medium, High, Critical];

    /// <summary>1 (low) to 4 (critical), case-insensitive; 0 for anything else.</summary>
    public static int Rank(string? severity)
    {
        for (var i = 0; i < All.Count; i++)
        {
            if (string.Equals(All[i], severity, StringComparison.OrdinalIgnoreCase))
                return i + 1;
        }
        return 0;
    }
}
