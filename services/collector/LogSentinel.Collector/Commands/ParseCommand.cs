using System.CommandLine;
using LogSentinel.Collector.Reading;
using LogSentinel.Parsing;

namespace LogSentinel.Collector.Commands;

/// <summary>
/// `parse [--year YYYY] [--host NAME] [--format auto|syslog|journal-json] [--timezone ZONE] [--original] FILE...`:
/// one ECS JSON object per event on stdout, a one-line summary on stderr.
/// </summary>
public static class ParseCommand
{
    public static Command Create()
    {
        var year = new Option<int?>("--year")
        {
            Description = "Year of the first line's RFC 3164 timestamp (they carry none); default: inferred from the file's last write",
        };
        year.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is { } y && y is < 1970 or > 9998)
                r.AddError("--year must be between 1970 and 9998");
        });
        var host = new Option<string?>("--host")
        {
            Description = "host.name for lines that carry none (default: this machine's name)",
        };
        var format = new Option<string>("--format")
        {
            Description = "How lines are framed: auto (journal JSON when a line starts with '{'), syslog or journal-json",
            DefaultValueFactory = _ => "auto",
        };
        format.AcceptOnlyFromAmong("auto", "syslog", "journal-json");
        var zone = new Option<string?>("--timezone")
        {
            Description = "Time zone of timestamps written without one, e.g. Europe/Sofia (default: this machine's)",
        };
        var original = new Option<bool>("--original")
        {
            Description = "Include the raw line as event.original (capped at 8 KiB)",
        };
        var files = new Argument<string[]>("FILE")
        {
            Description = "Log files to parse: auth.log, mail.log, fail2ban.log, a journalctl -o json export...",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("parse", "Parse log files into ECS security events (JSON Lines on stdout)")
        {
            year, host, format, zone, original, files,
        };
        command.SetAction(result =>
        {
            TimeZoneInfo timeZone;
            try
            {
                timeZone = result.GetValue(zone) is { } id ? TimeZoneInfo.FindSystemTimeZoneById(id) : TimeZoneInfo.Local;
            }
            catch (TimeZoneNotFoundException)
            {
                Console.Error.WriteLine($"parse: unknown time zone '{result.GetValue(zone)}'");
                return 2;
            }
            var settings = new LogFileParse.Settings
            {
                Year = result.GetValue(year),
                Host = result.GetValue(host),
                TimeZone = timeZone,
                Format = result.GetValue(format) switch
                {
                    "syslog" => LogFormat.Syslog,
                    "journal-json" => LogFormat.JournalJson,
                    _ => LogFormat.Auto,
                },
                IncludeOriginal = result.GetValue(original),
            };
            using var stdout = Console.OpenStandardOutput();
            try
            {
                var summary = LogFileParse.Run(result.GetValue(files)!, settings, stdout, Console.Error);
                Console.Error.WriteLine(summary);
                return summary.FailedFiles > 0 ? 1 : 0;
            }
            catch (IOException e)
            {
                Console.Error.WriteLine(e.Message);
                return 1;
            }
        });
        return command;
    }
}
