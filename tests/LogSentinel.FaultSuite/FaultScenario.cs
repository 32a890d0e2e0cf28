namespace LogSentinel.FaultSuite;

/// <summary>
/// A fault injected while an attack is written (fresh addresses each time, so scenarios never see each other's
/// alerts). The scenario only breaks and repairs things; <see cref="Fleet.RunAsync"/> then waits for everything to
/// arrive, and measures.
/// </summary>
public sealed class FaultScenario
{
    internal FaultScenario(string name, string description, Func<ScenarioContext, Task> run, double spread = 1)
    {
        Name = name;
        Description = description;
        Run = run;
        Spread = spread;
    }

    public string Name { get; }

    public string Description { get; }

    internal Func<ScenarioContext, Task> Run { get; }

    /// <summary>The attack's stagger times this: longer attacks for scenarios with several faults in a row.</summary>
    internal double Spread { get; }

    public override string ToString() => Name;
}

/// <summary>What a scenario works with: the fleet, its attack and the settings.</summary>
internal sealed class ScenarioContext(Fleet fleet, AuthLogAttack attack, CancellationToken cancellation)
{
    private Task? _attack;

    public Fleet Fleet { get; } = fleet;

    public AuthLogAttack Attack { get; } = attack;

    public FaultSuiteSettings Settings => Fleet.Settings;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>Starts writing the attack; the task completes with its last line.</summary>
    public Task StartAttack() => _attack ??= Attack.RunAsync(Cancellation);

    public Task AttackWritten => _attack ?? Task.CompletedTask;

    public Task ReachedAsync(double share) => Attack.ReachedAsync(share, Cancellation);

    /// <summary>
    /// Puts <paramref name="fault"/> in place once the attack reaches share <paramref name="from"/>, while the attack
    /// goes on; should the fault take so long (rabbitmqctl on a busy machine) that the attack reaches share
    /// <paramref name="by"/> first, the attack waits there until the fault is in place. Either way part of the attack
    /// comes before the fault and part after it.
    /// </summary>
    public Task InjectAsync(double from, double by, Func<Task> fault) => InjectAsync(from, Attack.Barrier(by), fault);

    /// <summary>As <see cref="InjectAsync(double, double, Func{Task})"/>, with a barrier armed earlier.</summary>
    public async Task InjectAsync(double from, AttackBarrier by, Func<Task> fault)
    {
        try
        {
            await Attack.ReachedAsync(from, Cancellation).ConfigureAwait(false);
            await fault().ConfigureAwait(false);
        }
        finally
        {
            Attack.Release(by);
        }
    }

    public Task DelayAsync(TimeSpan time) => Task.Delay(time, Cancellation);

    public void Note(string message) => Fleet.Run.Note("  " + message);
}
