using System.Globalization;
using LogSentinel.ServiceDefaults;

namespace LogSentinel.Collector.Telemetry;

/// <summary>
/// A small file the worker rewrites when its status changes and every second: "ok" or "degraded: reason", and the
/// time. A container HEALTHCHECK or systemd checks it with `logsentinel-collector health`: stale means the worker is
/// stuck or dead.
/// </summary>
public static class HealthFile
{
    public static string PathIn(string stateDirectory) => System.IO.Path.Combine(stateDirectory, "health");

    public static void Write(string stateDirectory, string status, DateTimeOffset now)
    {
        AtomicFile.Write(PathIn(stateDirectory), string.Create(CultureInfo.InvariantCulture, $"{now:O} {status}\n"), flushToDisk: false);
    }

    /// <summary>The status written, if the file was written less than <paramref name="maxAge"/> ago.</summary>
    public static bool TryReadFresh(string stateDirectory, TimeSpan maxAge, DateTimeOffset now, out string status)
    {
        status = "missing";
        var path = PathIn(stateDirectory);
        if (!File.Exists(path))
            return false;
        var text = File.ReadAllText(path).Trim();
        var space = text.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0 || !DateTimeOffset.TryParse(text[..space], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var written))
        {
            status = "unreadable";
            return false;
        }
        status = text[(space + 1)..];
        if (now - written > maxAge)
        {
            status = $"stale ({(now - written).TotalSeconds:F0} s old): {status}";
            return false;
        }
        return true;
    }
}
