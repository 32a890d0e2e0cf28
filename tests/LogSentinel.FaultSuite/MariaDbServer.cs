using System.Globalization;
using System.Security.Cryptography;

namespace LogSentinel.FaultSuite;

/// <summary>
/// A MariaDB instance of the run's own (mariadb-install-db into the run folder, mariadbd on a free port and its own
/// socket, no configuration file read), with a real account for the services: stopping it never disturbs the
/// machine's shared server. Queried from outside with the mariadb command-line client.
/// </summary>
internal sealed class MariaDbServer : IAsyncDisposable
{
    public const string User = "logsentinel";

    /// <summary>The indexer's tables.</summary>
    public const string IndexerDatabase = "logsentinel";

    /// <summary>The detector's durable state (Detector:Store:ConnectionString).</summary>
    public const string DetectorDatabase = "logsentinel_faults";

    private readonly RunFolder _run;
    private readonly string _data;
    private readonly string _socket;
    private ChildProcess? _server;

    private MariaDbServer(RunFolder run)
    {
        _run = run;
        _data = Path.Combine(run.Folder("mariadb"), "data");
        _socket = run.File("mariadb", "sock");
        Port = FreePorts.Next();
        Password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
    }

    public int Port { get; }

    public string Password { get; }

    public bool IsRunning => _server is { HasExited: false };

    public string ConnectionString(string database) =>
        string.Create(CultureInfo.InvariantCulture, $"Server=127.0.0.1;Port={Port};Database={database};User ID={User};Password={Password};SslMode=None");

    /// <summary>A test instance's redo log: 8 MB rather than 96, on disk in every run folder.</summary>
    private const string SmallRedoLog = "--innodb-log-file-size=8M";

    private static bool IsRoot => Environment.UserName == "root";

    public static async Task<MariaDbServer> StartAsync(RunFolder run, TimeSpan timeout, CancellationToken cancellation)
    {
        var server = new MariaDbServer(run);
        try
        {
            var install = await ChildProcess.RunAsync(run, "mariadb-install-db", "mariadb-install-db",
                ["--no-defaults", "--datadir=" + server._data, "--auth-root-authentication-method=normal", "--skip-test-db", "--user=" + Environment.UserName, SmallRedoLog],
                null, TimeSpan.FromMinutes(2), cancellation: cancellation).ConfigureAwait(false);
            if (install.ExitCode != 0)
                throw new InvalidOperationException($"mariadb-install-db failed ({install.ExitCode}); see {run.LogFile("mariadb-install-db")}");
            await server.StartAgainAsync(timeout, cancellation).ConfigureAwait(false);
            var account = $"'{User}'@'127.0.0.1', '{User}'@'localhost'";
            await server.ExecuteAsync(null, $"""
                CREATE DATABASE `{IndexerDatabase}` CHARACTER SET utf8mb4;
                CREATE DATABASE `{DetectorDatabase}` CHARACTER SET utf8mb4;
                CREATE USER '{User}'@'127.0.0.1' IDENTIFIED BY '{server.Password}';
                CREATE USER '{User}'@'localhost' IDENTIFIED BY '{server.Password}';
                GRANT ALL PRIVILEGES ON `{IndexerDatabase}`.* TO {account};
                GRANT ALL PRIVILEGES ON `{DetectorDatabase}`.* TO {account};
                """, cancellation).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Starts mariadbd on the run's data folder (again, after <see cref="StopAsync"/>) and waits until it answers.</summary>
    public async Task StartAgainAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        _server?.Dispose();
        var mariadbd = File.Exists("/usr/sbin/mariadbd") ? "/usr/sbin/mariadbd" : "mariadbd";
        List<string> arguments =
        [
            "--no-defaults", "--datadir=" + _data, "--port=" + Port.ToString(CultureInfo.InvariantCulture), "--bind-address=127.0.0.1",
            "--socket=" + _socket, "--pid-file=" + _run.File("mariadb", "mariadbd.pid"), "--skip-name-resolve", "--innodb-buffer-pool-size=64M", SmallRedoLog,
        ];
        // mariadbd refuses to run as root unless told to.
        if (IsRoot)
            arguments.Add("--user=root");
        _server = ChildProcess.Start(_run, "mariadb", mariadbd, arguments);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_server.HasExited)
                throw new InvalidOperationException($"mariadbd exited ({_server.ExitCode}); see {_run.LogFile("mariadb")}");
            var ping = await ChildProcess.RunAsync(_run, "mariadb-admin", "mariadb-admin", ["--no-defaults", "-uroot", "--socket=" + _socket, "ping"],
                null, TimeSpan.FromSeconds(10), quiet: true, cancellation).ConfigureAwait(false);
            if (ping.ExitCode == 0)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"mariadbd did not answer within {timeout.TotalSeconds:F0} s; see {_run.LogFile("mariadb")}");
            await Task.Delay(200, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>SIGTERM: a clean shutdown, as systemd would do it.</summary>
    public async Task StopAsync()
    {
        if (_server is { } server)
            await server.TerminateAsync(TimeSpan.FromSeconds(60)).ConfigureAwait(false);
    }

    /// <summary>Rows of a query, columns split (tab-separated output of the mariadb client, NULL as "NULL").</summary>
    public async Task<List<string[]>> QueryAsync(string database, string sql, CancellationToken cancellation)
    {
        var output = await ExecuteAsync(database, sql, cancellation).ConfigureAwait(false);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')).ToList();
    }

    private async Task<string> ExecuteAsync(string? database, string sql, CancellationToken cancellation)
    {
        List<string> arguments = ["--no-defaults", "-uroot", "--socket=" + _socket, "--batch", "--skip-column-names", "-e", sql];
        if (database is not null)
            arguments.Add(database);
        var (exit, output) = await ChildProcess.RunAsync(_run, "mariadb-client", "mariadb", arguments, null, TimeSpan.FromSeconds(30),
            quiet: database is not null, cancellation).ConfigureAwait(false);
        if (exit != 0)
            throw new InvalidOperationException($"mariadb query failed ({exit}): {output.Trim()}");
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _server?.Dispose();
    }
}
