using System.Net;
using System.Text;
using LogSentinel.ServiceDefaults;

namespace LogSentinel.Notifier.Rendering;

/// <summary>Writing values into the email bodies: every value cleaned, capped and (in HTML) escaped, always.</summary>
internal static class Html
{
    public const int MaxValue = 200;
    public const int MaxText = 2000;

    /// <summary>A value for the HTML body: cleaned, capped, HTML-encoded.</summary>
    public static string E(string? value, int max = MaxValue) => WebUtility.HtmlEncode(FieldText.Clean(value ?? "", max)!);

    /// <summary>A value for the plain-text body: cleaned and capped.</summary>
    public static string T(string? value, int max = MaxValue) => FieldText.Clean(value ?? "", max)!;

    /// <summary>A subject: one line (no CR/LF can start a header), cleaned, at most 200 characters.</summary>
    public static string Subject(string value) => FieldText.Clean(value, 200)!;

    public static void Cell(StringBuilder html, string? value, string? style = null) =>
        html.Append("<td style=\"padding:4px 8px;border:1px solid #ddd;").Append(style).Append("\">").Append(E(value)).Append("</td>");

    public static void HeaderRow(StringBuilder html, params string[] names)
    {
        html.Append("<tr>");
        foreach (var name in names)
            html.Append("<th style=\"padding:4px 8px;border:1px solid #ddd;background:#f5f5f5;text-align:left\">").Append(E(name)).Append("</th>");
        html.Append("</tr>");
    }

    public static string Document(string title, string body) =>
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + E(title) + "</title></head>"
        + "<body style=\"font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#212121\">" + body
        + "<p style=\"color:#757575;font-size:12px\">LogSentinel recommends; it changed nothing on your servers.</p></body></html>";

    public static string SeverityColour(string severity) => severity.ToLowerInvariant() switch
    {
        "critical" => "#b71c1c",
        "high" => "#e65100",
        "warning" => "#e65100",
        "medium" => "#f9a825",
        _ => "#546e7a",
    };
}
