using System.CommandLine;
using LogSentinel.Cli.Scan;
using LogSentinel.Cli.Watch;
using LogSentinel.Detector.Commands;

namespace LogSentinel.Cli;

/// <summary>
/// `logsentinel`: the whole pipeline in one process. Exit codes, for every command: 0 nothing found, 1 alerts (at
/// or above `scan --fail-on`), 2 usage, configuration or input errors.
/// </summary>
public static class Cli
{
    public const int Clean = 0;
    public const int Alerts = 1;
    public const int Error = 2;

    public static RootCommand Root() => new("LogSentinel on one server: parse → detect → analyse → notify in one process, no broker or database")
    {
        ScanCommand.Create(),
        WatchCommand.Create(),
        RulesCommand.Create(),
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = Root().Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
                await Console.Error.WriteLineAsync("logsentinel: " + error.Message).ConfigureAwait(false);
            await Console.Error.WriteLineAsync("Try 'logsentinel --help'.").ConfigureAwait(false);
            return Error;
        }
        return await parse.InvokeAsync().ConfigureAwait(false);
    }
}
