using System.Diagnostics;
using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Offline;
using LogSentinel.GeoIp;

namespace LogSentinel.Detector.Benchmarks;

/// <summary>Events of a realistic auth.log from ../shared/bench/gen_authlog.py, parsed by the collector's parser.</summary>
public static class GeneratedEvents
{
    public static string Root => LogSentinel.Testing.Repository.Root;

    public static string DefaultRules => Path.Combine(Root, "services", "detector", "rules");

    public static List<SecurityEvent> Load(int lines)
    {
        var log = Path.Combine(Path.GetTempPath(), $"logsentinel-bench-{lines}.log");
        if (!File.Exists(log))
        {
            var generator = Path.Combine(Root, "..", "shared", "bench", "gen_authlog.py");
            using var process = Process.Start(new ProcessStartInfo("python3", [generator, "--lines", lines.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", "1", "--out", log]))!;
            process.WaitForExit();
            if (process.ExitCode != 0)
                throw new InvalidOperationException("gen_authlog.py failed");
        }
        var geoip = Path.Combine(Root, ".cache", "geoip", "geo-whois-asn-country.mmdb");
        using var geo = new GeoLocator(File.Exists(geoip) ? geoip : null);
        var events = new List<SecurityEvent>();
        LogFileEvents.Read(log, new LogFileEvents.Settings { Year = 2024, TimeZone = TimeZoneInfo.Utc }, geo, events.Add);
        events.Sort(EventOrder.Instance);
        return events;
    }
}
