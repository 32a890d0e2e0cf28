using LogSentinel.FaultSuite;

namespace LogSentinel.Fleet.Tests;

/// <summary>
/// One private fleet for all the scenarios (CI settings): started once, each scenario attacking from fresh addresses.
/// Its run folder is deleted when every scenario passed, and kept (each failure names it) otherwise.
/// </summary>
public sealed class FleetFixture : IAsyncLifetime
{
    private readonly List<ScenarioResult> _results = [];

    public RunFolder Run { get; } = RunFolder.CreateTemporary();

    private FaultSuite.Fleet? _fleet;

    public async Task InitializeAsync() => _fleet = await FaultSuite.Fleet.StartAsync(FaultSuiteSettings.Ci, Run, CancellationToken.None);

    public async Task<ScenarioResult> RunAsync(FaultScenario scenario)
    {
        var result = await _fleet!.RunAsync(scenario, CancellationToken.None);
        lock (_results)
            _results.Add(result);
        return result;
    }

    public async Task DisposeAsync()
    {
        if (_fleet is not null)
            await _fleet.DisposeAsync();
        if (_fleet is not null && _results.Count > 0 && _results.All(r => r.Passed))
            Directory.Delete(Run.Path, recursive: true);
    }
}
