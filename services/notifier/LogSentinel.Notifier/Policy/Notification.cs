using LogSentinel.Contracts;
using LogSentinel.Notifier.Rendering;
using LogSentinel.ServiceDefaults;

namespace LogSentinel.Notifier.Policy;

/// <summary>An alert or an analysis, rendered, with what the policy needs to route it.</summary>
public sealed record Notification(string Id, string Kind, string Severity, EmailMessage Message, DigestEntry Digest)
{
    public const string AlertKind = "alert";
    public const string AnalysisKind = "analysis";

    public static Notification Of(AlertRaised alert, NotificationRenderer renderer, DateTime now) => new(
        "alert:" + alert.AlertId,
        AlertKind,
        alert.Severity.ToLowerInvariant(),
        renderer.Render(alert),
        Entry(alert.Description, alert.Offender, alert.Severity, string.Join(",", alert.Hosts.Take(3)), alert.Country, alert.WindowEnd > DateTime.MinValue ? alert.WindowEnd : now));

    public static Notification Of(WindowAnalyzed analysis, NotificationRenderer renderer, DateTime now)
    {
        var top = analysis.Aggregate.Events.Count > 0 ? analysis.Aggregate.Events[0] : null;
        return new(
            "analysis:" + analysis.AnalysisId,
            AnalysisKind,
            analysis.Level.ToLowerInvariant(),
            renderer.Render(analysis),
            Entry($"risk {analysis.RiskScore}/10 window", analysis.Host, analysis.Level, analysis.Host, top?.Country, analysis.WindowEnd > DateTime.MinValue ? analysis.WindowEnd : now));
    }

    /// <summary>Digest entries wait in the state file: what they hold from log lines is cleaned and capped first.</summary>
    private static DigestEntry Entry(string title, string offender, string severity, string host, string? country, DateTime seen) =>
        new(FieldText.Clean(title, 200)!, FieldText.Clean(offender, 200)!, FieldText.Clean(severity.ToLowerInvariant(), 16)!,
            FieldText.Clean(host, 200)!, FieldText.Clean(country, 8), seen);
}
