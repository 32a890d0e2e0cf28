namespace LogSentinel.FaultSuite;

/// <summary>
/// scripts/fault-suite.sh's run: a private fleet, the chosen scenarios one after the other, a summary line per scenario
/// and then exactly one last line, <see cref="ScenarioResult.FinalLine"/>. Exit 0 only when every scenario ran and all
/// four counts are 0. The run folder is kept (and named) when anything failed, or when asked to.
/// </summary>
public static class FaultSuiteRun
{
    public static async Task<int> RunAsync(FaultSuiteSettings settings, IReadOnlyList<FaultScenario> scenarios, RunFolder run, bool keep,
        TextWriter output, CancellationToken cancellation)
    {
        var results = new List<ScenarioResult>();
        string? failure = null;
        try
        {
            await using var fleet = await Fleet.StartAsync(settings, run, cancellation).ConfigureAwait(false);
            foreach (var scenario in scenarios)
            {
                var result = await fleet.RunAsync(scenario, cancellation).ConfigureAwait(false);
                results.Add(result);
                await output.WriteLineAsync(result.SummaryLine).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            failure = "interrupted";
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or FileNotFoundException or System.ComponentModel.Win32Exception)
        {
            run.Note("the suite could not run: " + e);
            failure = e.Message;
        }
        var passed = failure is null && results.Count == scenarios.Count && results.All(r => r.Passed);
        if (failure is not null)
            await output.WriteLineAsync("error: " + failure).ConfigureAwait(false);
        // Nothing lost, missed or repeated, and yet no alert or email: the harness, not the fleet, went wrong.
        foreach (var result in results.Where(r => !r.Ran && r.Lost + r.DuplicatedAlerts + r.DuplicatedEmails + r.MissedAlerts == 0))
            await output.WriteLineAsync($"{result.Scenario}: the attack was not written in full, or nothing came out of the fleet: the scenario measured nothing").ConfigureAwait(false);
        if (passed && !keep)
            Directory.Delete(run.Path, recursive: true);
        else
            await output.WriteLineAsync("logs: " + run.Path).ConfigureAwait(false);
        await output.WriteLineAsync(ScenarioResult.FinalLine(results)).ConfigureAwait(false);
        return passed ? 0 : 1;
    }
}
