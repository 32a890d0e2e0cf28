namespace LogSentinel.FaultSuite;

/// <summary>The faults the fleet must survive without losing an event, missing an attack or repeating an alert or email.</summary>
public static class FaultScenarios
{
    /// <summary>The broker's app stops a third into the attack and starts again after <see cref="FaultSuiteSettings.BrokerOutage"/>.</summary>
    public static FaultScenario BrokerRestart { get; } = new("broker-restart", "RabbitMQ stop_app / start_app mid-attack", async c =>
    {
        var attack = c.StartAttack();
        await c.InjectAsync(1.0 / 3, 0.6, () => c.Fleet.Broker.StopAppAsync(c.Cancellation)).ConfigureAwait(false);
        c.Note("broker app stopped");
        await c.DelayAsync(c.Settings.BrokerOutage).ConfigureAwait(false);
        await c.Fleet.Broker.StartAppAsync(c.Settings.ReadyTimeout, c.Cancellation).ConfigureAwait(false);
        c.Note("broker app started");
        await attack.ConfigureAwait(false);
    });

    /// <summary>Detector replica d1 is killed (SIGKILL) a third into the attack and started again.</summary>
    public static FaultScenario DetectorKill { get; } = new("detector-kill", "kill -9 of detector replica d1 mid-attack, then restart", async c =>
    {
        var attack = c.StartAttack();
        await c.ReachedAsync(1.0 / 3).ConfigureAwait(false);
        await c.Fleet.KillAsync(Fleet.DetectorD1).ConfigureAwait(false);
        await c.DelayAsync(c.Settings.Downtime).ConfigureAwait(false);
        await c.Fleet.StartAsync([Fleet.DetectorD1], c.Cancellation).ConfigureAwait(false);
        await attack.ConfigureAwait(false);
    });

    /// <summary>
    /// One service of each kind is stopped (SIGTERM) and started again, one after the other, during a longer attack.
    /// The detector replica's turn comes when several addresses have been alerted and still have more than a
    /// threshold's worth of attempts to come: a replica that forgot its state across a restart would alert again.
    /// </summary>
    public static FaultScenario ServiceRestarts { get; } = new("service-restarts", "SIGTERM restart of a collector, the analyzer, a detector replica, the notifier and the indexer in turn, mid-attack", async c =>
    {
        string[] order = [Fleet.Collector1, Fleet.Analyzer, Fleet.DetectorD2, Fleet.Notifier, Fleet.Indexer];
        // Each service is stopped while lines are written, however long the restarts before it took: the attack
        // waits at its barrier until the service is down, then goes on while it starts again.
        var barriers = order.Select((_, i) => c.Attack.Barrier(0.2 + 0.15 * i)).ToList();
        var attack = c.StartAttack();
        foreach (var (service, i) in order.Select((s, i) => (s, i)))
        {
            await c.InjectAsync(0.1 + 0.15 * i, barriers[i], () => c.Fleet.StopAsync([service], c.Cancellation)).ConfigureAwait(false);
            await c.Fleet.StartAsync([service], c.Cancellation).ConfigureAwait(false);
            c.Note($"{service} restarted and ready");
        }
        await attack.ConfigureAwait(false);
    }, spread: 2);

    /// <summary>Collector 1 is killed (SIGKILL) a third into the attack and started again: it reads on from its checkpoint.</summary>
    public static FaultScenario CollectorKill { get; } = new("collector-kill", "kill -9 of a collector mid-attack, then restart", async c =>
    {
        var attack = c.StartAttack();
        await c.ReachedAsync(1.0 / 3).ConfigureAwait(false);
        await c.Fleet.KillAsync(Fleet.Collector1).ConfigureAwait(false);
        await c.DelayAsync(c.Settings.Downtime).ConfigureAwait(false);
        await c.Fleet.StartAsync([Fleet.Collector1], c.Cancellation).ConfigureAwait(false);
        await attack.ConfigureAwait(false);
    });

    /// <summary>
    /// A new broker (reset: no exchange, no queue), the collectors started first and the whole attack written and
    /// published before the detectors, the analyzer, the indexer and the notifier start.
    /// </summary>
    public static FaultScenario CollectorFirst { get; } = new("collector-first", "collectors started (on a new broker) before everything else: events written before the detector, indexer and analyzer exist", async c =>
    {
        await c.Fleet.StopAsync(Fleet.All, c.Cancellation).ConfigureAwait(false);
        await c.Fleet.Broker.ResetAsync(c.Settings.ReadyTimeout, c.Cancellation).ConfigureAwait(false);
        await c.Fleet.Alerts.StartAsync(c.Cancellation).ConfigureAwait(false);
        c.Note("broker reset; collectors start alone");
        await c.Fleet.StartAsync([Fleet.Collector1, Fleet.Collector2], c.Cancellation).ConfigureAwait(false);
        await c.StartAttack().ConfigureAwait(false);
        // The collectors flush within their batch delay; give them a moment more.
        await c.DelayAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        c.Note("attack written; the rest of the fleet starts");
        await c.Fleet.StartAsync(Fleet.All, c.Cancellation).ConfigureAwait(false);
    });

    /// <summary>The mail server is down for <see cref="FaultSuiteSettings.SmtpOutage"/> while the attack is written.</summary>
    public static FaultScenario SmtpOutage { get; } = new("smtp-outage", "SMTP server down while alerts are raised", async c =>
    {
        c.Fleet.Mail.Stop();
        c.Note("mail server stopped");
        var attack = c.StartAttack();
        await c.DelayAsync(c.Settings.SmtpOutage).ConfigureAwait(false);
        c.Fleet.StartMailServer();
        c.Note("mail server started");
        await attack.ConfigureAwait(false);
    });

    /// <summary>MariaDB is stopped (SIGTERM) for <see cref="FaultSuiteSettings.MariaDbOutage"/> while the attack is written.</summary>
    public static FaultScenario MariaDbOutage { get; } = new("mariadb-outage", "MariaDB down while events and alerts are indexed", async c =>
    {
        await c.Fleet.Database.StopAsync().ConfigureAwait(false);
        c.Note("MariaDB stopped");
        var attack = c.StartAttack();
        await c.DelayAsync(c.Settings.MariaDbOutage).ConfigureAwait(false);
        await c.Fleet.Database.StartAgainAsync(c.Settings.ReadyTimeout, c.Cancellation).ConfigureAwait(false);
        c.Note("MariaDB started");
        await attack.ConfigureAwait(false);
    });

    public static IReadOnlyList<FaultScenario> All { get; } =
        [BrokerRestart, DetectorKill, ServiceRestarts, CollectorKill, CollectorFirst, SmtpOutage, MariaDbOutage];
}
