using System.Data.Common;
using System.Text;
using System.Text.Json;
using LogSentinel.Contracts;
using LogSentinel.Contracts.Json;
using LogSentinel.Indexer.Telemetry;

namespace LogSentinel.Indexer.MySql;

/// <summary>
/// Writes failed logins, alerts and analyses in one transaction per batch, as multi-row parameterised INSERTs that
/// are idempotent on the records' ids: a failed login already stored (same event id) and an analysis already stored
/// are left alone; an alert is replaced only by a newer revision. Nothing is committed partly: a failure rolls the
/// batch back and the caller acknowledges nothing.
/// </summary>
public sealed class MySqlSink(MySqlOptions options, IndexerMetrics metrics)
{
    public async Task WriteAsync(IReadOnlyList<SecurityEvent> events, IReadOnlyList<AlertRaised> alerts, IReadOnlyList<WindowAnalyzed> analyses, CancellationToken cancellation)
    {
        var failed = events.Where(IsFailedLogin).ToList();
        if (failed.Count == 0 && alerts.Count == 0 && analyses.Count == 0)
            return;
        await using var connection = await MySqlDatabase.OpenAsync(options.ConnectionString!, cancellation).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellation).ConfigureAwait(false);
        foreach (var chunk in failed.Chunk(options.RowsPerStatement))
            await InsertFailedLogins(connection, transaction, chunk, cancellation).ConfigureAwait(false);
        foreach (var chunk in alerts.Chunk(options.RowsPerStatement))
            await UpsertAlerts(connection, transaction, chunk, cancellation).ConfigureAwait(false);
        foreach (var chunk in analyses.Chunk(options.RowsPerStatement))
            await InsertAnalyses(connection, transaction, chunk, cancellation).ConfigureAwait(false);
        await transaction.CommitAsync(cancellation).ConfigureAwait(false);
        metrics.RowsWritten.Add(failed.Count, new KeyValuePair<string, object?>("table", "failed_login_attempts"));
        metrics.RowsWritten.Add(alerts.Count, new KeyValuePair<string, object?>("table", "alerts"));
        metrics.RowsWritten.Add(analyses.Count, new KeyValuePair<string, object?>("table", "analyses"));
    }

    /// <summary>
    /// What the seed's table holds: failed authentication attempts, one row per attempt (event.attempt). Not the lines
    /// that accompany an attempt already counted (PAM's line for sshd's, the [preauth] close), nor scans, rejects or
    /// disconnects, whose outcome is failure too.
    /// </summary>
    public static bool IsFailedLogin(SecurityEvent e) =>
        e.Event.Attempt && e.Event.Outcome == EventOutcomes.Failure;

    private static Task InsertFailedLogins(DbConnection connection, DbTransaction transaction, SecurityEvent[] rows, CancellationToken cancellation) =>
        Insert(connection, transaction, "INSERT IGNORE INTO failed_login_attempts (event_id, ip_address, username, country, attempt_time, reason, host, service) VALUES ",
            rows, 8, (e, add) =>
            {
                add(Id(e.Event.Id));
                add(Cap(e.Source?.Ip ?? e.Source?.Address, 64));
                add(Cap(e.User?.Name, 255));
                add(Cap(e.Source?.Geo?.CountryIsoCode, 2));
                add(Utc(e.Timestamp));
                add(Cap(e.Event.Reason ?? e.Event.Action, 255));
                add(Cap(e.Host.Name, 255));
                add(Cap(e.Process?.Name ?? e.Network?.Protocol ?? e.Event.Dataset, 64));
            }, "", cancellation);

    // A newer revision replaces every column; the revision itself is assigned last, after the comparisons used it.
    private static readonly string AlertUpdate = " ON DUPLICATE KEY UPDATE " + string.Join(", ",
        new[] { "final", "rule_id", "rule_type", "severity", "description", "offender", "count", "country", "window_start", "window_end", "hosts", "users", "source_ips" }
            .Select(c => $"{c} = IF(VALUES(revision) >= revision, VALUES({c}), {c})")
            .Append("revision = GREATEST(revision, VALUES(revision))"));

    private static Task UpsertAlerts(DbConnection connection, DbTransaction transaction, AlertRaised[] rows, CancellationToken cancellation) =>
        Insert(connection, transaction, "INSERT INTO alerts (alert_id, revision, final, rule_id, rule_type, severity, description, offender, count, country, window_start, window_end, hosts, users, source_ips) VALUES ",
            rows, 15, (a, add) =>
            {
                add(Id(a.AlertId));
                add(a.Revision);
                add(a.Final);
                add(Cap(a.RuleId, 128));
                add(Cap(a.RuleType, 32));
                add(Cap(a.Severity, 16));
                add(Cap(a.Description, 512));
                add(Cap(a.Offender, 512));
                add(a.Count);
                add(Cap(a.Country, 2));
                add(Utc(a.WindowStart));
                add(Utc(a.WindowEnd));
                add(JsonSerializer.Serialize(a.Hosts, StringListJson));
                add(JsonSerializer.Serialize(a.Users, StringListJson));
                add(JsonSerializer.Serialize(a.SourceIps, StringListJson));
            }, AlertUpdate, cancellation);

    private static Task InsertAnalyses(DbConnection connection, DbTransaction transaction, WindowAnalyzed[] rows, CancellationToken cancellation) =>
        Insert(connection, transaction, "INSERT IGNORE INTO analyses (analysis_id, host, window_start, window_end, risk_score, risk_floor, level, source, model, summary, findings, aggregate, latency_ms) VALUES ",
            rows, 13, (a, add) =>
            {
                add(Id(a.AnalysisId));
                add(Cap(a.Host, 255));
                add(Utc(a.WindowStart));
                add(Utc(a.WindowEnd));
                add(a.RiskScore);
                add(a.RiskFloor);
                add(Cap(a.Level, 16));
                add(Cap(a.Source, 8));
                add(Cap(a.Model, 128));
                add(a.Summary);
                add(JsonSerializer.Serialize(a.Findings, ContractsJsonContext.Default.IReadOnlyListFinding));
                add(JsonSerializer.Serialize(a.Aggregate, ContractsJsonContext.Default.WindowAggregate));
                add(a.LatencyMs);
            }, "", cancellation);

    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<IReadOnlyList<string>> StringListJson = ContractsJsonContext.Default.IReadOnlyListString;

    /// <summary>One multi-row statement: every value a parameter (@p0, @p1...), never text in the SQL.</summary>
    private static async Task Insert<T>(DbConnection connection, DbTransaction transaction, string head, T[] rows, int columns, Action<T, Action<object?>> values, string tail, CancellationToken cancellation)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder(head);
        var n = 0;
        for (var r = 0; r < rows.Length; r++)
        {
            sql.Append(r == 0 ? "(" : ",(");
            var first = true;
            values(rows[r], value =>
            {
                var name = "@p" + n++;
                sql.Append(first ? "" : ",").Append(name);
                first = false;
                MySqlDatabase.Parameter(command, name, value);
            });
            sql.Append(')');
        }
        if (n != rows.Length * columns)
            throw new InvalidOperationException($"{n} values for {rows.Length} rows of {columns} columns");
        command.CommandText = sql.Append(tail).ToString();
        await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// Ids are the idempotency: cut, two could collide, so one that does not fit is refused (the message goes to the
    /// error queue) rather than stored wrongly. Contract ids are 32 to 64 hex digits.
    /// </summary>
    private static string Id(string id) => id.Length <= 128 ? id : throw new ArgumentException($"An id of {id.Length} characters does not fit the 128 the tables hold");

    /// <summary>MySql.Data writes a DateTime's wall-clock value whatever its kind: the tables hold UTC.</summary>
    private static DateTime Utc(DateTime time) => time.Kind switch
    {
        DateTimeKind.Local => time.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(time, DateTimeKind.Utc),
        _ => time,
    };

    /// <summary>Columns are sized for what the collector emits; a longer value is cut, never refused (a refusal would stall the batch).</summary>
    private static string? Cap(string? value, int length) => value is null || value.Length <= length ? value : value[..length];
}
