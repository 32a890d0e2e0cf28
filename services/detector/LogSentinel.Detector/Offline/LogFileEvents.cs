using System.IO.Compression;
using LogSentinel.Contracts;
using LogSentinel.GeoIp;
using LogSentinel.Parsing;

namespace LogSentinel.Detector.Offline;

/// <summary>
/// Reads log files (plain, or rotated and gzip-compressed) into events with the same parser the collector runs,
/// and the same GeoIP enrichment when a country database is given.
/// </summary>
public static class LogFileEvents
{
    public sealed record Settings
    {
        public int? Year { get; init; }
        public string? Host { get; init; }
        public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;
        public string? GeoIpDatabase { get; init; }
    }

    /// <summary>Parses one file, handing each event to <paramref name="onEvent"/>; returns the number of lines read.</summary>
    public static long Read(string path, Settings settings, GeoLocator geo, Action<SecurityEvent> onEvent)
    {
        var fullPath = Path.GetFullPath(path);
        using var file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan);
        using Stream stream = fullPath.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(file, CompressionMode.Decompress) : file;
        var parser = new LogParser(
            new LogParserOptions
            {
                FilePath = fullPath,
                DefaultHost = settings.Host ?? Environment.MachineName,
                Year = settings.Year,
                ReferenceTime = File.GetLastWriteTime(fullPath),
                TimeZone = settings.TimeZone,
            },
            e => onEvent(geo.Enrich(e)));
        var lines = ForEachLine(stream, parser.ParseLine);
        parser.Flush();
        return lines;
    }

    public delegate void LineHandler(ReadOnlySpan<byte> line, long offset);

    /// <summary>Splits a stream into lines (without their '\n'); the last line may lack one.</summary>
    public static long ForEachLine(Stream stream, LineHandler onLine)
    {
        var buffer = new byte[1 << 20];
        var filled = 0;
        long consumedOffset = 0;
        long lines = 0;
        while (true)
        {
            if (filled == buffer.Length)
                Array.Resize(ref buffer, buffer.Length * 2);
            var read = stream.Read(buffer, filled, buffer.Length - filled);
            if (read == 0)
                break;
            filled += read;
            var start = 0;
            int newline;
            while ((newline = Array.IndexOf(buffer, (byte)'\n', start, filled - start)) >= 0)
            {
                onLine(buffer.AsSpan(start, newline - start), consumedOffset + start);
                lines++;
                start = newline + 1;
            }
            Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
            consumedOffset += start;
            filled -= start;
        }
        if (filled > 0)
        {
            onLine(buffer.AsSpan(0, filled), consumedOffset);
            lines++;
        }
        return lines;
    }
}
