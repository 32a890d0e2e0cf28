using System.Globalization;

namespace LogSentinel.FaultSuite;

/// <summary>
/// What one scenario did to the fleet, measured from outside. The four counts (each 0 when nothing went wrong):
/// <list type="bullet">
/// <item><see cref="Lost"/>: failed attempts written to the logs that never reached MariaDB's failed_login_attempts
/// (told apart by host, address, user and second);</item>
/// <item><see cref="DuplicatedAlerts"/>: alerts raised again for an attack already alerted, i.e. distinct alert ids per
/// (rule, offender) beyond the first (revisions of one id are updates, not duplicates);</item>
/// <item><see cref="DuplicatedEmails"/>: emails beyond the first for one alert id (the notifier's Message-ID names it);</item>
/// <item><see cref="MissedAlerts"/>: attacking addresses with no alert of the root brute-force rule they crossed.</item>
/// </list>
/// The rest shows the scenario really ran: attempts written and stored, addresses alerted, alert ids, emails.
/// </summary>
public sealed record ScenarioResult
{
    public required string Scenario { get; init; }

    public required int Lost { get; init; }

    public required int DuplicatedAlerts { get; init; }

    public required int DuplicatedEmails { get; init; }

    public required int MissedAlerts { get; init; }

    public required int Attackers { get; init; }

    public required int AttemptsPlanned { get; init; }

    public required int AttemptsWritten { get; init; }

    /// <summary>Of the attempts written, those found in failed_login_attempts.</summary>
    public required int AttemptsStored { get; init; }

    /// <summary>Rows of the scenario's addresses that are not one of its attempts, or repeat one (0 expected; reported only).</summary>
    public required int ExtraRows { get; init; }

    public required int AttackersAlerted { get; init; }

    /// <summary>Distinct alert ids about the scenario's addresses.</summary>
    public required int Alerts { get; init; }

    /// <summary>Alert ids severe enough to be emailed (high and up), and of them, those whose email arrived.</summary>
    public required int EmailsExpected { get; init; }

    public required int EmailsReceived { get; init; }

    public required TimeSpan Elapsed { get; init; }

    /// <summary>What went wrong in driving the scenario itself (a fault that could not be injected or undone).</summary>
    public string? Error { get; init; }

    /// <summary>Lost attempts, repeated alerts and emails, missed addresses, one per line (the scenario's file in the run folder).</summary>
    public string Details { get; init; } = "";

    /// <summary>The attack was written in full and produced alerts and emails: the scenario measured something.</summary>
    public bool Ran => AttemptsWritten == AttemptsPlanned && AttemptsPlanned > 0 && Alerts > 0 && EmailsReceived > 0;

    public bool Passed => Error is null && Ran && Lost == 0 && DuplicatedAlerts == 0 && DuplicatedEmails == 0 && MissedAlerts == 0;

    public string SummaryLine =>
        string.Create(CultureInfo.InvariantCulture, $"{Scenario,-17} lost={Lost} duplicated_alerts={DuplicatedAlerts} duplicated_emails={DuplicatedEmails} missed_alerts={MissedAlerts}  ")
        + string.Create(CultureInfo.InvariantCulture, $"({Attackers} addresses, {AttemptsWritten}/{AttemptsPlanned} attempts written, {AttemptsStored} stored, {AttackersAlerted}/{Attackers} alerted, ")
        + string.Create(CultureInfo.InvariantCulture, $"{Alerts} alerts, {EmailsReceived}/{EmailsExpected} emails; {Elapsed.TotalSeconds:F0} s)")
        + (Error is null ? "" : " error: " + Error);

    /// <summary>The suite's last line: "faults: N scenarios, lost=L duplicated_alerts=D duplicated_emails=E missed_alerts=M".</summary>
    public static string FinalLine(IReadOnlyCollection<ScenarioResult> results) =>
        string.Create(CultureInfo.InvariantCulture, $"faults: {results.Count} scenarios, lost={results.Sum(r => r.Lost)} duplicated_alerts={results.Sum(r => r.DuplicatedAlerts)} ")
        + string.Create(CultureInfo.InvariantCulture, $"duplicated_emails={results.Sum(r => r.DuplicatedEmails)} missed_alerts={results.Sum(r => r.MissedAlerts)}");
}
