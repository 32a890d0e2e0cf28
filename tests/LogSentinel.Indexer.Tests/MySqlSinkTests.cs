using LogSentinel.Contracts;
using LogSentinel.Indexer.MySql;
using LogSentinel.Indexer.Telemetry;
using static LogSentinel.Indexer.Tests.Records;

namespace LogSentinel.Indexer.Tests;

/// <summary>The MySQL side against a real MariaDB (started by the test command), each test in its own database.</summary>
public sealed class MySqlSinkTests
{
    private static MySqlSink Sink(string connectionString, int rowsPerStatement = 500) =>
        new(new MySqlOptions { ConnectionString = connectionString, RowsPerStatement = rowsPerStatement }, new IndexerMetrics());

    [Fact]
    public async Task Should_migrate_an_empty_database_and_do_nothing_the_second_time()
    {
        await using var db = await MariaDb.CreateAsync();
        await using (var connection = await db.OpenAsync())
        {
            Assert.Equal([1], await SchemaMigrator.MigrateAsync(connection, CancellationToken.None));
            Assert.Empty(await SchemaMigrator.MigrateAsync(connection, CancellationToken.None));
        }
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM schema_migrations"));
        foreach (var table in new[] { "failed_login_attempts", "alerts", "analyses" })
            Assert.Equal(1, await db.ScalarAsync($"SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '{db.Name}' AND table_name = '{table}'"));
        Assert.Equal(1, await db.ScalarAsync($"SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = '{db.Name}' AND index_name = 'uq_failed_login_event' AND non_unique = 0"));
        Assert.Equal(1, await db.ScalarAsync($"SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = '{db.Name}' AND index_name = 'ix_failed_login_ip_time' AND seq_in_index = 1"));
    }

