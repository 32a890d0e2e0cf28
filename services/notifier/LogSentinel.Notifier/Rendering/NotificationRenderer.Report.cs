using System.Globalization;
using System.Text;
using LogSentinel.Contracts;

namespace LogSentinel.Notifier.Rendering;

/// <summary>What a report is about: where the events came from and how much was read.</summary>
public sealed record ReportScope(IReadOnlyList<string> Sources, long Lines, long Events, DateTime GeneratedAt);

public sealed partial class NotificationRenderer
{
    /// <summary>Analyses shown in full in a report.</summary>
    public const int ReportedAnalyses = 50;

    /// <summary>Analyses listed after those, one line each; the rest are counted.</summary>
    public const int ListedAnalyses = 500;

    /// <summary>Riskiest first; then by window and host, so a report reads the same every time.</summary>
    public static int RiskOrder(WindowAnalyzed? a, WindowAnalyzed? b)
    {
        if (ReferenceEquals(a, b))
            return 0;
        if (a is null || b is null)
            return a is null ? 1 : -1;
        var c = b.RiskScore.CompareTo(a.RiskScore);
        if (c == 0)
            c = string.CompareOrdinal(a.Aggregate.TimeWindow, b.Aggregate.TimeWindow);
        return c != 0 ? c : string.CompareOrdinal(a.Host, b.Host);
    }

    /// <summary>
    /// One HTML page for a run over logs (the single-process `scan`): every alert in a table with its coloured
    /// country, then the riskiest window analyses as the emails show them, then one line for each of the next ones.
    /// </summary>
    /// <param name="analyses">The riskiest analyses (at most ReportedAnalyses + ListedAnalyses are shown).</param>
    /// <param name="analysed">How many windows were analysed in all.</param>
    public string RenderReport(ReportScope scope, IReadOnlyList<AlertRaised> alerts, IReadOnlyList<WindowAnalyzed> analyses, int analysed)
    {
        var title = $"LogSentinel report: {alerts.Count} alerts, {analysed} windows analysed";
        var html = new StringBuilder();
        var scratch = new StringBuilder();
        html.Append("<h1>").Append(Html.E(title)).Append("</h1>");
        html.Append(Invariant, $"<p>{scope.Lines:N0} lines, {scope.Events:N0} security events from ")
            .Append(Html.E(string.Join(", ", scope.Sources.Take(20)) + (scope.Sources.Count > 20 ? ", …" : ""), 2000))
            .Append(Invariant, $" — generated {scope.GeneratedAt:yyyy-MM-dd HH:mm:ss}Z</p>");

        html.Append("<h2>Alerts</h2>");
        if (alerts.Count == 0)
            html.Append("<p>No rule fired.</p>");
        else
        {
            html.Append("<table style=\"border-collapse:collapse\">");
            Html.HeaderRow(html, "Severity", "Rule", "Offender", "Country", "Count", "Window (UTC)", "Hosts", "Users");
            foreach (var a in alerts.OrderByDescending(a => AlertSeverities.Rank(a.Severity)).ThenBy(a => a.WindowStart).ThenBy(a => a.RuleId, StringComparer.Ordinal))
            {
                html.Append("<tr>");
                Html.Cell(html, a.Severity, $"color:{Html.SeverityColour(a.Severity)};font-weight:bold");
                Html.Cell(html, a.Description + " (" + a.RuleId + ")");
                Html.Cell(html, a.Offender);
                CountryCell(html, a.Country);
                Html.Cell(html, $"{a.Count}/{a.Threshold}", "text-align:right");
                Html.Cell(html, $"{a.WindowStart.ToString("yyyy-MM-dd HH:mm:ss", Invariant)} – {a.WindowEnd.ToString("HH:mm:ss", Invariant)}");
                Html.Cell(html, string.Join(", ", a.Hosts.Take(10)));
                Html.Cell(html, string.Join(", ", a.Users.Take(10)) + (a.UsersTruncated || a.Users.Count > 10 ? ", …" : ""));
                html.Append("</tr>");
            }
            html.Append("</table>");
        }

        var ranked = analyses.Order(Comparer<WindowAnalyzed>.Create(RiskOrder)).Take(ReportedAnalyses + ListedAnalyses).ToList();
        html.Append("<h2>Window analyses</h2>");
        if (ranked.Count == 0)
            html.Append("<p>No window was notable enough to analyse.</p>");
        foreach (var analysis in ranked.Take(ReportedAnalyses))
        {
            html.Append("<section style=\"border-top:1px solid #ddd;margin-top:16px\">");
            AnalysisSection(analysis, html, scratch);
            html.Append("</section>");
        }
        if (ranked.Count > ReportedAnalyses)
        {
            html.Append(Invariant, $"<h3>{analysed - ReportedAnalyses} more windows</h3><table style=\"border-collapse:collapse\">");
            Html.HeaderRow(html, "Level", "Host", "Window", "Risk", "Summary");
            foreach (var a in ranked.Skip(ReportedAnalyses))
            {
                html.Append("<tr>");
                Html.Cell(html, a.Level, $"color:{Html.SeverityColour(a.Level)};font-weight:bold");
                Html.Cell(html, a.Host);
                Html.Cell(html, a.Aggregate.TimeWindow);
                Html.Cell(html, a.RiskScore.ToString(Invariant), "text-align:right");
                Html.Cell(html, a.Summary);
                html.Append("</tr>");
            }
            html.Append("</table>");
            if (analysed > ranked.Count)
                html.Append(Invariant, $"<p>…and {analysed - ranked.Count} less risky windows, not listed.</p>");
        }
        return Html.Document(title, html.ToString());
    }
}
