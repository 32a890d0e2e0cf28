using MySqlConnector;

namespace LogSentinel.Detector.State;

/// <summary>
/// The partition store in MariaDB/MySQL, the database the fleet already runs for the indexer. Every statement is
/// one round trip; the fencing is in the WHERE clause (owner and epoch), so it holds whatever the replicas believe.
/// Times are the database's own clock (UTC_TIMESTAMP), never a replica's: heartbeats' ages compare across hosts.
/// A partition's state is written in chunks well under the server's max_allowed_packet (16 MB by default), so a
/// partition holding hundreds of thousands of keys checkpoints like a small one.
/// </summary>
public sealed class MariaDbPartitionStore(string connectionString) : IPartitionStore
{
    private const string CreateMembers = """
        CREATE TABLE IF NOT EXISTS detector_members (
          replica VARCHAR(100) NOT NULL PRIMARY KEY,
          beat BIGINT NOT NULL,
          seen DATETIME(6) NOT NULL
        ) ENGINE=InnoDB
        """;

    private const string CreatePartitions = """
        CREATE TABLE IF NOT EXISTS detector_partitions (
          partition_key VARCHAR(32) NOT NULL PRIMARY KEY,
          owner VARCHAR(100) NULL,
          epoch BIGINT NOT NULL DEFAULT 0,
          claimed DATETIME(6) NULL,
          state_bytes BIGINT NULL,
          state_updated DATETIME(6) NULL
        ) ENGINE=InnoDB
        """;

    private const string CreateChunks = """
        CREATE TABLE IF NOT EXISTS detector_state_chunks (
          partition_key VARCHAR(32) NOT NULL,
          seq INT NOT NULL,
          data MEDIUMBLOB NOT NULL,
          PRIMARY KEY (partition_key, seq)
        ) ENGINE=InnoDB
        """;

    /// <summary>Bytes per chunk row: a quarter of MariaDB's default max_allowed_packet.</summary>
    private const int ChunkBytes = 4 << 20;

    /// <summary>A member silent this long is forgotten altogether (it has long lost its partitions).</summary>
    private static readonly TimeSpan ForgetAfter = TimeSpan.FromDays(7);

    public async Task EnsureCreatedAsync(IReadOnlyCollection<string> partitions, CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation).ConfigureAwait(false);
        foreach (var ddl in new[] { CreateMembers, CreatePartitions, CreateChunks })
        {
            await using var create = new MySqlCommand(ddl, connection);
            await create.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }
        await using var insert = new MySqlCommand("INSERT IGNORE INTO detector_partitions (partition_key) VALUES (@p)", connection);
        var p = insert.Parameters.Add("@p", MySqlDbType.VarChar);
        foreach (var partition in partitions)
        {
            p.Value = partition;
            await insert.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<MemberBeat>> HeartbeatAsync(string replica, CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation).ConfigureAwait(false);
        await using (var beat = new MySqlCommand("""
            INSERT INTO detector_members (replica, beat, seen) VALUES (@r, 1, UTC_TIMESTAMP(6))
              ON DUPLICATE KEY UPDATE beat = beat + 1, seen = UTC_TIMESTAMP(6)
            """, connection))
        {
            beat.Parameters.AddWithValue("@r", replica);
            await beat.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }
        await using (var forget = new MySqlCommand("DELETE FROM detector_members WHERE seen < UTC_TIMESTAMP(6) - INTERVAL @forget SECOND", connection))
        {
            forget.Parameters.AddWithValue("@forget", (long)ForgetAfter.TotalSeconds);
            await forget.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
        }
        return await ReadMembersAsync(connection, cancellation).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<MemberBeat>> MembersAsync(CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation).ConfigureAwait(false);
        return await ReadMembersAsync(connection, cancellation).ConfigureAwait(false);
    }

    private static async Task<IReadOnlyList<MemberBeat>> ReadMembersAsync(MySqlConnection connection, CancellationToken cancellation)
    {
        await using var select = new MySqlCommand(
            "SELECT replica, beat, TIMESTAMPDIFF(MICROSECOND, seen, UTC_TIMESTAMP(6)) FROM detector_members", connection);
        var members = new List<MemberBeat>();
        await using var reader = await select.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
            members.Add(new MemberBeat(reader.GetString(0), reader.GetInt64(1), TimeSpan.FromMicroseconds(Math.Max(0, reader.GetInt64(2)))));
        return members;
    }

