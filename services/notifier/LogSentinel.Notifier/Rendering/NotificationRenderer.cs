using System.Globalization;
using System.Text;
using LogSentinel.Contracts;

namespace LogSentinel.Notifier.Rendering;

/// <summary>
/// Renders analyses, alerts and digests as email (pure: the same input gives the same bytes; the single-process
/// command writes its HTML report with it too). Every value that came from a log line or a model is cleaned,
/// capped and HTML-escaped; subjects are one line.
/// </summary>
public sealed partial class NotificationRenderer(string homeCountry, IReadOnlyCollection<string> watchCountries)
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public EmailMessage Render(WindowAnalyzed analysis)
    {
        var subject = Html.Subject($"[{analysis.Level.ToUpperInvariant()}] {analysis.Host}: {Headline(analysis)} — risk {analysis.RiskScore}/10");
        var html = new StringBuilder();
        var text = new StringBuilder();
        AnalysisSection(analysis, html, text);
        return new EmailMessage(subject, Html.Document(subject, html.ToString()), text.ToString());
    }

    /// <summary>An analysis: heading, window, summary, findings, the attempts table, rule alerts.</summary>
    private void AnalysisSection(WindowAnalyzed analysis, StringBuilder html, StringBuilder text)
    {
        var aggregate = analysis.Aggregate;
        var level = analysis.Level.ToUpperInvariant();
        var source = analysis.Source == "ai" ? $"AI model {analysis.Model}" : "rules" + (analysis.FallbackReason is null ? "" : $" ({analysis.FallbackReason})");
        html.Append(CultureInfo.InvariantCulture, $"<h2 style=\"color:{Html.SeverityColour(analysis.Level)}\">[{Html.E(level)}] {Html.E(analysis.Host)} — risk {analysis.RiskScore}/10</h2>");
        html.Append("<p><b>Window:</b> ").Append(Html.E(aggregate.TimeWindow)).Append(" &nbsp; <b>Analysis:</b> ").Append(Html.E(source)).Append("</p>");
        html.Append("<p>").Append(Html.E(analysis.Summary, Html.MaxText)).Append("</p>");
        text.Append(Invariant, $"[{level}] {Html.T(analysis.Host)} — risk {analysis.RiskScore}/10\n");
        text.Append(Invariant, $"Window: {Html.T(aggregate.TimeWindow)}   Analysis: {Html.T(source)}\n\n{Html.T(analysis.Summary, Html.MaxText)}\n");
        if (analysis.Findings.Count > 0)
        {
            html.Append("<h3>Findings</h3><ul>");
            text.Append("\nFindings:\n");
            foreach (var f in analysis.Findings)
            {
                var about = string.Join(", ", new[] { f.Ip, f.Username is null ? null : "user " + f.Username }.Where(x => x is not null));
                html.Append(CultureInfo.InvariantCulture, $"<li><b style=\"color:{Html.SeverityColour(f.Severity)}\">{Html.E(f.Severity)}</b> {Html.E(f.Type)}")
                    .Append(about.Length > 0 ? " (" + Html.E(about) + ")" : "").Append(": ").Append(Html.E(f.Recommendation, 1000)).Append("</li>");
                text.Append(Invariant, $"- [{Html.T(f.Severity)}] {Html.T(f.Type)}{(about.Length > 0 ? " (" + Html.T(about) + ")" : "")}: {Html.T(f.Recommendation, 1000)}\n");
            }
            html.Append("</ul>");
        }
        html.Append("<h3>Attempts</h3><table style=\"border-collapse:collapse\">");
        Html.HeaderRow(html, "IP", "Country", "User", "Service", "Attempts", "Status", "Reason");
        text.Append("\nIP | Country | User | Service | Attempts | Status | Reason\n");
        foreach (var g in aggregate.Events)
        {
            html.Append("<tr>");
            Html.Cell(html, g.Ip);
            CountryCell(html, g.Country);
            Html.Cell(html, g.Username);
            Html.Cell(html, g.Service);
            Html.Cell(html, g.Attempts.ToString(Invariant), "text-align:right");
            Html.Cell(html, g.Status);
            Html.Cell(html, g.Reason);
            html.Append("</tr>");
            text.Append(Invariant, $"{Html.T(g.Ip ?? "-")} | {Html.T(g.Country ?? "?")} | {Html.T(g.Username ?? "-")} | {Html.T(g.Service)} | {g.Attempts} | {Html.T(g.Status)} | {Html.T(g.Reason)}\n");
        }
        html.Append("</table>");
        if (aggregate.Others.Groups > 0)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p>…and {aggregate.Others.Groups} more groups, {aggregate.Others.Attempts} attempts ({aggregate.Others.Failed} failed).</p>");
            text.Append(Invariant, $"...and {aggregate.Others.Groups} more groups, {aggregate.Others.Attempts} attempts ({aggregate.Others.Failed} failed)\n");
        }
        if (aggregate.Alerts.Count > 0)
        {
            html.Append("<h3>Rule alerts</h3><ul>");
            text.Append("\nRule alerts:\n");
            foreach (var a in aggregate.Alerts)
            {
                html.Append(CultureInfo.InvariantCulture, $"<li><b style=\"color:{Html.SeverityColour(a.Severity)}\">{Html.E(a.Severity)}</b> {Html.E(a.RuleId)}: {Html.E(a.Description)} — {Html.E(a.Offender)}, {a.Count}</li>");
                text.Append(Invariant, $"- [{Html.T(a.Severity)}] {Html.T(a.RuleId)}: {Html.T(a.Description)} — {Html.T(a.Offender)}, {a.Count}\n");
            }
            html.Append("</ul>");
        }
    }

    public EmailMessage Render(AlertRaised alert)
    {
        var severity = alert.Severity.ToUpperInvariant();
        var host = alert.Hosts.Count == 1 ? alert.Hosts[0] : $"{alert.Hosts.Count} hosts";
        var country = alert.Country is null ? "" : $" ({alert.Country})";
        var subject = Html.Subject($"[{severity}] {host}: {alert.Description} — {alert.Offender}{country}, {alert.Count} {(alert.Count == 1 ? "event" : "events")}");
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h2 style=\"color:{Html.SeverityColour(alert.Severity)}\">[{Html.E(severity)}] {Html.E(alert.Description)}</h2>");
        html.Append("<table style=\"border-collapse:collapse\">");
        var text = new StringBuilder();
        text.Append(Invariant, $"[{severity}] {Html.T(alert.Description)}\n\n");
        void Row(string name, string? value, string? style = null)
        {
            html.Append("<tr><th style=\"padding:4px 8px;border:1px solid #ddd;background:#f5f5f5;text-align:left\">").Append(Html.E(name)).Append("</th>");
            Html.Cell(html, value, style);
            html.Append("</tr>");
            text.Append(Invariant, $"{name}: {Html.T(value ?? "-")}\n");
        }
        Row("Rule", $"{alert.RuleId} ({alert.RuleType})");
        Row("Offender", alert.Offender);
        Row("Country", alert.Country ?? "unknown", CountryStyle(alert.Country));
        Row("Count", $"{alert.Count} (threshold {alert.Threshold}, {alert.Events} events)");
        Row("Window", $"{alert.WindowStart:yyyy-MM-dd HH:mm:ss}Z – {alert.WindowEnd:yyyy-MM-dd HH:mm:ss}Z");
        Row("Hosts", string.Join(", ", alert.Hosts.Take(20)));
        Row("Users", string.Join(", ", alert.Users.Take(20)) + (alert.UsersTruncated ? ", …" : ""));
        Row("Source IPs", string.Join(", ", alert.SourceIps.Take(20)));
        Row("Revision", alert.Revision == 0 ? "first" : $"{alert.Revision}{(alert.Final ? " (final)" : "")}");
        Row("Sample events", string.Join(", ", alert.SampleEventIds.Take(5)));
        html.Append("</table>");
        return new EmailMessage(subject, Html.Document(subject, html.ToString()), text.ToString());
    }

    /// <summary>Notifications held back by the hourly limit, grouped by what and who, with counts and first/last seen.</summary>
    public EmailMessage RenderDigest(IReadOnlyList<DigestEntry> entries, long dropped = 0)
    {
        var groups = entries
            .GroupBy(e => (e.Title, e.Offender))
            .Select(g => (g.Key.Title, g.Key.Offender, Count: g.Count(), First: g.Min(e => e.Seen), Last: g.Max(e => e.Seen),
                Severity: g.MaxBy(e => Rank(e.Severity))!.Severity, Hosts: string.Join(", ", g.Select(e => e.Host).Distinct().Take(10)), Country: g.First().Country))
            .OrderByDescending(g => Rank(g.Severity)).ThenByDescending(g => g.Count).ThenBy(g => g.Title, StringComparer.Ordinal)
            .ToList();
        var subject = Html.Subject($"[DIGEST] {entries.Count} notifications held back ({groups.Count} groups), most severe {groups.FirstOrDefault().Severity?.ToUpperInvariant() ?? "-"}");
        var html = new StringBuilder();
        var held = $"{entries.Count} notifications were held back by the hourly email limit"
            + (dropped > 0 ? $" ({dropped} older ones were dropped: more than {Policy.NotificationDispatcher.MaxHeld} waited)." : ".");
        html.Append("<h2>LogSentinel digest</h2><p>").Append(Html.E(held)).Append("</p>");
        html.Append("<table style=\"border-collapse:collapse\">");
        Html.HeaderRow(html, "Severity", "What", "Offender", "Country", "Hosts", "Count", "First seen", "Last seen");
        var text = new StringBuilder();
        text.Append(Invariant, $"{held}\n\nSeverity | What | Offender | Country | Hosts | Count | First seen | Last seen\n");
        foreach (var g in groups)
        {
            html.Append("<tr>");
            Html.Cell(html, g.Severity, $"color:{Html.SeverityColour(g.Severity)};font-weight:bold");
            Html.Cell(html, g.Title);
            Html.Cell(html, g.Offender);
            CountryCell(html, g.Country);
            Html.Cell(html, g.Hosts);
            Html.Cell(html, g.Count.ToString(Invariant), "text-align:right");
            Html.Cell(html, g.First.ToString("yyyy-MM-dd HH:mm:ss'Z'", Invariant));
            Html.Cell(html, g.Last.ToString("yyyy-MM-dd HH:mm:ss'Z'", Invariant));
            html.Append("</tr>");
            text.Append(Invariant, $"{Html.T(g.Severity)} | {Html.T(g.Title)} | {Html.T(g.Offender)} | {Html.T(g.Country ?? "?")} | {Html.T(g.Hosts)} | {g.Count} | {g.First:yyyy-MM-dd HH:mm:ss}Z | {g.Last:yyyy-MM-dd HH:mm:ss}Z\n");
        }
        html.Append("</table>");
        return new EmailMessage(subject, Html.Document(subject, html.ToString()), text.ToString());
    }

    private void CountryCell(StringBuilder html, string? country) =>
        Html.Cell(html, country ?? "?", CountryStyle(country));

    private string CountryStyle(string? country) =>
        $"background:{CountryColours.Of(country, homeCountry, watchCountries)};color:#ffffff;font-weight:bold";

    private static string Headline(WindowAnalyzed analysis)
    {
        var alert = analysis.Aggregate.Alerts.Count > 0 ? analysis.Aggregate.Alerts[0] : null;
        if (alert is not null)
            return alert.Description + (alert.Ip is null ? "" : $" from {alert.Ip}{(alert.Country is null ? "" : $" ({alert.Country})")}");
        var top = analysis.Aggregate.Events.Count > 0 ? analysis.Aggregate.Events[0] : null;
        return top is null
            ? $"{analysis.Aggregate.Totals.Failed} failed logins"
            : $"{analysis.Aggregate.Totals.Failed} failed logins, most from {top.Ip ?? "local"}{(top.Country is null ? "" : $" ({top.Country})")}";
    }

    /// <summary>An alert severity's rank; an analysis level "warning" ranks with "high" (critical with critical).</summary>
    public static int Rank(string severity) =>
        AlertSeverities.Rank(string.Equals(severity, "warning", StringComparison.OrdinalIgnoreCase) ? AlertSeverities.High : severity);
}

/// <summary>One held-back notification, as a digest line.</summary>
public sealed record DigestEntry(string Title, string Offender, string Severity, string Host, string? Country, DateTime Seen);
