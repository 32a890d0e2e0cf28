using LogSentinel.FaultSuite;

namespace LogSentinel.Fleet.Tests;

/// <summary>
/// The fault suite's scenarios (scripts/fault-suite.sh runs the same ones, with 30 s outages) against a private fleet:
/// every failed login written to a server's auth.log reaches MariaDB, every attacking address gets its alert, no alert
/// is raised twice for one attack and no alert is emailed twice, whatever breaks meanwhile.
/// </summary>
public sealed class FaultScenarioTests(FleetFixture fleet) : IClassFixture<FleetFixture>
{
    [Fact]
    public Task Should_lose_and_repeat_nothing_when_the_broker_restarts_mid_attack() => Check(FaultScenarios.BrokerRestart);

    [Fact]
    public Task Should_lose_and_repeat_nothing_when_a_detector_replica_is_killed_mid_attack() => Check(FaultScenarios.DetectorKill);

    [Fact]
    public Task Should_lose_and_repeat_nothing_when_each_service_restarts_mid_attack() => Check(FaultScenarios.ServiceRestarts);

    [Fact]
    public Task Should_lose_and_repeat_nothing_when_a_collector_is_killed_mid_attack() => Check(FaultScenarios.CollectorKill);

    [Fact]
    public Task Should_lose_and_repeat_nothing_when_a_collector_starts_before_the_rest_of_the_fleet() => Check(FaultScenarios.CollectorFirst);

    [Fact]
    public Task Should_lose_and_repeat_nothing_when_the_mail_server_is_down() => Check(FaultScenarios.SmtpOutage);

    [Fact]
    public Task Should_lose_and_repeat_nothing_when_mariadb_is_down() => Check(FaultScenarios.MariaDbOutage);

    private async Task Check(FaultScenario scenario)
    {
        var result = await fleet.RunAsync(scenario);
        var details = result.Details.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var why = $"{result.SummaryLine}\n{string.Join('\n', details.Take(12))}{(details.Length > 12 ? $"\n... {details.Length - 12} more" : "")}\n"
            + $"logs and details: {fleet.Run.Path} (scenarios/{scenario.Name}.txt)";
        Assert.True(result.Error is null, why);
        // The attack was really sent, and something really came out the far end.
        Assert.True(result.AttemptsPlanned > 0 && result.AttemptsWritten == result.AttemptsPlanned, why);
        Assert.True(result.AttemptsStored > 0, why);
        Assert.True(result.Alerts > 0, why);
        Assert.True(result.EmailsReceived > 0, why);
        Assert.True(result.Lost == 0, "events lost: " + why);
        Assert.True(result.DuplicatedAlerts == 0, "alerts raised twice: " + why);
        Assert.True(result.DuplicatedEmails == 0, "emails sent twice: " + why);
        Assert.True(result.MissedAlerts == 0, "attacks not alerted: " + why);
    }
}
