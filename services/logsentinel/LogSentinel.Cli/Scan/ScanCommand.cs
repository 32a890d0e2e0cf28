using System.CommandLine;
using LogSentinel.Cli.Composition;
using LogSentinel.Cli.Report;
using LogSentinel.Collector;
using LogSentinel.Contracts;
using LogSentinel.Detector.Offline;
using LogSentinel.Detector.Rules;
using LogSentinel.Notifier;
using LogSentinel.Notifier.Rendering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace LogSentinel.Cli.Scan;

/// <summary>
/// `logsentinel scan [FILE...]`: the host's logs (or the files named) through the whole pipeline once; alerts.json
/// and report.html in --out; a summary on the terminal (or JSON with --json, nothing with --quiet).
/// </summary>
public static class ScanCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("FILE")
        {
            Description = "Log files: syslog (auth.log, mail.log, fail2ban.log, rotated .1/.gz too) or journalctl -o json exports. None: this host's logs",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var config = new Option<string?>("--config") { Description = $"YAML configuration (default {PipelineHost.DefaultConfig}, used when present)" };
        var output = new Option<string>("--out") { Description = "Folder for alerts.json and report.html", DefaultValueFactory = _ => "." };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON on stdout (for scripts); no progress bar" };
        var quiet = new Option<bool>("--quiet") { Description = "Print nothing but errors (for cron); the exit code tells" };
        var failOn = new Option<string>("--fail-on") { Description = "Lowest alert severity that makes the exit code 1", DefaultValueFactory = _ => AlertSeverities.Low };
        failOn.AcceptOnlyFromAmong([.. AlertSeverities.All]);
        var year = new Option<int?>("--year") { Description = "Year of RFC 3164 timestamps (default: inferred from each file's last write)" };
        var zone = new Option<string?>("--timezone") { Description = "Time zone of timestamps written without one (default: Collector:TimeZone, else this machine's)" };
        var host = new Option<string?>("--host") { Description = "host.name for lines that carry none (default: Collector:Host, else this machine's name)" };
        var rules = new Option<string?>("--rules") { Description = "Rule file or folder (default: Detector:Rules, else the rules shipped with logsentinel)" };
        var command = new Command("scan", "Scan logs once: parse → detect → analyse → notify; write alerts.json and report.html. Exit 0: no alert, 1: alerts at or above --fail-on, 2: usage or input errors")
        {
            files, config, output, json, quiet, failOn, year, zone, host, rules,
        };
        command.SetAction(async (result, cancellation) =>
        {
            var view = new ScanView(result.GetValue(json), result.GetValue(quiet));
            var overrides = new Dictionary<string, string?>();
            if (result.GetValue(rules) is { } rulesPath)
                overrides["Detector:Rules"] = Path.GetFullPath(rulesPath);
            if (result.GetValue(zone) is { } zoneId)
                overrides["Collector:TimeZone"] = zoneId;
            if (result.GetValue(host) is { } hostName)
                overrides["Collector:Host"] = hostName;
            IConfigurationRoot configuration;
            try
            {
                configuration = PipelineHost.Configuration(result.GetValue(config), PipelineHost.Mode.Scan, overrides);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or FormatException or UnauthorizedAccessException or InvalidOperationException)
            {
                return ScanView.Fail($"configuration: {Cli.Describe(e)}");
            }
            if (Problem(configuration) is { } problem)
                return ScanView.Fail(problem);
            var notifier = configuration.GetSection(NotifierOptions.Section).Get<NotifierOptions>() ?? new NotifierOptions();
            view.HomeCountry = notifier.HomeCountry;
            view.WatchCountries = notifier.WatchList;
            var collector = configuration.GetSection(CollectorOptions.Section).Get<CollectorOptions>() ?? new CollectorOptions();
            collector.ApplyDefaults();
            var named = result.GetValue(files) ?? [];
            if (named.FirstOrDefault(Directory.Exists) is { } folder)
                return ScanView.Fail($"{folder} is a folder: name the log files in it (e.g. {Path.Combine(folder, "auth.log*")})");
            var missing = named.Where(f => !File.Exists(f)).ToList();
            if (missing.Count > 0)
                return ScanView.Fail("no such file: " + string.Join(", ", missing));
            var sources = named.Length > 0 ? ScanSources.OfFiles(named) : ScanSources.OfHost(collector);
            if (sources.Count == 0)
                return ScanView.Fail("none of this host's logs exists (" + string.Join(", ", collector.Files) + ") and the journal is off: name files to scan");
            var outDir = Path.GetFullPath(result.GetValue(output)!);
            try
            {
                // Before reading a line: an hour-long scan must not end in "cannot write".
                Directory.CreateDirectory(outDir);
                File.Delete(File.Create(Path.Combine(outDir, $".logsentinel-{Environment.ProcessId}")).Name);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return ScanView.Fail($"cannot write to {outDir}: {e.Message}");
            }
            var settings = new LogFileEvents.Settings
            {
                Year = result.GetValue(year),
                Host = collector.Host,
                TimeZone = collector.TimeZone is { Length: > 0 } id ? TimeZoneInfo.FindSystemTimeZoneById(id) : TimeZoneInfo.Local,
                GeoIpDatabase = collector.GeoIp.Database is { Length: > 0 } db && File.Exists(db) ? db : null,
            };
            var progress = new ScanProgress { TotalBytes = sources.Sum(s => s.Bytes) };
            ScanResult run;
            try
            {
                var logLevel = result.GetValue(quiet) ? Microsoft.Extensions.Logging.LogLevel.Error : Microsoft.Extensions.Logging.LogLevel.Warning;
                run = await view.WithProgressAsync(progress, () => ScanRun.RunAsync(configuration, sources, settings, collector.Journal, progress, logLevel, cancellation)).ConfigureAwait(false);
            }
            catch (OptionsValidationException e)
            {
                return ScanView.Fail("configuration: " + string.Join("; ", e.Failures));
            }
            catch (RuleLoadException e)
            {
                return ScanView.Fail(e.Message);
            }
            var written = Write(outDir, run, sources, notifier);
            if (written is null)
                return Cli.Error;
            var threshold = AlertSeverities.Rank(result.GetValue(failOn)!);
            var code = run.Errors.Count > 0 ? Cli.Error : run.Alerts.Any(a => AlertSeverities.Rank(a.Severity) >= threshold) ? Cli.Alerts : Cli.Clean;
            view.Summary(run, written, code);
            return code;
        });
        return command;
    }

    /// <summary>What makes a run pointless, said before reading anything: rules that do not load, a bad time zone.</summary>
    private static string? Problem(IConfiguration configuration)
    {
        var zone = configuration["Collector:TimeZone"];
        if (zone is { Length: > 0 } && !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out _))
            return $"unknown time zone '{zone}'";
        try
        {
            RuleSetLoader.Load(configuration["Detector:Rules"]!);
        }
        catch (RuleLoadException e)
        {
            return e.Message;
        }
        return null;
    }

    private static string[]? Write(string outDir, ScanResult run, IReadOnlyList<ScanSource> sources, NotifierOptions notifier)
    {
        var renderer = new NotificationRenderer(notifier.HomeCountry, notifier.WatchList);
        var alertsPath = Path.Combine(outDir, "alerts.json");
        var reportPath = Path.Combine(outDir, "report.html");
        try
        {
            using (var stream = File.Create(alertsPath))
                AlertsJson.Write(stream, run.Alerts);
            var scope = new ReportScope([.. sources.SelectMany(s => s.Journal ? ["journal"] : s.Files)], run.Lines, run.Events, DateTime.UtcNow);
            File.WriteAllText(reportPath, renderer.RenderReport(scope, run.Alerts, run.Analyses, run.Analysed));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ScanView.Fail($"cannot write the results to {outDir}: {e.Message}");
            return null;
        }
        return [alertsPath, reportPath];
    }
}
