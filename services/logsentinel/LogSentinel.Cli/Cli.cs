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
        try
        {
            // Anything unforeseen is an error of the run (2), never "alerts found" (1, System.CommandLine's default).
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await Console.Error.WriteLineAsync("logsentinel: interrupted; nothing was written").ConfigureAwait(false);
            return Error;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync("logsentinel: " + Describe(e)).ConfigureAwait(false);
            return Error;
        }
    }

    /// <summary>An exception and what caused it, in one line (a configuration loader's own message hides the line and column).</summary>
    public static string Describe(Exception e) =>
        e.InnerException is { } inner && inner.Message != e.Message ? $"{e.Message} {inner.Message}" : e.Message;
}
