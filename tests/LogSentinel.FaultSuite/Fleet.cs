using System.Diagnostics;
using System.Globalization;
using LogSentinel.Indexer.Tests;
using LogSentinel.Testing;

namespace LogSentinel.FaultSuite;

/// <summary>
/// A whole LogSentinel fleet on this machine, private to one run: a RabbitMQ node and a MariaDB instance of its own, a
/// real SMTP server (aiosmtpd), the Elasticsearch protocol stand-in of the indexer's tests, and the services as
/// processes from their Release builds: two collectors (servers web1 and web2, each following its own auth.log), two
/// detector replicas (d1, d2) with the shipped default rules, the AI analyzer (no model: its rules), the notifier
/// (SMTP to the private server) and the indexer (MariaDB and Elasticsearch). Scenarios break and repair parts of it
/// (<see cref="FaultScenarios"/>); <see cref="RunAsync"/> measures what arrived.
/// </summary>
public sealed class Fleet : IAsyncDisposable
{
    public const string Recipient = "soc@faults.test";

    internal const string Collector1 = "collector-1";
    internal const string Collector2 = "collector-2";
    internal const string DetectorD1 = "detector-d1";
    internal const string DetectorD2 = "detector-d2";
    internal const string Analyzer = "ai-analyzer";
    internal const string Notifier = "notifier";
    internal const string Indexer = "indexer";

    /// <summary>Every service of the fleet (started together; nothing is written to the logs before all are ready).</summary>
    internal static readonly string[] All = [DetectorD1, DetectorD2, Analyzer, Notifier, Indexer, Collector1, Collector2];

    /// <summary>Documentation address blocks (RFC 5737): 750 addresses, fresh ones for every scenario.</summary>
    private static readonly string[] AddressBlocks = ["203.0.113", "198.51.100", "192.0.2"];

    private readonly List<FleetService> _services = [];
    private readonly List<AttackTarget> _targets = [];
    private ElasticsearchProtocolServer? _elasticsearch;
    private int _nextAddress;
    private int _scenarios;

    private Fleet(FaultSuiteSettings settings, RunFolder run)
    {
        Settings = settings;
        Run = run;
    }

    public FaultSuiteSettings Settings { get; }

    public RunFolder Run { get; }

    internal RabbitMqNode Broker { get; private set; } = null!;

    internal MariaDbServer Database { get; private set; } = null!;

    internal SmtpServer Mail { get; private set; } = null!;

    internal AlertRecorder Alerts { get; private set; } = null!;

