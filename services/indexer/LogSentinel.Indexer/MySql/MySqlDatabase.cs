using System.Data.Common;

namespace LogSentinel.Indexer.MySql;

/// <summary>
/// The one place that names the MySQL connector: everything else works on ADO.NET's DbConnection, so moving to
/// another connector (MySqlConnector, once served) is this line.
/// </summary>
public static class MySqlDatabase
{
    public static DbProviderFactory Factory => global::MySql.Data.MySqlClient.MySqlClientFactory.Instance;

    public static async Task<DbConnection> OpenAsync(string connectionString, CancellationToken cancellation)
    {
        var connection = Factory.CreateConnection() ?? throw new InvalidOperationException("The MySQL provider gave no connection");
        connection.ConnectionString = connectionString;
        try
        {
            await connection.OpenAsync(cancellation).ConfigureAwait(false);
            // MariaDB 10.6+ names its 3-byte UTF-8 "utf8mb3", which MySql.Data 8.0.16 does not know: a result column in
            // it (a system variable, information_schema, DATABASE()) throws mid-packet and leaves the connection out of
            // step. With utf8mb4 for the session every result comes back in utf8mb4.
            await using (var names = connection.CreateCommand())
            {
                names.CommandText = "SET NAMES utf8mb4";
                await names.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public static DbParameter Parameter(DbCommand command, string name, object? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return parameter;
    }
}
