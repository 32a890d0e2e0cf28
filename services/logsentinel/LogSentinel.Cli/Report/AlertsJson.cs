using System.Text.Json;
using LogSentinel.Contracts;

namespace LogSentinel.Cli.Report;

/// <summary>
/// alerts.json: one JSON array in the seed's alert shape (rule_id, description, severity, offender, count,
/// time_window_start, time_window_end) plus what the pipeline knows beside it (hosts, users, source IPs, country,
/// threshold, rule type, alert id). Written with the JSON writer, so log-derived text is always escaped.
/// </summary>
public static class AlertsJson
{
    public static void Write(Stream output, IReadOnlyList<AlertRaised> alerts)
    {
        using var json = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        json.WriteStartArray();
        foreach (var a in alerts)
        {
            json.WriteStartObject();
            json.WriteString("rule_id", a.RuleId);
            json.WriteString("description", a.Description);
            json.WriteString("severity", a.Severity);
            json.WriteString("offender", a.Offender);
            json.WriteNumber("count", a.Count);
            json.WriteString("time_window_start", a.WindowStart.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteString("time_window_end", a.WindowEnd.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteNumber("threshold", a.Threshold);
            json.WriteString("rule_type", a.RuleType);
            Strings(json, "hosts", a.Hosts);
            Strings(json, "users", a.Users);
            Strings(json, "source_ips", a.SourceIps);
            if (a.Country is null)
                json.WriteNull("country");
            else
                json.WriteString("country", a.Country);
            json.WriteString("alert_id", a.AlertId);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private static void Strings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
            json.WriteStringValue(value);
        json.WriteEndArray();
    }
}