    public static async Task<Fleet> StartAsync(FaultSuiteSettings settings, RunFolder run, CancellationToken cancellation)
    {
        var fleet = new Fleet(settings, run);
        try
        {
            await fleet.StartAllAsync(cancellation).ConfigureAwait(false);
            return fleet;
        }
        catch
        {
            await fleet.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task StartAllAsync(CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        Run.Note($"starting a private fleet in {Run.Path} ({Settings.Mode} settings)");
        var broker = RabbitMqNode.StartAsync(Run, Settings.ReadyTimeout, cancellation);
        var database = MariaDbServer.StartAsync(Run, Settings.ReadyTimeout, cancellation);
        try
        {
            Broker = await broker.ConfigureAwait(false);
        }
        finally
        {
            // Whatever happened to the broker, the database is waited for, so that disposing stops it too.
            try
            {
                Database = await database.ConfigureAwait(false);
            }
            catch when (broker.IsFaulted)
            {
                // The broker's failure is the one reported.
            }
        }
        Run.Note($"RabbitMQ {Broker.NodeName} on port {Broker.Port}, MariaDB on port {Database.Port}");
        Mail = new SmtpServer(FreePorts.Next(), Run.Folder("mail"));
        StartMailServer();
        _elasticsearch = await ElasticsearchProtocolServer.StartAsync().ConfigureAwait(false);
        Alerts = new AlertRecorder(Broker);
        await Alerts.StartAsync(cancellation).ConfigureAwait(false);
        DefineServices();
        await StartAsync(All, cancellation).ConfigureAwait(false);
        await WarmUpAsync(cancellation).ConfigureAwait(false);
        Run.Note(string.Create(CultureInfo.InvariantCulture, $"fleet ready in {clock.Elapsed.TotalSeconds:F0} s: mail on port {Mail.Port}, Elasticsearch stand-in at {_elasticsearch.Url}"));
    }

    internal void StartMailServer()
    {
        Mail.Run();
        if (Mail.ProcessId is { } pid)
            Run.RecordProcess(pid, "smtp");
    }

    private void DefineServices()
    {
        var rabbit = string.Create(CultureInfo.InvariantCulture, $"""
              RabbitMq:
                Host: 127.0.0.1
                Port: {Broker.Port}
                Username: guest
                Password: guest
            """);
        foreach (var (name, host) in new[] { (Collector1, "web1"), (Collector2, "web2") })
        {
            var log = Path.Combine(Run.Folder("hosts", host), "auth.log");
            File.WriteAllText(log, "");
            _targets.Add(new AttackTarget(host, log));
            var state = Run.Folder("state", name);
            Add(name, ServiceKind.Collector, "services/collector/LogSentinel.Collector.Host", "logsentinel-collector", $"""
                Collector:
                  Host: {host}
                  TimeZone: UTC
                  Files:
                    - {log}
                  StateDirectory: {state}
                  Journal:
                    Mode: "Off"
                  GeoIp:
                    Database: ""
                {rabbit}
                """, stateDirectory: state);
        }
        foreach (var (name, replica) in new[] { (DetectorD1, "d1"), (DetectorD2, "d2") })
        {
            Add(name, ServiceKind.Detector, "services/detector/LogSentinel.Detector.Host", "logsentinel-detector", $"""
                Detector:
                  Rules: {Repository.File("services", "detector", "rules", "default.yaml")}
                  ReplicaId: {replica}
                {rabbit}
                """,
                queues: ["logsentinel-detector-ingest"],
                // Partition owners and rule state live in the fleet's MariaDB.
                environment: new() { ["Detector__Store__ConnectionString"] = Database.ConnectionString(MariaDbServer.DetectorDatabase) });
        }
        Add(Analyzer, ServiceKind.Analyzer, "services/ai-analyzer/LogSentinel.AiAnalyzer.Host", "logsentinel-ai-analyzer", $"""
            AiAnalyzer:
              StateDirectory: {Run.Folder("state", Analyzer)}
            {rabbit}
            """, queues: ["logsentinel-ai-analyzer-events", "logsentinel-ai-analyzer-alerts"]);
        Add(Notifier, ServiceKind.Notifier, "services/notifier/LogSentinel.Notifier.Host", "logsentinel-notifier", string.Create(CultureInfo.InvariantCulture, $"""
            Notifier:
              Smtp:
                Host: 127.0.0.1
                Port: {Mail.Port}
                StartTls: false
                From: logsentinel@faults.test
                Timeout: "00:00:10"
              Recipients:
                high:
                  - {Recipient}
              # Every alert its own email: no digest holds any back.
              MaxEmailsPerHour: 10000
              StateDirectory: {Run.Folder("state", Notifier)}
            {rabbit}
            """), queues: ["logsentinel-notifier-alerts", "logsentinel-notifier-analyses"]);
        Add(Indexer, ServiceKind.Indexer, "services/indexer/LogSentinel.Indexer.Host", "logsentinel-indexer", $"""
            Indexer:
              Elasticsearch:
                Url: {_elasticsearch!.Url}
              MySql:
                ConnectionString: "{Database.ConnectionString(MariaDbServer.IndexerDatabase)}"
            {rabbit}
            """, queues: ["logsentinel-indexer-events", "logsentinel-indexer-alerts", "logsentinel-indexer-analyses"]);
    }

    private void Add(string name, ServiceKind kind, string project, string assembly, string yaml, IReadOnlyList<string>? queues = null,
        string? stateDirectory = null, Dictionary<string, string?>? environment = null)
    {
        var config = Path.Combine(Run.Folder("config"), name + ".yaml");
        File.WriteAllText(config, yaml);
        var variables = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            // One line per message, UTC times, no colours: logs/NAME.log reads like a service journal.
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["Logging__Console__FormatterOptions__UseUtcTimestamp"] = "true",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "yyyy-MM-ddTHH:mm:ss.fffZ ",
            ["Logging__Console__FormatterOptions__ColorBehavior"] = "Disabled",
            ["DOTNET_NOLOGO"] = "1",
            // Nothing of the caller's telemetry settings.
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
            variables[key] = value;
        _services.Add(new FleetService
        {
            Name = name,
            Kind = kind,
            Assembly = ServiceBuilds.Assembly(project, assembly),
            Config = config,
            Environment = variables,
            Queues = queues ?? [],
            StateDirectory = stateDirectory,
        });
    }

    /// <summary>
    /// A fleet in its steady state before the first scenario, whatever order scenarios run in: each collector has read,
    /// delivered and checkpointed a line of its file (a cron session, no security event).
    /// </summary>
    private async Task WarmUpAsync(CancellationToken cancellation)
    {
        foreach (var target in _targets)
        {
            var now = DateTime.UtcNow;
            File.AppendAllText(target.AuthLog, string.Create(CultureInfo.InvariantCulture,
                $"{now:MMM} {now.Day,2} {now:HH:mm:ss} {target.Host} CRON[{Random.Shared.Next(2000, 60000)}]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)\n"));
        }
        var deadline = DateTime.UtcNow + Settings.ReadyTimeout;
        foreach (var (collector, target) in _services.Where(s => s.Kind == ServiceKind.Collector).Zip(_targets))
        {
            while (CheckpointedOffset(collector) < new FileInfo(target.AuthLog).Length)
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"{collector.Name} did not deliver its first line within {Settings.ReadyTimeout.TotalSeconds:F0} s (see {Run.LogFile(collector.Name)})");
                await Task.Delay(200, cancellation).ConfigureAwait(false);
            }
        }
    }

