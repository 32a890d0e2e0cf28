using System.Text;
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
