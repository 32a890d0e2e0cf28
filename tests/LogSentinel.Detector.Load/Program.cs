using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using LogSentinel.Detector;
using LogSentinel.Detector.Commands;
using LogSentinel.Detector.Offline;
using LogSentinel.Detector.Partitioning;
using LogSentinel.Detector.Pipeline;
using LogSentinel.Detector.Rules;
using LogSentinel.GeoIp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using LogSentinel.Detector.Load;
using RabbitMQ.Client;

// Measures collector -> RabbitMQ -> detector end to end on this machine, with the default rules. A published
// collector follows a log file that this program appends to; a detector replica runs in this process (the
// service's own host, RunCommand.Build) so its evaluated-event count can be read; alerts are read from a queue
// bound to the alert exchange, as the notifier's would be.
//   throughput COLLECTOR LOG          append LOG at full speed; events/s from first append to the last event evaluated
//   latency COLLECTOR LOG RATE SECONDS   append LOG at RATE lines/s with a burst of failures from a new address every
//                                     half second (the fast rule's threshold); p50/p99 from the burst written to its
//                                     alert received
//   detector COLLECTOR LOG            the detector alone: the collector fills the detector's queue first and stops,
//                                     then a replica starts; events/s from its start to the last event evaluated
//   scale COLLECTOR LOG N             as detector, with N replicas as separate processes, replica i pinned to core
//                                     i mod cores (taskset); events/s from their start, and from the moment they
//                                     own every partition between them, to the last event evaluated
if (args.Length >= 4 && args[0] == "replica")
    return await ReplicaProcess.RunAsync(args[1], args[2], args[3]);
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: throughput COLLECTOR LOG | latency COLLECTOR LOG RATE SECONDS | detector COLLECTOR LOG | scale COLLECTOR LOG N");
    return 2;
}
var (mode, collector, source) = (args[0], args[1], args[2]);
var root = LogSentinel.Testing.Repository.Root;
var rules = Path.Combine(root, "services", "detector", "rules");
var work = Directory.CreateTempSubdirectory("logsentinel-detector-load-").FullName;
var log = Path.Combine(work, "auth.log");
File.WriteAllText(log, "");
var config = Path.Combine(work, "collector.yaml");
File.WriteAllText(config, $"""
    Collector:
      Host: bastion
      TimeZone: UTC
      Files:
        - {log}
      StartAtEnd: false
      StateDirectory: {Path.Combine(work, "state")}
      PollInterval: "00:00:00.010"
      Journal:
        Mode: Off
      GeoIp:
        Database: ""
      Batch:
        MaxEvents: 5000
        MaxDelay: "00:00:00.200"
    """);

await using var store = await LoadDatabase.CreateAsync();
var factory = new ConnectionFactory { HostName = "localhost" };
await using var connection = await factory.CreateConnectionAsync();
await using var channel = await connection.CreateChannelAsync();
const string AlertExchange = "LogSentinel.Contracts:AlertRaised";
await channel.ExchangeDeclareAsync(AlertExchange, "fanout", durable: true, autoDelete: false);
var alertQueue = (await channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)).QueueName;
await channel.QueueBindAsync(alertQueue, AlertExchange, "");
// Durable queues may hold what an interrupted earlier run left: start empty.
await channel.QueueDeleteAsync("logsentinel-detector-ingest");
foreach (var partition in Dimensions.AllPartitions)
    await channel.QueueDeleteAsync(PartitionQueues.QueueOf(partition));

IHost StartDetector() => ReplicaProcess.Build(rules, "load", store.ConnectionString);

if (mode is "detector" or "scale")
{
    // A replica declares its queues and leaves; they fill while no replica runs.
    using (var first = StartDetector())
    {
        await first.StartAsync();
        await first.StopAsync();
    }
}
using var detector = StartDetector();
if (mode is not ("detector" or "scale"))
    await detector.StartAsync();
var worker = detector.Services.GetRequiredService<DetectionWorker>();

