using System.Data.Common;
using LogSentinel.Indexer.MySql;

namespace LogSentinel.Indexer.Tests;

/// <summary>
/// A database of its own on the real MariaDB the test command starts (user logsentinel may create logsentinel_test*
/// databases), dropped afterwards. LOGSENTINEL_TEST_MYSQL overrides the server part of the connection string.
/// </summary>
internal sealed class MariaDb : IAsyncDisposable
{
    public static string Server => Environment.GetEnvironmentVariable("LOGSENTINEL_TEST_MYSQL")
        ?? "Server=127.0.0.1;Port=3306;User ID=logsentinel;Password=logsentinel-test;SslMode=None";

    private MariaDb(string name) => Name = name;

    public string Name { get; }

    public string ConnectionString => ConnectionStringVia(3306);

    /// <summary>The same database through another port (a proxy in front of MariaDB).</summary>
    public string ConnectionStringVia(int port) => Server.Replace("Port=3306", $"Port={port}", StringComparison.Ordinal) + $";Database={Name};Connection Timeout=5;Default Command Timeout=30";

    public static async Task<MariaDb> CreateAsync()
    {
        var database = new MariaDb("logsentinel_test_" + Guid.NewGuid().ToString("N")[..12]);
        await using var connection = await MySqlDatabase.OpenAsync(Server, CancellationToken.None);
        await Execute(connection, $"CREATE DATABASE `{database.Name}` CHARACTER SET utf8mb4");
        return database;
    }

    public async Task<DbConnection> OpenAsync() => await MySqlDatabase.OpenAsync(ConnectionString, CancellationToken.None);

    public async Task<long> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<string?> TextAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync()) as string;
    }

    public async Task MigrateAsync()
    {
        await using var connection = await OpenAsync();
        await SchemaMigrator.MigrateAsync(connection, CancellationToken.None);
    }

    private static async Task Execute(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = await MySqlDatabase.OpenAsync(Server, CancellationToken.None);
        await Execute(connection, $"DROP DATABASE IF EXISTS `{Name}`");
    }
}
