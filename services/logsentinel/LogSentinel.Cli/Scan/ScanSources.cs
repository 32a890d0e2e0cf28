using System.Text.RegularExpressions;
using LogSentinel.Collector;
using LogSentinel.Collector.Journal;

namespace LogSentinel.Cli.Scan;

/// <summary>One log as a stream of events in time order: a file with its rotations (oldest first), or the journal.</summary>
public sealed record ScanSource(string Name, IReadOnlyList<string> Files, bool Journal = false)
{
    public long Bytes => Files.Sum(f => new FileInfo(f) is { Exists: true } info ? info.Length : 0);
}

/// <summary>Which logs a scan reads: the files named, or the host's own (as the collector would follow them).</summary>
public static partial class ScanSources
{
    /// <summary>
    /// Files grouped by log: auth.log.3.gz, auth.log.2.gz, auth.log.1 and auth.log are one log read in that order
    /// (each file's lines are in time order, rotations are older the higher their number).
    /// </summary>
    public static IReadOnlyList<ScanSource> OfFiles(IEnumerable<string> files) =>
        files.Select(Path.GetFullPath)
            .Distinct(StringComparer.Ordinal)
            .GroupBy(BaseName, StringComparer.Ordinal)
            .Select(g => new ScanSource(g.Key, [.. g.OrderByDescending(Rotation).ThenBy(f => f, StringComparer.Ordinal)]))
            .ToList();

    /// <summary>
    /// The host's logs: the collector's files (auth.log, mail.log, fail2ban.log by default) with their rotations, and
    /// the journal where the collector would read it (no auth.log: Debian 12+ without rsyslog).
    /// </summary>
    public static IReadOnlyList<ScanSource> OfHost(CollectorOptions options)
    {
        var existing = new List<string>();
        foreach (var file in options.Files)
        {
            var full = Path.GetFullPath(file);
            var directory = Path.GetDirectoryName(full)!;
            if (!Directory.Exists(directory))
                continue;
            var name = Path.GetFileName(full);
            existing.AddRange(Directory.EnumerateFiles(directory, name + "*")
                .Where(f => f == full || RotatedSuffix().IsMatch(Path.GetFileName(f)[name.Length..])));
        }
        var sources = OfFiles(existing).ToList();
        if (JournalSource.ShouldRun(options.Journal, options.Files))
            sources.Add(new ScanSource("journal", [], Journal: true));
        return sources;
    }

    private static string BaseName(string path)
    {
        var name = path.EndsWith(".gz", StringComparison.Ordinal) ? path[..^3] : path;
        var match = RotationNumber().Match(name);
        return match.Success ? name[..match.Index] : name;
    }

    /// <summary>0 for the live file, N for file.N and file.N.gz.</summary>
    private static int Rotation(string path)
    {
        var name = path.EndsWith(".gz", StringComparison.Ordinal) ? path[..^3] : path;
        var match = RotationNumber().Match(name);
        return match.Success && int.TryParse(match.Groups[1].ValueSpan, out var n) ? n : 0;
    }

    [GeneratedRegex(@"\.(\d{1,4})$")]
    private static partial Regex RotationNumber();

    [GeneratedRegex(@"^\.\d{1,4}(\.gz)?$")]
    private static partial Regex RotatedSuffix();
}
