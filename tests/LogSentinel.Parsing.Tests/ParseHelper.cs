using System.Text;
using System.Text.Json;
using LogSentinel.Contracts;

namespace LogSentinel.Parsing.Tests;

/// <summary>Runs lines through a real <see cref="LogParser"/> the way the collector does: bytes, offsets, then Flush.</summary>
internal static class ParseHelper
{
    public static readonly DateTime Reference = new(2026, 11, 21, 12, 0, 0);

    public static List<SecurityEvent> Lines(params string[] lines) => Text(string.Join('\n', lines) + "\n");

    public static List<SecurityEvent> Text(string text, int? year = 2026, LogFormat format = LogFormat.Auto, TimeZoneInfo? zone = null,
        DateTime? reference = null, bool original = false) =>
        Bytes(Encoding.UTF8.GetBytes(text), year, format, zone, reference, original).Events;

    public static (List<SecurityEvent> Events, ParseStats Stats) Bytes(byte[] data, int? year = 2026, LogFormat format = LogFormat.Auto,
        TimeZoneInfo? zone = null, DateTime? reference = null, bool original = false)
    {
        var events = new List<SecurityEvent>();
        var parser = new LogParser(Options(year, format, zone, reference, original), events.Add);
        long offset = 0;
        var span = data.AsSpan();
        while (offset < data.Length)
        {
            var rest = span[(int)offset..];
            var nl = rest.IndexOf((byte)'\n');
            var line = nl < 0 ? rest : rest[..nl];
            parser.ParseLine(line, offset);
            offset += line.Length + 1;
        }
        parser.Flush();
        return (events, parser.Stats);
    }

    public static LogParserOptions Options(int? year = 2026, LogFormat format = LogFormat.Auto, TimeZoneInfo? zone = null,
        DateTime? reference = null, bool original = false) => new()
    {
        FilePath = "/var/log/auth.log",
        DefaultHost = "collector-host",
        Year = year,
        TimeZone = zone ?? TimeZoneInfo.Utc,
        ReferenceTime = reference ?? Reference,
        Format = format,
        IncludeOriginal = original,
    };

    /// <summary>The same moment as a traditional RFC 3164 stamp and as rsyslog's RFC 3339 one (Debian's two defaults), each with its space.</summary>
    public static readonly string[] Stamps = ["Mar  2 08:15:01 ", "2026-03-02T08:15:01.123456+00:00 "];

    /// <summary>One "host prog[pid]: message" under each of <see cref="Stamps"/>.</summary>
    public static string[] InBothStamps(string hostProgramMessage) => [.. Stamps.Select(s => s + hostProgramMessage)];

    /// <summary>A `journalctl -o json` entry, its fields escaped as journald writes them.</summary>
    public static string Journal(string identifier, int pid, string message, string host = "web-01") =>
        JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["__REALTIME_TIMESTAMP"] = "1772439301123456",
            ["_HOSTNAME"] = host,
            ["SYSLOG_IDENTIFIER"] = identifier,
            ["_PID"] = pid.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MESSAGE"] = message,
        });

    public static SecurityEvent Single(string line)
    {
        var events = Lines(line);
        Assert.True(events.Count == 1, $"expected one event, got {events.Count} from: {line}");
        return events[0];
    }

    public static void AssertNone(string line)
    {
        var events = Lines(line);
        Assert.True(events.Count == 0, $"expected no event, got {string.Join(", ", events.Select(e => e.Event.Action))} from: {line}");
    }
}