var collectorStart = new ProcessStartInfo(collector, ["run", "--config", config]) { RedirectStandardOutput = true, RedirectStandardError = true };
// The detector's GC budget (DOTNET_GCgen0size, as its image sets it) is not the collector's.
collectorStart.Environment.Remove("DOTNET_GCgen0size");
using var process = Process.Start(collectorStart)!;
process.OutputDataReceived += (_, _) => { };
process.ErrorDataReceived += (_, _) => { };
process.BeginOutputReadLine();
process.BeginErrorReadLine();
await Task.Delay(1500); // the collector starts and opens the empty file

try
{
    if (mode == "scale")
    {
        var (events, expected) = Expected(source, RuleSetLoader.Load(rules));
        var queued = await FillAsync();
        process.Kill(entireProcessTree: true);
        var replicas = int.Parse(args[3], CultureInfo.InvariantCulture);
        var result = await ReplicaProcess.MeasureAsync(replicas, rules, store.ConnectionString, expected);
        Console.WriteLine($"{replicas} replica(s), each pinned to its own core of {Environment.ProcessorCount}: {events} events in {queued} collector batches, "
            + $"{expected} to partitions, evaluated in {result.FromStart.TotalSeconds:F2} s from start = {events / result.FromStart.TotalSeconds:F0} events/s; "
            + $"in {result.FromOwned.TotalSeconds:F2} s once every partition was owned = {result.EventsAfterOwned / result.FromOwned.TotalSeconds:F0} events/s; "
            + $"evaluated per replica: {string.Join(", ", result.PerReplica)}");
    }
    else if (mode == "detector")
    {
        var (events, expected) = Expected(source, RuleSetLoader.Load(rules));
        var queued = await FillAsync();
        process.Kill(entireProcessTree: true);
        var clock = Stopwatch.StartNew();
        await detector.StartAsync();
        while (worker.EventsEvaluated < expected && clock.Elapsed < TimeSpan.FromMinutes(5))
            await Task.Delay(5);
        var seconds = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"detector alone: {events} events in {queued} collector batches waiting in its queue, routed ({expected} to partitions) and evaluated "
            + $"in {seconds:F2} s = {events / seconds:F0} events/s; {worker.EventsEvaluated} evaluated, {worker.EventsLate} late; "
            + $"{GC.CollectionCount(0)} gen0 collections");
    }
    else if (mode == "throughput")
    {
        var (events, expected) = Expected(source, RuleSetLoader.Load(rules));
        var bytes = File.ReadAllBytes(source);
        var clock = Stopwatch.StartNew();
        using (var writer = new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            for (var at = 0; at < bytes.Length; at += 1 << 20)
            {
                writer.Write(bytes, at, Math.Min(1 << 20, bytes.Length - at));
                writer.Flush();
            }
        }
        var last = TimeSpan.Zero;
        var seen = 0L;
        while (worker.EventsEvaluated < expected && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            if (worker.EventsEvaluated != seen)
                (seen, last) = (worker.EventsEvaluated, clock.Elapsed);
            await Task.Delay(5);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        var alerts = 0;
        while (await channel.BasicGetAsync(alertQueue, autoAck: true) is not null)
            alerts++;
        Console.WriteLine($"detector process: {GC.GetTotalAllocatedBytes() / 1e6:F0} MB allocated, GC collections gen0 {GC.CollectionCount(0)} gen1 {GC.CollectionCount(1)} gen2 {GC.CollectionCount(2)}, paused {GC.GetTotalPauseDuration().TotalMilliseconds:F0} ms");
        Console.WriteLine($"throughput: {events} events ({bytes.Length / 1e6:F0} MB of log) read, published, routed ({expected} to partitions) and evaluated "
            + $"in {seconds:F2} s = {events / seconds:F0} events/s; {worker.EventsEvaluated} evaluated, {worker.EventsLate} late, {alerts} alert revisions");
    }
    else
    {
        var lines = File.ReadAllLines(source);
        var rate = int.Parse(args[3], CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromSeconds(int.Parse(args[4], CultureInfo.InvariantCulture));
        var bursts = new Dictionary<string, DateTime>();
        var burstSize = (int)RuleSetLoader.Load(rules).Rules.Single(r => r.Id == "ssh-brute-force-fast").Threshold;
        var latencies = new List<double>();
        var clock = Stopwatch.StartNew();
        var index = 0;
        var nextBurst = TimeSpan.FromSeconds(1);
        using (var writer = new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            while (clock.Elapsed < duration)
            {
                var due = (int)(clock.Elapsed.TotalSeconds * rate);
                var block = new StringBuilder();
                string? burstIp = null;
                while (index < due)
                {
                    var line = lines[index % lines.Length];
                    block.Append(line).Append('\n');
                    index++;
                    if (clock.Elapsed >= nextBurst && burstIp is null)
                    {
                        // As many failures as the fast brute-force rule's threshold, stamped with the current line's time: it
                        // fires on the last.
                        burstIp = $"198.18.{bursts.Count / 250}.{1 + bursts.Count % 250}";
                        for (var n = 0; n < burstSize; n++)
                            block.Append(CultureInfo.InvariantCulture, $"{line[..15]} bastion sshd[{4000 + n}]: Failed password for root from {burstIp} port {50000 + n} ssh2\n");
                        nextBurst += TimeSpan.FromMilliseconds(500);
                    }
                }
                if (block.Length > 0)
                {
                    writer.Write(Encoding.UTF8.GetBytes(block.ToString()));
                    writer.Flush();
                    if (burstIp is not null)
                        bursts[burstIp] = DateTime.UtcNow;
                }
                await ReadAlerts();
                await Task.Delay(1);
            }
        }
        var settle = Stopwatch.StartNew();
        while (settle.Elapsed < TimeSpan.FromSeconds(3))
        {
            await ReadAlerts();
            await Task.Delay(5);
        }
        latencies.Sort();
        double P(double q) => latencies.Count == 0 ? double.NaN : latencies[Math.Min(latencies.Count - 1, (int)(q * latencies.Count))];
        Console.WriteLine($"latency at {rate} lines/s for {duration.TotalSeconds:F0} s: {index} lines, {bursts.Count} bursts, {latencies.Count} alerted; "
            + $"line written -> alert received p50 {P(0.5):F0} ms, p99 {P(0.99):F0} ms, max {P(1):F0} ms; {worker.EventsLate} late events");

        async Task ReadAlerts()
        {
            while (await channel.BasicGetAsync(alertQueue, autoAck: true) is { } message)
            {
                var now = DateTime.UtcNow;
                using var document = JsonDocument.Parse(message.Body);
                var alert = document.RootElement.GetProperty("message");
                if (alert.GetProperty("rule_id").GetString() == "ssh-brute-force-fast" && alert.GetProperty("revision").GetInt32() == 0
                    && bursts.TryGetValue(alert.GetProperty("offender").GetString()!, out var written))
                    latencies.Add((now - written).TotalMilliseconds);
            }
        }
    }
}
finally
{
    process.Kill(entireProcessTree: true);
    await process.WaitForExitAsync();
    await detector.StopAsync();
    Directory.Delete(work, recursive: true);
}
return 0;

// The collector appends the whole file to the detector's ingest queue, with no replica consuming it.
async Task<uint> FillAsync()
{
    using (var writer = new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        writer.Write(File.ReadAllBytes(source));
    uint queued = 0;
    for (var still = 0; still < 20; still++)
    {
        await Task.Delay(100);
        var now = (await channel.QueueDeclarePassiveAsync("logsentinel-detector-ingest")).MessageCount;
        if (now != queued || now == 0)
            (queued, still) = (now, 0);
    }
    return queued;
}

// What the detector must evaluate for the file: each event once per dimension that has a rule able to count it.
static (long Events, long Routed) Expected(string path, RuleSet rules)
{
    using var geo = new GeoLocator(null);
    long events = 0, routed = 0;
    LogFileEvents.Read(path, new LogFileEvents.Settings { TimeZone = TimeZoneInfo.Utc, Host = "bastion" }, geo, e =>
    {
        events++;
        if (!rules.IsAllowlisted(e))
            routed += rules.Dimensions.Count(d => Dimensions.KeyOf(e, d) is not null && rules.AnyRuleMayCount(e, d));
    });
    return (events, routed);
}
