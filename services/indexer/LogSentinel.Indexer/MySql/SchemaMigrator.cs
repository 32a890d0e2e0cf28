using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace LogSentinel.Indexer.MySql;

/// <summary>
/// Versioned SQL migrations (MySql/Migrations/V0001__name.sql, embedded), applied in order at start and recorded in
/// schema_migrations with a checksum; applying again does nothing, a migration changed after it was applied stops
/// the start. One indexer at a time migrates (a named lock).
/// </summary>
public static partial class SchemaMigrator
{
    public sealed record Migration(int Version, string Name, string Sql)
    {
        public string Checksum => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql)));
    }

    public static IReadOnlyList<Migration> All { get; } = Load();

    /// <returns>The versions applied now.</returns>
    public static async Task<IReadOnlyList<int>> MigrateAsync(DbConnection connection, CancellationToken cancellation)
    {
        await Execute(connection, "SELECT GET_LOCK('logsentinel_schema', 60)", cancellation).ConfigureAwait(false);
        try
        {
            await Execute(connection, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INT NOT NULL PRIMARY KEY,
                    name VARCHAR(200) NOT NULL,
                    checksum CHAR(64) NOT NULL,
                    applied_at DATETIME(3) NOT NULL
                ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4
                """, cancellation).ConfigureAwait(false);
            var applied = new Dictionary<int, string>();
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "SELECT version, checksum FROM schema_migrations";
                await using var reader = await command.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
                    applied[reader.GetInt32(0)] = reader.GetString(1);
            }
            var now = new List<int>();
            foreach (var migration in All)
            {
                if (applied.TryGetValue(migration.Version, out var checksum))
                {
                    if (checksum != migration.Checksum)
                        throw new SchemaMismatchException($"Migration V{migration.Version:D4} ({migration.Name}) was changed after it was applied; add a new migration instead");
                    continue;
                }
                foreach (var statement in Statements(migration.Sql))
                    await Execute(connection, statement, cancellation).ConfigureAwait(false);
                await using var record = connection.CreateCommand();
                record.CommandText = "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (@version, @name, @checksum, UTC_TIMESTAMP(3))";
                MySqlDatabase.Parameter(record, "@version", migration.Version);
                MySqlDatabase.Parameter(record, "@name", migration.Name);
                MySqlDatabase.Parameter(record, "@checksum", migration.Checksum);
                await record.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
                now.Add(migration.Version);
            }
            return now;
        }
        finally
        {
            await Execute(connection, "SELECT RELEASE_LOCK('logsentinel_schema')", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The statements of a migration: split at semicolons that end a line; comment lines dropped.</summary>
    public static IEnumerable<string> Statements(string sql) =>
        string.Join('\n', sql.Split('\n').Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal)))
            .Split(";\n")
            .Select(s => s.Trim().TrimEnd(';'))
            .Where(s => s.Length > 0);

    private static async Task Execute(DbConnection connection, string sql, CancellationToken cancellation)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
    }

    private static List<Migration> Load()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = MigrationName().Match(resource);
            if (!match.Success)
                continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), match.Groups[2].Value, reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal)));
        }
        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        return migrations;
    }

    [GeneratedRegex(@"\.V(\d{4})__([A-Za-z0-9_]+)\.sql$")]
    private static partial Regex MigrationName();
}

/// <summary>The database's schema history does not match this indexer's migrations: waiting will not fix it.</summary>
public sealed class SchemaMismatchException(string message) : Exception(message);
