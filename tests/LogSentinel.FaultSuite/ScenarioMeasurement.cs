using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LogSentinel.Testing;

namespace LogSentinel.FaultSuite;

/// <summary>
/// One look at what reached the far ends for a scenario's addresses: rows in failed_login_attempts (MariaDB), alerts on
/// the broker (<see cref="AlertRecorder"/>), emails in the mail server's Maildir. Nothing is read from the services.
/// </summary>
internal sealed record ScenarioMeasurement
{
    public required int Written { get; init; }

    public required int Stored { get; init; }

    public required int Lost { get; init; }

    public required int ExtraRows { get; init; }

    public required int DuplicatedAlerts { get; init; }

    public required int Alerts { get; init; }

    public required int AlertMessages { get; init; }

    public required int Alerted { get; init; }

    public required int MissedAlerts { get; init; }

    public required int EmailsExpected { get; init; }

    public required int EmailsReceived { get; init; }

    public required int EmailMessages { get; init; }

    public required int DuplicatedEmails { get; init; }

    public required bool DatabaseAnswered { get; init; }

    public required string Details { get; init; }

    /// <summary>Every attempt stored, every address alerted, every alert to be emailed emailed.</summary>
    public bool Complete => DatabaseAnswered && Lost == 0 && MissedAlerts == 0 && EmailsReceived == EmailsExpected;

    /// <summary>Changes whenever anything more arrives.</summary>
    public (int, int, int, bool) Signature => (Stored + ExtraRows, AlertMessages, EmailMessages, DatabaseAnswered);

    public static async Task<ScenarioMeasurement> TakeAsync(AuthLogAttack attack, MariaDbServer database, AlertRecorder alerts, SmtpServer mail,
        string recipient, Func<int, string> processName, CancellationToken cancellation)
    {
        var details = new StringBuilder();
        var addresses = attack.Addresses.ToHashSet(StringComparer.Ordinal);
        var written = attack.Attempts.Select(a => a.ToString()).ToHashSet(StringComparer.Ordinal);

        // Attempts: the scenario's rows, grouped by what tells two attempts apart.
        var rows = new Dictionary<string, int>(StringComparer.Ordinal);
        var answered = true;
        try
        {
            var list = string.Join(",", addresses.Select(a => "'" + a + "'"));
            foreach (var row in await database.QueryAsync(MariaDbServer.IndexerDatabase,
                "SELECT host, ip_address, username, DATE_FORMAT(attempt_time, '%Y-%m-%d %H:%i:%s'), COUNT(*) FROM failed_login_attempts "
                + $"WHERE ip_address IN ({list}) GROUP BY host, ip_address, username, attempt_time", cancellation).ConfigureAwait(false))
                rows[string.Join('|', row[..4])] = int.Parse(row[4], CultureInfo.InvariantCulture);
        }
        catch (InvalidOperationException e)
        {
            // Down, or the indexer has not created its tables yet.
            answered = false;
            details.Append("MariaDB did not answer: ").AppendLine(e.Message);
        }
        var lost = written.Where(k => !rows.ContainsKey(k)).Order(StringComparer.Ordinal).ToList();
        var stored = written.Count - lost.Count;
        var extra = rows.Sum(r => written.Contains(r.Key) ? r.Value - 1 : r.Value);
        foreach (var key in lost)
            details.Append("lost attempt: ").AppendLine(key);
        foreach (var (key, count) in rows.Where(r => !written.Contains(r.Key) || r.Value > 1))
            details.Append(CultureInfo.InvariantCulture, $"extra rows: {key} x{count}").AppendLine();

        // Alerts about the scenario's addresses; an alert's offender is the address (or holds it, for multi-field keys).
        var records = alerts.Snapshot().Where(a => a.Offender.Split('|').Any(addresses.Contains)).ToList();
        var duplicated = 0;
        foreach (var incident in records.GroupBy(a => (a.RuleId, a.Offender)).OrderBy(g => g.Key.RuleId, StringComparer.Ordinal).ThenBy(g => g.Key.Offender, StringComparer.Ordinal))
        {
            var ids = incident.Select(a => a.AlertId).Distinct(StringComparer.Ordinal).ToList();
            if (ids.Count <= 1)
                continue;
            duplicated += ids.Count - 1;
            details.Append(CultureInfo.InvariantCulture, $"alert raised {ids.Count} times: {incident.Key.RuleId} {incident.Key.Offender}: ");
            details.AppendJoin(", ", ids.Select(id =>
            {
                var revisions = incident.Where(a => a.AlertId == id).ToList();
                return string.Create(CultureInfo.InvariantCulture,
                    $"{id} (revisions {string.Join('/', revisions.Select(a => a.Revision).Distinct().Order())}, first at {revisions.Min(a => a.ReceivedAt):HH:mm:ss}, from {string.Join('/', revisions.Select(a => processName(a.SenderProcess)).Distinct())})");
            }));
            details.AppendLine();
        }
        var alerted = addresses.Count(ip => records.Any(a => a.RuleId == AuthLogAttack.ExpectedRule && a.Offender == ip));
        foreach (var ip in addresses.Where(ip => !records.Any(a => a.RuleId == AuthLogAttack.ExpectedRule && a.Offender == ip)).Order(StringComparer.Ordinal))
            details.Append(CultureInfo.InvariantCulture, $"missed alert: {AuthLogAttack.ExpectedRule} {ip}").AppendLine();

        // Emails: the notifier gives each (alert, recipient) one Message-ID; alerts from high severity up are emailed.
        var emailed = records.Where(a => Rank(a.Severity) >= Rank("high")).Select(a => a.AlertId).Distinct(StringComparer.Ordinal).ToList();
        var messages = mail.Messages().GroupBy(m => m.MessageId.Trim(), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var received = 0;
        var emailMessages = 0;
        var duplicatedEmails = 0;
        foreach (var id in emailed)
        {
            if (!messages.TryGetValue(MessageId("alert:" + id, recipient), out var count))
                continue;
            received++;
            emailMessages += count;
            if (count > 1)
            {
                duplicatedEmails += count - 1;
                details.Append(CultureInfo.InvariantCulture, $"email received {count} times: alert {id}").AppendLine();
            }
        }
        return new ScenarioMeasurement
        {
            Written = written.Count,
            Stored = stored,
            Lost = lost.Count,
            ExtraRows = extra,
            DuplicatedAlerts = duplicated,
            Alerts = records.Select(a => a.AlertId).Distinct(StringComparer.Ordinal).Count(),
            AlertMessages = records.Count,
            Alerted = alerted,
            MissedAlerts = addresses.Count - alerted,
            EmailsExpected = emailed.Count,
            EmailsReceived = received,
            EmailMessages = emailMessages,
            DuplicatedEmails = duplicatedEmails,
            DatabaseAnswered = answered,
            Details = details.ToString(),
        };
    }

    /// <summary>The notifier's Message-ID for one notification to one recipient (NotificationDispatcher.MessageId).</summary>
    public static string MessageId(string notificationId, string recipient) =>
        "<" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(notificationId + "\n" + recipient)).AsSpan(0, 16)) + "@logsentinel>";

    private static int Rank(string severity) => severity.ToLowerInvariant() switch
    {
        "low" => 0,
        "medium" => 1,
        "high" => 2,
        "critical" => 3,
        _ => -1,
    };
}
