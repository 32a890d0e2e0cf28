using MySqlConnector;

namespace LogSentinel.Detector.Tests;

/// <summary>
/// A database of its own on the real MariaDB the test command starts (user logsentinel may create logsentinel_test*
/// databases), dropped afterwards: the replicas of one test share it as a fleet shares its state store.
/// LOGSENTINEL_TEST_MYSQL overrides the server part of the connection string.
/// </summary>
internal sealed class StateDatabase : IAsyncDisposable
{
    private static string Server => Environment.GetEnvironmentVariable("LOGSENTINEL_TEST_MYSQL")
        ?? "Server=127.0.0.1;Port=3306;User ID=logsentinel;Password=logsentinel-test;SslMode=None";

    private StateDatabase(string name) => Name = name;

    public string Name { get; }

    public string ConnectionString => Server + $";Database={Name};Connection Timeout=5";

    public static async Task<StateDatabase> CreateAsync()
    {
        var database = new StateDatabase("logsentinel_test_" + Guid.NewGuid().ToString("N")[..12]);
        await ExecuteAsync(Server, $"CREATE DATABASE `{database.Name}` CHARACTER SET utf8mb4");
        return database;
    }

    public async Task<List<(string Partition, string? Owner, long Epoch)>> PartitionsAsync()
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT partition_key, owner, epoch FROM detector_partitions ORDER BY partition_key", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, string?, long)>();
        while (await reader.ReadAsync())
            rows.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2)));
        return rows;
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync(Server, $"DROP DATABASE IF EXISTS `{Name}`");

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
