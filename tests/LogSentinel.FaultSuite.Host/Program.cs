using System.CommandLine;
using LogSentinel.FaultSuite;

var ci = new Option<bool>("--ci") { Description = "The test project's sizes: shorter bursts, 8 s outages (default: 30 s outages)" };
var scenarios = new Option<string[]>("--scenario") { Description = "Run this scenario (repeatable, in the order given; default: all): " + string.Join(", ", FaultScenarios.All.Select(s => s.Name)) };
var runDirectory = new Option<string?>("--run-dir") { Description = "Folder for the run's logs, data and configuration (default: a new temporary folder)" };
var keep = new Option<bool>("--keep") { Description = "Keep the run folder when everything passed too" };
var root = new RootCommand("LogSentinel fault suite: a private fleet on this machine, faults injected mid-attack, lost events and repeated alerts and emails counted")
{
    ci, scenarios, runDirectory, keep,
};
root.SetAction(async (result, cancellation) =>
{
    var names = result.GetValue(scenarios) ?? [];
    var unknown = names.Where(n => FaultScenarios.All.All(s => s.Name != n)).ToList();
    if (unknown.Count > 0)
    {
        await Console.Error.WriteLineAsync($"unknown scenario {string.Join(", ", unknown)}; known: {string.Join(", ", FaultScenarios.All.Select(s => s.Name))}");
        return 2;
    }
    // In the order given, repeats allowed (each run attacks from fresh addresses).
    var selected = names.Length == 0 ? FaultScenarios.All : names.Select(n => FaultScenarios.All.First(s => s.Name == n)).ToList();
    var run = result.GetValue(runDirectory) is { } folder ? new RunFolder(folder) : RunFolder.CreateTemporary();
    // Progress on stderr; stdout carries the results and ends with the one "faults:" line.
    run.Console = Console.Error;
    return await FaultSuiteRun.RunAsync(result.GetValue(ci) ? FaultSuiteSettings.Ci : FaultSuiteSettings.Full, selected, run, result.GetValue(keep), Console.Out, cancellation);
});
// On SIGINT/SIGTERM the run is cancelled and stops its fleet, which takes a few seconds: it is given them.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(120) });
