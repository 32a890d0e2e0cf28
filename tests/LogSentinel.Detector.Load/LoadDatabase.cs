using MySqlConnector;

namespace LogSentinel.Detector.Load;

/// <summary>
/// The replicas' state store for one load run: a database of its own on the local MariaDB that scripts/test.sh starts
/// (user logsentinel may create logsentinel_test* databases), dropped at the end. LOGSENTINEL_TEST_MYSQL overrides
/// the server part of the connection string.
/// </summary>
internal sealed class LoadDatabase : IAsyncDisposable
{
    private static string Server => Environment.GetEnvironmentVariable("LOGSENTINEL_TEST_MYSQL")
        ?? "Server=127.0.0.1;Port=3306;User ID=logsentinel;Password=logsentinel-test;SslMode=None";

    private readonly string _name = "logsentinel_test_load_" + Guid.NewGuid().ToString("N")[..8];

    public string ConnectionString => Server + $";Database={_name}";

    public static async Task<LoadDatabase> CreateAsync()
    {
        var database = new LoadDatabase();
        await ExecuteAsync($"CREATE DATABASE `{database._name}`");
        return database;
    }

    public async ValueTask DisposeAsync() => await ExecuteAsync($"DROP DATABASE IF EXISTS `{_name}`");

    private static async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(Server);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
