using System.Net;
using System.Text.Json;
using LogSentinel.Contracts;
using LogSentinel.Notifier.Rendering;
using LogSentinel.ServiceDefaults;
using Spectre.Console;

namespace LogSentinel.Cli.Scan;

/// <summary>
/// What `scan` shows: a progress bar while reading (bytes, lines/s) on an interactive terminal, then a summary
/// table; one JSON object on stdout with --json; nothing but errors with --quiet. Errors go to stderr always.
/// Everything shown that came from a log line is cleaned of control characters and escaped for the markup.
/// </summary>
internal sealed class ScanView(bool json, bool quiet)
{
    private const int Top = 10;

    /// <summary>Colours and live progress on a terminal; plain text when the output goes to a file or a pipe.</summary>
    private static readonly IAnsiConsole Terminal = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = Console.IsOutputRedirected ? AnsiSupport.No : AnsiSupport.Detect,
        ColorSystem = Console.IsOutputRedirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        Interactive = Console.IsOutputRedirected ? InteractionSupport.No : InteractionSupport.Detect,
    });

    public string HomeCountry { get; set; } = "BG";

    public IReadOnlyCollection<string> WatchCountries { get; set; } = ["RU", "CN", "BR"];

    public static int Fail(string message)
    {
        Console.Error.WriteLine("logsentinel scan: " + FieldText.Clean(message, 2000));
        return Cli.Error;
    }

    public async Task<T> WithProgressAsync<T>(ScanProgress progress, Func<Task<T>> run)
    {
        if (json || quiet || !Terminal.Profile.Capabilities.Interactive)
            return await run().ConfigureAwait(false);
        T result = default!;
        await Terminal.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("reading", maxValue: Math.Max(1, progress.TotalBytes));
                var started = DateTime.UtcNow;
                var work = run();
                while (!work.IsCompleted)
                {
                    await Task.WhenAny(work, Task.Delay(100)).ConfigureAwait(false);
                    var seconds = Math.Max(0.001, (DateTime.UtcNow - started).TotalSeconds);
                    task.Value = Math.Min(progress.Bytes, task.MaxValue);
                    task.Description = $"{Mb(progress.Bytes)}/{Mb(progress.TotalBytes)} MB, {progress.Lines:N0} lines, {progress.Lines / seconds:N0} lines/s";
                }
                task.Value = task.MaxValue;
                result = await work.ConfigureAwait(false);
            }).ConfigureAwait(false);
        return result;
    }

    public void Summary(ScanResult run, IReadOnlyList<string> written, int exitCode)
    {
        foreach (var error in run.Errors)
            Console.Error.WriteLine("logsentinel scan: " + FieldText.Clean(error, 2000));
        if (quiet)
            return;
        if (json)
        {
            WriteJson(run, written, exitCode);
            return;
        }
        var console = Terminal;
        console.MarkupLine($"[bold]{run.Lines:N0}[/] lines, [bold]{run.Events:N0}[/] security events, [bold]{run.Alerts.Count}[/] alerts, {run.Analysed} windows analysed in {run.Elapsed.TotalSeconds:F2} s");
        if (run.Alerts.Count > 0)
        {
            var severities = new Table().Title("Alerts by severity").AddColumn("Severity").AddColumn(new TableColumn("Alerts").RightAligned());
            foreach (var severity in AlertSeverities.All.Reverse())
            {
                var count = run.Alerts.Count(a => a.Severity == severity);
                if (count > 0)
                    severities.AddRow($"[{Colour(severity)}]{severity}[/]", count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
            console.Write(severities);

            var offenders = new Table().Title("Top offending addresses").AddColumn("Address").AddColumn("Country").AddColumn(new TableColumn("Alerts").RightAligned()).AddColumn("Worst");
            foreach (var g in run.Alerts.Where(a => IPAddress.TryParse(a.Offender, out _)).GroupBy(a => a.Offender).OrderByDescending(g => g.Max(a => AlertSeverities.Rank(a.Severity))).ThenByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(Top))
            {
                var country = g.Select(a => a.Country).FirstOrDefault(c => c is not null);
                var worst = g.MaxBy(a => AlertSeverities.Rank(a.Severity))!.Severity;
                offenders.AddRow(Safe(g.Key), $"[white on {CountryColours.Of(country, HomeCountry, WatchCountries)}] {Safe(country ?? "?")} [/]", g.Count().ToString(System.Globalization.CultureInfo.InvariantCulture), $"[{Colour(worst)}]{worst}[/]");
            }
            console.Write(offenders);

            var users = new Table().Title("Top targeted users").AddColumn("User").AddColumn(new TableColumn("Alerts").RightAligned());
            foreach (var g in run.Alerts.SelectMany(a => a.Users.Distinct()).GroupBy(u => u).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(Top))
                users.AddRow(Safe(g.Key), g.Count().ToString(System.Globalization.CultureInfo.InvariantCulture));
            console.Write(users);

            var hosts = new Table().Title("Hosts").AddColumn("Host").AddColumn(new TableColumn("Alerts").RightAligned());
            foreach (var g in run.Alerts.SelectMany(a => a.Hosts.Distinct()).GroupBy(h => h).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(Top))
                hosts.AddRow(Safe(g.Key), g.Count().ToString(System.Globalization.CultureInfo.InvariantCulture));
            console.Write(hosts);
        }
        foreach (var path in written)
            console.MarkupLine($"Wrote [link]{Markup.Escape(path)}[/]");
        if (run.Notified)
            console.MarkupLine("The notifier sent what its policy says (Notifier section): alerts past the hourly limit wait for its next digest.");
    }

    private static void WriteJson(ScanResult run, IReadOnlyList<string> written, int exitCode)
    {
        using var stdout = Console.OpenStandardOutput();
        using (var w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteNumber("exit_code", exitCode);
            w.WriteNumber("lines", run.Lines);
            w.WriteNumber("events", run.Events);
            w.WriteNumber("alerts", run.Alerts.Count);
            w.WriteStartObject("alerts_by_severity");
            foreach (var severity in AlertSeverities.All)
                w.WriteNumber(severity, run.Alerts.Count(a => a.Severity == severity));
            w.WriteEndObject();
            w.WriteNumber("windows_analysed", run.Analysed);
            w.WriteStartArray("top_offenders");
            foreach (var g in run.Alerts.GroupBy(a => a.Offender).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Take(Top))
            {
                w.WriteStartObject();
                w.WriteString("offender", g.Key);
                w.WriteString("country", g.Select(a => a.Country).FirstOrDefault(c => c is not null));
                w.WriteNumber("alerts", g.Count());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("seconds", Math.Round(run.Elapsed.TotalSeconds, 3));
            w.WriteString("alerts_file", written[0]);
            w.WriteString("report_file", written[1]);
            w.WriteStartArray("errors");
            foreach (var error in run.Errors)
                w.WriteStringValue(error);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        stdout.WriteByte((byte)'\n');
    }

    private static string Mb(long bytes) => (bytes / 1048576.0).ToString("F1", System.Globalization.CultureInfo.InvariantCulture);

    private static string Safe(string value) => Markup.Escape(FieldText.Clean(value, 64) ?? "");

    private static string Colour(string severity) => severity switch
    {
        AlertSeverities.Critical => "bold red",
        AlertSeverities.High => "red",
        AlertSeverities.Medium => "yellow",
        _ => "grey",
    };
}
