using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using LogSentinel.Contracts;
using LogSentinel.Contracts.Json;
using LogSentinel.Detector.Offline;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Commands;

/// <summary>
/// `rules check RULES` validates rule files; `rules test RULES LOGFILE...` runs them over logs offline and prints
/// which rules fired for which keys, with counts (what fail2ban-regex and cscli hubtest give their users).
/// Exit codes: 0 fine, 1 (test) some rule fired, 2 bad rules or unreadable input.
/// </summary>
public static class RulesCommand
{
    public static Command Create()
    {
        var rules = new Argument<string>("RULES") { Description = "A rule file, or a folder of *.yaml rule files" };
        var check = new Command("check", "Check rule files; every problem is printed with its line and column") { rules };
        check.SetAction(result =>
        {
            if (Load(result.GetValue(rules)!) is not { } set)
                return 2;
            Console.WriteLine($"{set.Rules.Count} rules OK ({string.Join(", ", set.Files)}); partitioned streams: {string.Join(", ", set.Dimensions)}");
            return 0;
        });

        var testRules = new Argument<string>("RULES") { Description = "A rule file, or a folder of *.yaml rule files" };
        var files = new Argument<string[]>("LOGFILE")
        {
            Description = "Log files (auth.log, mail.log, fail2ban.log, journalctl -o json exports; .gz too)",
            Arity = ArgumentArity.OneOrMore,
        };
        var year = new Option<int?>("--year") { Description = "Year of RFC 3164 timestamps (default: inferred from each file's last write)" };
        var zone = new Option<string?>("--timezone") { Description = "Time zone of timestamps written without one (default: this machine's)" };
        var host = new Option<string?>("--host") { Description = "host.name for lines that carry none" };
        var geoip = new Option<string?>("--geoip") { Description = "MaxMind-format country database, for country conditions and new_value rules" };
        var json = new Option<bool>("--json") { Description = "Print the alerts as one JSON array instead of a table" };
        var test = new Command("test", "Run rules over log files offline and show which rules fire for which keys")
        {
            testRules, files, year, zone, host, geoip, json,
        };
        test.SetAction(result =>
        {
            if (Load(result.GetValue(testRules)!) is not { } set)
                return 2;
            TimeZoneInfo timeZone;
            try
            {
                timeZone = result.GetValue(zone) is { } id ? TimeZoneInfo.FindSystemTimeZoneById(id) : TimeZoneInfo.Local;
            }
            catch (TimeZoneNotFoundException)
            {
                Console.Error.WriteLine($"rules test: unknown time zone '{result.GetValue(zone)}'");
                return 2;
            }
            var run = RulesTestRun.Run(set, result.GetValue(files)!, new LogFileEvents.Settings
            {
                Year = result.GetValue(year),
                Host = result.GetValue(host),
                TimeZone = timeZone,
                GeoIpDatabase = result.GetValue(geoip),
            });
            foreach (var problem in run.UnreadableFiles)
                Console.Error.WriteLine("rules test: cannot read " + problem);
            if (result.GetValue(json))
                Console.WriteLine(JsonSerializer.Serialize(run.Alerts, ContractsJsonContext.Default.IReadOnlyListAlertRaised));
            else
                Console.Write(Report(set, run));
            Console.Error.WriteLine($"rules test: {run.Lines} lines, {run.Events} events ({run.Counted} countable), {run.Alerts.Count} alerts, {run.Elapsed.TotalSeconds:F2} s");
            return run.UnreadableFiles.Count > 0 ? 2 : run.Alerts.Count > 0 ? 1 : 0;
        });

        return new Command("rules", "Check detection rules, or test them on log files") { check, test };
    }

    private static RuleSet? Load(string path)
    {
        try
        {
            return RuleSetLoader.Load(path);
        }
        catch (RuleLoadException e)
        {
            Console.Error.WriteLine(e.Message);
            return null;
        }
    }

    /// <summary>One line per alert, then per rule: how many alerts and distinct offenders, including rules that never fired.</summary>
    public static string Report(RuleSet rules, RulesTestRun.Result run)
    {
        var text = new System.Text.StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        text.AppendLine(inv, $"{"SEVERITY",-9} {"RULE",-28} {"OFFENDER",-40} {"COUNT",9} {"EVENTS",7} {"FIRST SEEN (UTC)",-20} {"LAST SEEN (UTC)",-20} CC");
        foreach (var a in run.Alerts.OrderBy(a => a.WindowStart).ThenBy(a => a.RuleId, StringComparer.Ordinal))
        {
            text.AppendLine(inv, $"{a.Severity,-9} {Cut(a.RuleId, 28),-28} {Cut(a.Offender, 40),-40} {$"{a.Count}/{a.Threshold}",9} {a.Events,7} {a.WindowStart:yyyy-MM-dd HH:mm:ss} {a.WindowEnd:yyyy-MM-dd HH:mm:ss} {a.Country ?? "-"}");
        }
        text.AppendLine();
        text.AppendLine(inv, $"{"RULE",-28} {"TYPE",-17} {"ALERTS",7} {"OFFENDERS",9}");
        foreach (var rule in rules.Rules)
        {
            var fired = run.Alerts.Where(a => a.RuleId == rule.Id).ToArray();
            text.AppendLine(inv, $"{Cut(rule.Id, 28),-28} {Rule.TypeName(rule.Type),-17} {fired.Length,7} {fired.Select(a => a.Offender).Distinct().Count(),9}");
        }
        return text.ToString();
    }

    /// <summary>Offenders come from log lines: cut to the column and stripped of control characters.</summary>
    private static string Cut(string value, int width)
    {
        var clean = new string(value.Select(c => char.IsControl(c) ? '?' : c).ToArray());
        return clean.Length <= width ? clean : clean[..(width - 1)] + "…";
    }
}