    /// <summary>How far the collector's checkpoint of its one file says it delivered (0 before its first checkpoint).</summary>
    private static long CheckpointedOffset(FleetService collector)
    {
        var folder = Path.Combine(collector.StateDirectory!, "checkpoints");
        if (!Directory.Exists(folder))
            return 0;
        foreach (var file in Directory.GetFiles(folder, "tail-*.json"))
        {
            try
            {
                using var checkpoint = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(file));
                if (checkpoint.RootElement.TryGetProperty("Offset", out var offset))
                    return offset.GetInt64();
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
            {
                // Being replaced: read again on the next round.
            }
        }
        return 0;
    }

    private FleetService Service(string name) => _services.Single(s => s.Name == name);

    /// <summary>Starts those not running, and waits until all of them are ready.</summary>
    internal async Task StartAsync(IReadOnlyCollection<string> names, CancellationToken cancellation)
    {
        var dotnet = System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var starting = names.Select(Service).Where(s => !s.IsRunning).ToList();
        // Detector replicas start one after the other, d2 first, as a fleet's replicas come up: each scenario meets both
        // replicas sharing the partitions (the assignment depends on their names only).
        foreach (var replica in starting.Where(s => s.Kind == ServiceKind.Detector).OrderByDescending(s => s.Name, StringComparer.Ordinal).SkipLast(1))
        {
            Start(replica);
            await WaitReadyAsync([replica.Name], cancellation).ConfigureAwait(false);
        }
        foreach (var service in starting.Where(s => !s.IsRunning))
            Start(service);
        await WaitReadyAsync(names, cancellation).ConfigureAwait(false);

        void Start(FleetService service)
        {
            service.Process?.Dispose();
            service.Process = ChildProcess.Start(Run, service.Name, dotnet, [service.Assembly, "run", "--config", service.Config], service.Environment);
        }
    }

    /// <summary>SIGTERM to each (at once), waiting for them to finish as they would under systemd.</summary>
    internal async Task StopAsync(IReadOnlyCollection<string> names, CancellationToken cancellation)
    {
        await Task.WhenAll(names.Select(Service).Where(s => s.IsRunning).Select(s => s.Process!.TerminateAsync(TimeSpan.FromSeconds(30)))).ConfigureAwait(false);
        Run.Note("  stopped " + string.Join(", ", names));
    }

