namespace LogSentinel.FaultSuite;

/// <summary>
/// How big the attacks are and how long the faults last. <see cref="Full"/> is scripts/fault-suite.sh's default (30 s
/// outages); <see cref="Ci"/> runs the same scenarios with shorter bursts and outages, for the test project.
/// </summary>
public sealed record FaultSuiteSettings
{
    /// <summary>"full" or "ci": printed with the results.</summary>
    public required string Mode { get; init; }

    /// <summary>Attacking addresses per scenario, split between the two collectors' hosts.</summary>
    public required int Attackers { get; init; }

    /// <summary>
    /// Failed root passwords per address (one a second, three per connection), after one invalid-user attempt. Enough
    /// that an address alerted before a fault still has more than a threshold's worth of attempts after it: a detector
    /// that forgot what it had seen would raise its alert again.
    /// </summary>
    public required int RootAttempts { get; init; }

    /// <summary>Time between two addresses' first attempts: the attack is spread, so a fault finds addresses at every stage.</summary>
    public required TimeSpan Stagger { get; init; }

    /// <summary>How long the broker stays stopped (stop_app to start_app).</summary>
    public required TimeSpan BrokerOutage { get; init; }

    /// <summary>How long a killed process stays dead before it is started again.</summary>
    public required TimeSpan Downtime { get; init; }

    public required TimeSpan SmtpOutage { get; init; }

    public required TimeSpan MariaDbOutage { get; init; }

    /// <summary>Once everything expected arrived, how long nothing more may change before the scenario is measured.</summary>
    public required TimeSpan Quiet { get; init; }

    /// <summary>While something expected is still missing, how long nothing may change before it counts as never coming.</summary>
    public required TimeSpan Stall { get; init; }

    /// <summary>The longest a scenario waits for its results after its fault is over.</summary>
    public required TimeSpan SettleTimeout { get; init; }

    /// <summary>The longest a process or server may take to be ready.</summary>
    public required TimeSpan ReadyTimeout { get; init; }

    public static FaultSuiteSettings Full { get; } = new()
    {
        Mode = "full",
        Attackers = 16,
        RootAttempts = 16,
        Stagger = TimeSpan.FromSeconds(0.5),
        BrokerOutage = TimeSpan.FromSeconds(15),
        Downtime = TimeSpan.FromSeconds(3),
        SmtpOutage = TimeSpan.FromSeconds(30),
        MariaDbOutage = TimeSpan.FromSeconds(30),
        Quiet = TimeSpan.FromSeconds(10),
        // The notifier's SMTP retries give up after about 30 s and the bus delivers again 30 s later; the indexer's
        // retries back off exponentially: after a 30 s outage either may be a minute away.
        Stall = TimeSpan.FromSeconds(75),
        SettleTimeout = TimeSpan.FromMinutes(4),
        ReadyTimeout = TimeSpan.FromSeconds(90),
    };

    public static FaultSuiteSettings Ci { get; } = new()
    {
        Mode = "ci",
        Attackers = 10,
        RootAttempts = 14,
        Stagger = TimeSpan.FromSeconds(0.3),
        BrokerOutage = TimeSpan.FromSeconds(5),
        Downtime = TimeSpan.FromSeconds(2),
        SmtpOutage = TimeSpan.FromSeconds(8),
        MariaDbOutage = TimeSpan.FromSeconds(8),
        Quiet = TimeSpan.FromSeconds(3),
        Stall = TimeSpan.FromSeconds(20),
        SettleTimeout = TimeSpan.FromMinutes(2),
        ReadyTimeout = TimeSpan.FromSeconds(60),
    };
}