    public async Task<IReadOnlyList<PartitionRecord>> PartitionsAsync(CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation).ConfigureAwait(false);
        await using var select = new MySqlCommand(
            "SELECT partition_key, owner, epoch, COALESCE(state_bytes, 0), state_updated FROM detector_partitions ORDER BY partition_key", connection);
        var partitions = new List<PartitionRecord>();
        await using var reader = await select.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
        {
            partitions.Add(new PartitionRecord(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetInt64(2),
                (int)reader.GetInt64(3),
                reader.IsDBNull(4) ? null : DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc)));
        }
        return partitions;
    }

    public async Task<PartitionClaim?> TryClaimAsync(string partition, string replica, string? expectedOwner, CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellation).ConfigureAwait(false);
        await using var claim = new MySqlCommand("""
            UPDATE detector_partitions SET owner = @r, epoch = epoch + 1, claimed = UTC_TIMESTAMP(6)
            WHERE partition_key = @p AND (owner <=> @expected OR owner = @r)
            """, connection, transaction);
        claim.Parameters.AddWithValue("@r", replica);
        claim.Parameters.AddWithValue("@p", partition);
        claim.Parameters.AddWithValue("@expected", expectedOwner);
        if (await claim.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false) != 1)
            return null;
        long epoch;
        long? bytes;
        await using (var select = new MySqlCommand("SELECT epoch, state_bytes FROM detector_partitions WHERE partition_key = @p", connection, transaction))
        {
            select.Parameters.AddWithValue("@p", partition);
            await using var reader = await select.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
            await reader.ReadAsync(cancellation).ConfigureAwait(false);
            epoch = reader.GetInt64(0);
            bytes = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        }
        byte[]? state = null;
        if (bytes is { } length)
        {
            state = new byte[length];
            await using var chunks = new MySqlCommand("SELECT data FROM detector_state_chunks WHERE partition_key = @p ORDER BY seq", connection, transaction);
            chunks.Parameters.AddWithValue("@p", partition);
            await using var reader = await chunks.ExecuteReaderAsync(cancellation).ConfigureAwait(false);
            var at = 0;
            while (await reader.ReadAsync(cancellation).ConfigureAwait(false))
            {
                var chunk = (byte[])reader.GetValue(0);
                chunk.CopyTo(state, at);
                at += chunk.Length;
            }
            if (at != length)
                throw new InvalidDataException($"partition {partition}: its checkpoint holds {at} of {length} bytes");
        }
        await transaction.CommitAsync(cancellation).ConfigureAwait(false);
        return new PartitionClaim(epoch, state);
    }

    public async Task<string?> SaveAsync(string replica, IReadOnlyList<PartitionCheckpoint> states, CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation).ConfigureAwait(false);
        // Read committed: replacing one partition's chunks takes no gap locks on its neighbours' (replicas saving at
        // the same moment would otherwise deadlock each other).
        await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.ReadCommitted, cancellation).ConfigureAwait(false);
        await using var fence = new MySqlCommand("""
            UPDATE detector_partitions SET state_bytes = @n, state_updated = UTC_TIMESTAMP(6)
            WHERE partition_key = @p AND owner = @r AND epoch = @e
            """, connection, transaction);
        var fenceBytes = fence.Parameters.Add("@n", MySqlDbType.Int64);
        var fencePartition = fence.Parameters.Add("@p", MySqlDbType.VarChar);
        fence.Parameters.AddWithValue("@r", replica);
        var fenceEpoch = fence.Parameters.Add("@e", MySqlDbType.Int64);
        await using var clear = new MySqlCommand("DELETE FROM detector_state_chunks WHERE partition_key = @p", connection, transaction);
        var clearPartition = clear.Parameters.Add("@p", MySqlDbType.VarChar);
        await using var insert = new MySqlCommand("INSERT INTO detector_state_chunks (partition_key, seq, data) VALUES (@p, @seq, @data)", connection, transaction);
        var insertPartition = insert.Parameters.Add("@p", MySqlDbType.VarChar);
        var seq = insert.Parameters.Add("@seq", MySqlDbType.Int32);
        var data = insert.Parameters.Add("@data", MySqlDbType.MediumBlob);
        foreach (var (partition, epoch, state) in states)
        {
            // The fence first: the row stays locked until commit, so no claim can slip in between.
            (fenceBytes.Value, fencePartition.Value, fenceEpoch.Value) = (state.LongLength, partition, epoch);
            if (await fence.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false) != 1)
            {
                await transaction.RollbackAsync(cancellation).ConfigureAwait(false);
                return partition;
            }
            clearPartition.Value = partition;
            await clear.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
            insertPartition.Value = partition;
            for (var at = 0; at < state.Length; at += ChunkBytes)
            {
                seq.Value = at / ChunkBytes;
                data.Value = new ReadOnlyMemory<byte>(state, at, Math.Min(ChunkBytes, state.Length - at));
                await insert.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
            }
        }
        await transaction.CommitAsync(cancellation).ConfigureAwait(false);
        return null;
    }

    public async Task ReleaseAsync(string partition, string replica, long epoch, CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation).ConfigureAwait(false);
        await using var release = new MySqlCommand(
            "UPDATE detector_partitions SET owner = NULL WHERE partition_key = @p AND owner = @r AND epoch = @e", connection);
        release.Parameters.AddWithValue("@p", partition);
        release.Parameters.AddWithValue("@r", replica);
        release.Parameters.AddWithValue("@e", epoch);
        await release.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
    }

    public async Task LeaveAsync(string replica, CancellationToken cancellation)
    {
        await using var connection = await OpenAsync(cancellation).ConfigureAwait(false);
        await using var leave = new MySqlCommand("DELETE FROM detector_members WHERE replica = @r", connection);
        leave.Parameters.AddWithValue("@r", replica);
        await leave.ExecuteNonQueryAsync(cancellation).ConfigureAwait(false);
    }

    private async Task<MySqlConnection> OpenAsync(CancellationToken cancellation)
    {
        var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellation).ConfigureAwait(false);
        return connection;
    }
}
