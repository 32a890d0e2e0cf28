using System.Globalization;
using System.Security.Cryptography;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace LogSentinel.FaultSuite;

/// <summary>
/// A RabbitMQ node of the run's own: its own node name, ports, Erlang cookie (HOME is the run's), epmd (ERL_EPMD_PORT),
/// data and configuration. It runs as the current user, so
/// stopping it, restarting its app or resetting it never touches the machine's shared broker.
/// </summary>
internal sealed class RabbitMqNode : IAsyncDisposable
{
    private const string Scripts = "/usr/lib/rabbitmq/bin";
    private readonly RunFolder _run;
    private readonly Dictionary<string, string?> _environment;
    private ChildProcess? _server;

    private RabbitMqNode(RunFolder run)
    {
        _run = run;
        NodeName = "ls-faults-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)) + "@localhost";
        Port = FreePorts.Next();
        // The command-line tools listen on the distribution port + 10000 to + 10010.
        var distributionPort = FreePorts.Next(below: 55_000);
        EpmdPort = FreePorts.Next();
        var folder = run.Folder("rabbitmq");
        var home = run.Folder("rabbitmq", "home");
        var cookie = Path.Combine(home, ".erlang.cookie");
        File.WriteAllText(cookie, Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));
        // Erlang refuses a cookie others may read.
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
        File.WriteAllText(Path.Combine(folder, "enabled_plugins"), "[].\n");
        File.WriteAllText(Path.Combine(folder, "rabbitmq.conf"), string.Create(CultureInfo.InvariantCulture, $"""
            listeners.tcp.1 = 127.0.0.1:{Port}
            log.console = true
            log.console.level = info
            log.file = false

            """));
        // An empty rabbitmq-env.conf of its own: /etc/rabbitmq's would apply to this node too.
        File.WriteAllText(Path.Combine(folder, "rabbitmq-env.conf"), "");
        _environment = new Dictionary<string, string?>
        {
            ["HOME"] = home,
            ["ERL_EPMD_PORT"] = EpmdPort.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_NODENAME"] = NodeName,
            ["RABBITMQ_NODE_IP_ADDRESS"] = "127.0.0.1",
            ["RABBITMQ_NODE_PORT"] = Port.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_DIST_PORT"] = distributionPort.ToString(CultureInfo.InvariantCulture),
            ["RABBITMQ_MNESIA_BASE"] = run.Folder("rabbitmq", "mnesia"),
            ["RABBITMQ_LOG_BASE"] = run.Folder("rabbitmq", "log"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(folder, "enabled_plugins"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(folder, "rabbitmq.conf"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(folder, "advanced.config"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(folder, "rabbitmq-env.conf"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(folder, "rabbitmq.pid"),
        };
        File.WriteAllText(run.File("rabbitmq.node"), string.Create(CultureInfo.InvariantCulture, $"{NodeName} {EpmdPort} {home}\n"));
    }

    public string NodeName { get; }

    public int Port { get; }

    public int EpmdPort { get; }

    /// <summary>False between <see cref="StopAppAsync"/> and <see cref="StartAppAsync"/>.</summary>
    public bool AppRunning { get; private set; }

    public bool IsRunning => _server is { HasExited: false };

    public static async Task<RabbitMqNode> StartAsync(RunFolder run, TimeSpan timeout, CancellationToken cancellation)
    {
        var node = new RabbitMqNode(run);
        try
        {
            node._server = ChildProcess.Start(run, "rabbitmq", Tool("rabbitmq-server"), [], node._environment);
            await node.WaitUntilAcceptingAsync(timeout, cancellation).ConfigureAwait(false);
            if (File.Exists(node._environment["RABBITMQ_PID_FILE"]) && int.TryParse(File.ReadAllText(node._environment["RABBITMQ_PID_FILE"]!).Trim(), out var beam))
                run.RecordProcess(beam, "rabbitmq-beam");
            return node;
        }
        catch
        {
            await node.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public ConnectionFactory ConnectionFactory(bool recover = false) => new()
    {
        HostName = "127.0.0.1",
        Port = Port,
        UserName = "guest",
        Password = "guest",
        AutomaticRecoveryEnabled = recover,
        TopologyRecoveryEnabled = recover,
        NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
        RequestedConnectionTimeout = TimeSpan.FromSeconds(5),
        ClientProvidedName = "logsentinel-fault-suite",
    };

    /// <summary>The broker's app stops (connections close, queues stay on disk); the Erlang node keeps running.</summary>
    public async Task StopAppAsync(CancellationToken cancellation)
    {
        AppRunning = false;
        await ControlAsync(cancellation, "stop_app").ConfigureAwait(false);
    }

    public async Task StartAppAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        await ControlAsync(cancellation, "start_app").ConfigureAwait(false);
        await WaitUntilAcceptingAsync(timeout, cancellation).ConfigureAwait(false);
    }

    /// <summary>Back to a new broker: every exchange, queue and message gone.</summary>
    public async Task ResetAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        await StopAppAsync(cancellation).ConfigureAwait(false);
        await ControlAsync(cancellation, "reset").ConfigureAwait(false);
        await StartAppAsync(timeout, cancellation).ConfigureAwait(false);
    }

    /// <summary>Consumers on each queue (0 for a queue that does not exist); empty when the broker cannot be reached.</summary>
    public async Task<Dictionary<string, uint>> ConsumersAsync(IEnumerable<string> queues)
    {
        var consumers = new Dictionary<string, uint>(StringComparer.Ordinal);
        try
        {
            await using var connection = await ConnectionFactory().CreateConnectionAsync().ConfigureAwait(false);
            foreach (var queue in queues)
            {
                await using var channel = await connection.CreateChannelAsync().ConfigureAwait(false);
                try
                {
                    consumers[queue] = (await channel.QueueDeclarePassiveAsync(queue).ConfigureAwait(false)).ConsumerCount;
                }
                catch (OperationInterruptedException)
                {
                    consumers[queue] = 0;
                }
            }
        }
        catch (Exception e) when (e is BrokerUnreachableException or IOException or AlreadyClosedException or OperationInterruptedException or TimeoutException)
        {
            consumers.Clear();
        }
        return consumers;
    }

    private async Task WaitUntilAcceptingAsync(TimeSpan timeout, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (_server is not { HasExited: false })
                throw new InvalidOperationException($"RabbitMQ exited (see {_run.LogFile("rabbitmq")})");
            try
            {
                await using var connection = await ConnectionFactory().CreateConnectionAsync(cancellation).ConfigureAwait(false);
                AppRunning = true;
                return;
            }
            catch (Exception e) when (e is BrokerUnreachableException or IOException or TimeoutException)
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"RabbitMQ did not accept connections on port {Port} within {timeout.TotalSeconds:F0} s (see {_run.LogFile("rabbitmq")})", e);
                await Task.Delay(250, cancellation).ConfigureAwait(false);
            }
        }
    }

    private async Task ControlAsync(CancellationToken cancellation, params string[] arguments)
    {
        var (exit, output) = await ChildProcess.RunAsync(_run, "rabbitmqctl", Tool("rabbitmqctl"), ["-n", NodeName, .. arguments], _environment,
            TimeSpan.FromMinutes(2), cancellation: cancellation).ConfigureAwait(false);
        if (exit != 0)
            throw new InvalidOperationException($"rabbitmqctl {string.Join(' ', arguments)} failed ({exit}): {output.Trim()}");
    }

    private static string Tool(string name) => File.Exists(Path.Combine(Scripts, name)) ? Path.Combine(Scripts, name) : name;

    public async ValueTask DisposeAsync()
    {
        if (_server is { HasExited: false } server)
        {
            try
            {
                await ChildProcess.RunAsync(_run, "rabbitmqctl", Tool("rabbitmqctl"), ["-n", NodeName, "stop"], _environment, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is InvalidOperationException or IOException or System.ComponentModel.Win32Exception)
            {
                _run.Note("rabbitmqctl stop failed: " + e.Message);
            }
            if (!await server.WaitForExitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false))
                server.Kill();
        }
        _server?.Dispose();
        // The node started this epmd on its own port: nothing else uses it.
        try
        {
            await ChildProcess.RunAsync(_run, "rabbitmqctl", "epmd", ["-port", EpmdPort.ToString(CultureInfo.InvariantCulture), "-kill"], _environment, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // No epmd on the PATH: the node's own is left to end with the machine.
        }
    }
}
