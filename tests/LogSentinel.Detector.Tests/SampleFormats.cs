using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LogSentinel.Detector.Tests;

/// <summary>
/// The three shapes a Debian server hands LogSentinel the same lines in: the traditional syslog file the samples are
/// written in (RFC 3164 stamps, no year, UTC), rsyslog's RFC 3339 stamps (RSYSLOG_FileFormat), and a
/// `journalctl -o json` export (one object per entry: __REALTIME_TIMESTAMP in microseconds, _HOSTNAME,
/// SYSLOG_IDENTIFIER, _PID when the tag has one, MESSAGE).
/// </summary>
internal static class SampleFormats
{
    public const string Rfc3164 = "rfc3164";
    public const string Rfc3339 = "rfc3339";
    public const string Journal = "journal";

    public static readonly string[] All = [Rfc3164, Rfc3339, Journal];

    /// <summary>One line of a sample: "Mar  2 08:15:01 mx1 sshd[4100]: message".</summary>
    public readonly record struct Line(DateTime Time, string Host, string Identifier, int? Pid, string Message);

    /// <summary>Writes <paramref name="sample"/> in <paramref name="format"/> under <paramref name="directory"/>; returns the file's path.</summary>
    public static string Write(string sample, string format, int year, string directory)
    {
        var folder = Directory.CreateDirectory(Path.Combine(directory, format)).FullName;
        var name = Path.GetFileNameWithoutExtension(sample) + (format == Journal ? ".json" : ".log");
        var path = Path.Combine(folder, Path.GetFileName(Path.GetDirectoryName(sample)) + "-" + name);
        if (format == Rfc3164)
        {
            File.Copy(sample, path, overwrite: true);
            return path;
        }
        var text = new StringBuilder();
        var number = 0;
        foreach (var raw in File.ReadLines(sample))
        {
            number++;
            var line = Read(raw, year) ?? throw new FormatException($"{sample}:{number}: not a traditional syslog line: {raw}");
            text.Append(format == Journal ? JournalEntry(line) : Rfc3339Line(line)).Append('\n');
        }
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>Reads "MMM dd HH:mm:ss HOST TAG: MESSAGE", TAG being "program" or "program[pid]"; null for anything else.</summary>
    public static Line? Read(string raw, int year)
    {
        if (raw.Length < 17 || raw[15] != ' '
            || !DateTime.TryParseExact($"{year} {raw[..15]}", "yyyy MMM d HH:mm:ss", CultureInfo.InvariantCulture,
                DateTimeStyles.AllowInnerWhite | DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time))
            return null;
        var rest = raw[16..];
        var space = rest.IndexOf(' ', StringComparison.Ordinal);
        var colon = rest.IndexOf(": ", StringComparison.Ordinal);
        if (space <= 0 || colon <= space + 1)
            return null;
        var host = rest[..space];
        var tag = rest[(space + 1)..colon];
        var message = rest[(colon + 2)..];
        int? pid = null;
        var open = tag.IndexOf('[', StringComparison.Ordinal);
        if (open > 0 && tag[^1] == ']')
        {
            pid = int.Parse(tag[(open + 1)..^1], NumberStyles.None, CultureInfo.InvariantCulture);
            tag = tag[..open];
        }
        return new Line(time, host, tag, pid, message);
    }

    private static string Tag(Line l) => l.Pid is { } pid ? $"{l.Identifier}[{pid.ToString(CultureInfo.InvariantCulture)}]" : l.Identifier;

    private static string Rfc3339Line(Line l) =>
        $"{l.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}+00:00 {l.Host} {Tag(l)}: {l.Message}";

    // journalctl escapes only what JSON requires; the relaxed encoder keeps '<', '>' and '&' as they are too.
    private static readonly JsonWriterOptions JournalJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string JournalEntry(Line l)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JournalJson))
        {
            json.WriteStartObject();
            json.WriteString("__REALTIME_TIMESTAMP", ((l.Time - DateTime.UnixEpoch).Ticks / 10).ToString(CultureInfo.InvariantCulture));
            json.WriteString("_HOSTNAME", l.Host);
            json.WriteString("SYSLOG_IDENTIFIER", l.Identifier);
            if (l.Pid is { } pid)
                json.WriteString("_PID", pid.ToString(CultureInfo.InvariantCulture));
            json.WriteString("MESSAGE", l.Message);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