    internal Task KillAsync(string name)
    {
        Service(name).Process?.Kill();
        Run.Note($"  killed {name} (SIGKILL)");
        return Task.CompletedTask;
    }

    internal async Task WaitReadyAsync(IReadOnlyCollection<string> names, CancellationToken cancellation)
    {
        var services = names.Select(Service).ToList();
        var queues = services.SelectMany(s => s.Queues).ToList();
        var deadline = DateTime.UtcNow + Settings.ReadyTimeout;
        while (true)
        {
            if (services.FirstOrDefault(s => s.Process is not { HasExited: false }) is { } dead)
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{dead.Name} exited{(dead.Process is { } p ? $" with {p.ExitCode}" : "")}; see {Run.LogFile(dead.Name)}"));
            var consumers = queues.Count == 0 ? new Dictionary<string, uint>() : await Broker.ConsumersAsync(queues).ConfigureAwait(false);
            var waiting = services.Where(s => !s.IsReady(consumers)).Select(s => s.Name).ToList();
            if (waiting.Count == 0)
                return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"not ready after {Settings.ReadyTimeout.TotalSeconds:F0} s: {string.Join(", ", waiting)} (logs in {Run.Logs})");
            await Task.Delay(250, cancellation).ConfigureAwait(false);
        }
    }

    /// <summary>Brings back whatever a scenario left stopped, and waits until everything is ready.</summary>
    internal async Task EnsureRunningAsync(CancellationToken cancellation)
    {
        if (!Broker.IsRunning)
            throw new InvalidOperationException($"the RabbitMQ node exited; see {Run.LogFile("rabbitmq")}");
        if (!Broker.AppRunning)
            await Broker.StartAppAsync(Settings.ReadyTimeout, cancellation).ConfigureAwait(false);
        if (!Database.IsRunning)
            await Database.StartAgainAsync(Settings.ReadyTimeout, cancellation).ConfigureAwait(false);
        if (Mail.ProcessId is null)
            StartMailServer();
        await StartAsync(All, cancellation).ConfigureAwait(false);
    }

    private List<string> NextAddresses(int count)
    {
        if (_nextAddress + count > AddressBlocks.Length * 250)
            throw new InvalidOperationException("no fresh attacking addresses left for this fleet");
        var addresses = Enumerable.Range(_nextAddress, count)
            .Select(i => string.Create(CultureInfo.InvariantCulture, $"{AddressBlocks[i / 250]}.{i % 250 + 2}")).ToList();
        _nextAddress += count;
        return addresses;
    }

    /// <summary>
    /// Runs one scenario with fresh attacking addresses: the fault and the attack, then everything brought back, then
    /// waiting until all expected results arrived and nothing changed for <see cref="FaultSuiteSettings.Quiet"/> (or
    /// nothing more arrived for <see cref="FaultSuiteSettings.Stall"/>), then the measurement.
    /// </summary>
    public async Task<ScenarioResult> RunAsync(FaultScenario scenario, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        string? error = null;
        try
        {
            await EnsureRunningAsync(cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            Run.Note($"{scenario.Name}: the fleet is not ready: {e}");
            error = "the fleet was not ready: " + e.Message;
        }
        var settings = Settings with { Stagger = Settings.Stagger * scenario.Spread };
        var attack = new AuthLogAttack(NextAddresses(settings.Attackers), _targets, settings, seed: ++_scenarios);
        var context = new ScenarioContext(this, attack, cancellation);
        Run.Note(string.Create(CultureInfo.InvariantCulture,
            $"{scenario.Name}: {scenario.Description}; {attack.Addresses.Count} addresses ({attack.Addresses[0]} to {attack.Addresses[^1]}), about {attack.PlannedDuration.TotalSeconds:F0} s of attack"));
        if (error is null)
        {
            try
            {
                await scenario.Run(context).ConfigureAwait(false);
            }
            catch (Exception e) when (!cancellation.IsCancellationRequested)
            {
                Run.Note($"{scenario.Name}: failed: {e}");
                error = e.Message;
            }
            finally
            {
                attack.ReleaseAll();
            }
        }
        // The whole attack is written before anything is measured, whatever happened to the fault.
        try
        {
            await context.AttackWritten.ConfigureAwait(false);
            await EnsureRunningAsync(cancellation).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            Run.Note($"{scenario.Name}: could not bring the fleet back: {e}");
            error ??= "the fleet could not be brought back: " + e.Message;
        }
        Run.Note($"{scenario.Name}: fault over, fleet ready; waiting for events, alerts and emails");
        // An attack that never started has nothing to wait for.
        var measurement = attack.Attempts.Count == 0
            ? await ScenarioMeasurement.TakeAsync(attack, Database, Alerts, Mail, Recipient, Run.ProcessName, cancellation).ConfigureAwait(false)
            : await SettleAsync(attack, cancellation).ConfigureAwait(false);
        var result = new ScenarioResult
        {
            Scenario = scenario.Name,
            Lost = measurement.Lost,
            DuplicatedAlerts = measurement.DuplicatedAlerts,
            DuplicatedEmails = measurement.DuplicatedEmails,
            MissedAlerts = measurement.MissedAlerts,
            Attackers = attack.Addresses.Count,
            AttemptsPlanned = attack.Addresses.Count * (settings.RootAttempts + 1),
            AttemptsWritten = measurement.Written,
            AttemptsStored = measurement.Stored,
            ExtraRows = measurement.ExtraRows,
            AttackersAlerted = measurement.Alerted,
            Alerts = measurement.Alerts,
            EmailsExpected = measurement.EmailsExpected,
            EmailsReceived = measurement.EmailsReceived,
            Elapsed = clock.Elapsed,
            Error = error,
            Details = measurement.Details,
        };
        var details = Path.Combine(Run.Folder("scenarios"), scenario.Name + ".txt");
        for (var n = 2; File.Exists(details); n++)
            details = Path.Combine(Run.Folder("scenarios"), string.Create(CultureInfo.InvariantCulture, $"{scenario.Name}-{n}.txt"));
        File.WriteAllText(details, result.SummaryLine + "\n" + result.Details);
        Run.Note(result.SummaryLine);
        return result;
    }

    private async Task<ScenarioMeasurement> SettleAsync(AuthLogAttack attack, CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + Settings.SettleTimeout;
        ScenarioMeasurement? last = null;
        var changed = DateTime.UtcNow;
        while (true)
        {
            var now = DateTime.UtcNow;
            var measurement = await ScenarioMeasurement.TakeAsync(attack, Database, Alerts, Mail, Recipient, Run.ProcessName, cancellation).ConfigureAwait(false);
            if (last is null || measurement.Signature != last.Signature)
                changed = now;
            last = measurement;
            var still = now - changed;
            if (measurement.Complete && still >= Settings.Quiet)
                return measurement;
            if (!measurement.Complete && still >= Settings.Stall)
            {
                Run.Note(string.Create(CultureInfo.InvariantCulture, $"  nothing more arrived for {still.TotalSeconds:F0} s; measuring what is there"));
                return measurement;
            }
            if (now >= deadline)
            {
                Run.Note("  settle timeout; measuring what is there");
                return measurement;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), cancellation).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Run.Note("stopping the fleet");
        await Task.WhenAll(_services.Where(s => s.IsRunning).Select(s => s.Process!.TerminateAsync(TimeSpan.FromSeconds(20)))).ConfigureAwait(false);
        foreach (var service in _services)
            service.Process?.Dispose();
        if (Alerts is not null)
            await Alerts.DisposeAsync().ConfigureAwait(false);
        Mail?.Dispose();
        if (_elasticsearch is not null)
            await _elasticsearch.DisposeAsync().ConfigureAwait(false);
        if (Database is not null)
            await Database.DisposeAsync().ConfigureAwait(false);
        if (Broker is not null)
            await Broker.DisposeAsync().ConfigureAwait(false);
        Run.Note("fleet stopped");
    }
}