    [Fact]
    public async Task Should_refuse_to_start_when_an_applied_migration_was_changed()
    {
        await using var db = await MariaDb.CreateAsync();
        await db.MigrateAsync();
        await using var connection = await db.OpenAsync();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "UPDATE schema_migrations SET checksum = REPEAT('0', 64) WHERE version = 1";
            await command.ExecuteNonQueryAsync();
        }
        var error = await Assert.ThrowsAsync<SchemaMismatchException>(() => SchemaMigrator.MigrateAsync(connection, CancellationToken.None));
        Assert.Contains("V0001", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_store_failed_logins_once_whatever_the_redeliveries()
    {
        await using var db = await MariaDb.CreateAsync();
        await db.MigrateAsync();
        var sink = Sink(db.ConnectionString, rowsPerStatement: 7);
        var events = Enumerable.Range(0, 50).Select(n => Failure(n)).ToList();
        events.Add(Failure(1000, action: EventActions.SshLoginSucceeded, outcome: EventOutcomes.Success));
        events.Add(Failure(1001, action: EventActions.SudoCommand, outcome: EventOutcomes.Success, category: "process", attempt: false));

        await sink.WriteAsync(events, [], [], CancellationToken.None);
        await sink.WriteAsync(events, [], [], CancellationToken.None);
        await sink.WriteAsync(events.Take(10).ToList(), [], [], CancellationToken.None);

        Assert.Equal(50, await db.ScalarAsync("SELECT COUNT(*) FROM failed_login_attempts"));
        Assert.Equal("203.0.0.7", await db.TextAsync($"SELECT ip_address FROM failed_login_attempts WHERE event_id = '{7:x40}'"));
        Assert.Equal("sshd CN ssh_login_failed deb-mail-01", await db.TextAsync($"SELECT CONCAT_WS(' ', service, country, reason, host) FROM failed_login_attempts WHERE event_id = '{7:x40}'"));
    }

    [Fact]
    public async Task Should_store_failed_attempts_and_not_the_lines_that_accompany_them_or_scans()
    {
        await using var db = await MariaDb.CreateAsync();
        await db.MigrateAsync();
        // One sshd password failure with pam_unix's line for it and the [preauth] close of its connection; a key the
        // agent offered before the right one and the key-only login; a scan; an SMTP reject.
        await Sink(db.ConnectionString).WriteAsync(
        [
            Failure(1, ip: "203.0.113.45"),
            Failure(2, ip: "203.0.113.45", action: EventActions.PamAuthFailed, attempt: false),
            Failure(3, ip: "203.0.113.45", action: EventActions.SshPreauthDisconnect, attempt: false),
            Failure(4, ip: "198.51.100.7", user: "deploy", attempt: false),
            Failure(5, ip: "198.51.100.7", user: "deploy", action: EventActions.SshLoginSucceeded, outcome: EventOutcomes.Success),
            Failure(6, ip: "192.0.2.9", action: EventActions.SshScan, category: "network", attempt: false),
            Failure(7, ip: "192.0.2.10", action: EventActions.SmtpReject, category: "email", attempt: false),
        ], [], [], CancellationToken.None);

        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM failed_login_attempts"));
        Assert.Equal("203.0.113.45 ssh_login_failed", await db.TextAsync("SELECT CONCAT_WS(' ', ip_address, reason) FROM failed_login_attempts"));
    }

    [Fact]
    public async Task Should_store_an_sql_injection_username_verbatim()
    {
        await using var db = await MariaDb.CreateAsync();
        await db.MigrateAsync();
        const string hostile = "root'); DROP TABLE failed_login_attempts; -- \\' \" `x` ü";
        await Sink(db.ConnectionString).WriteAsync([Failure(1, user: hostile)], [], [], CancellationToken.None);
        Assert.Equal(hostile, await db.TextAsync("SELECT username FROM failed_login_attempts"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM failed_login_attempts"));
    }

    [Fact]
    public async Task Should_keep_the_newest_alert_revision_and_each_analysis_once()
    {
        await using var db = await MariaDb.CreateAsync();
        await db.MigrateAsync();
        var sink = Sink(db.ConnectionString);
        await sink.WriteAsync([], [Alert(revision: 1, count: 10)], [Analysis()], CancellationToken.None);
        await sink.WriteAsync([], [Alert(revision: 0, count: 5)], [Analysis()], CancellationToken.None);
        Assert.Equal(10, await db.ScalarAsync("SELECT count FROM alerts WHERE alert_id = 'a1'"));
        Assert.Equal(1, await db.ScalarAsync("SELECT revision FROM alerts WHERE alert_id = 'a1'"));
        await sink.WriteAsync([], [Alert(revision: 2, count: 20) with { Final = true }], [], CancellationToken.None);
        Assert.Equal(20, await db.ScalarAsync("SELECT count FROM alerts WHERE alert_id = 'a1'"));
        Assert.Equal(2, await db.ScalarAsync("SELECT revision + final * 100 - 100 FROM alerts"));
        Assert.Equal("[\"203.0.113.45\"]", await db.TextAsync("SELECT source_ips FROM alerts"));
        Assert.Equal(1, await db.ScalarAsync("SELECT COUNT(*) FROM analyses"));
        Assert.Equal(7, await db.ScalarAsync("SELECT risk_score FROM analyses"));
        Assert.Contains("\"recommendation\":\"Block it.\"", await db.TextAsync("SELECT findings FROM analyses"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_lose_nothing_and_double_nothing_when_the_database_goes_away_mid_batch()
    {
        await using var db = await MariaDb.CreateAsync();
        await db.MigrateAsync();
        using var proxy = new TcpProxy(3306);
        var sink = Sink(db.ConnectionStringVia(proxy.Port), rowsPerStatement: 200);
        var events = Enumerable.Range(0, 20_000).Select(n => Failure(n)).ToList();

        // MySql.Data's async methods run synchronously: the batch goes on another thread so that it can be cut.
        var writing = Task.Run(() => sink.WriteAsync(events, [], [], CancellationToken.None));
        while (proxy.BytesUp < 400_000 && !writing.IsCompleted)
            await Task.Delay(5);
        Assert.False(writing.IsCompleted, "the batch finished before the cut");
        proxy.Cut();
        await Assert.ThrowsAnyAsync<Exception>(() => writing);
        Assert.Equal(0, await db.ScalarAsync("SELECT COUNT(*) FROM failed_login_attempts"));

        proxy.Restore();
        await sink.WriteAsync(events, [], [], CancellationToken.None);
        await sink.WriteAsync(events, [], [], CancellationToken.None);
        Assert.Equal(20_000, await db.ScalarAsync("SELECT COUNT(*) FROM failed_login_attempts"));
        Assert.Equal(20_000, await db.ScalarAsync("SELECT COUNT(DISTINCT event_id) FROM failed_login_attempts"));
    }
}
