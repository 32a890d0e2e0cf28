using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using RabbitMQ.Client;

// Measures the collector end to end on this machine: a published collector follows a log file that a writer
// appends to, a queue bound to the batch exchange counts what the broker got.
//   throughput COLLECTOR LOG   append the whole LOG at full speed; events/s from first append to last event confirmed
//   lag COLLECTOR LOG RATE SECONDS   append LOG's lines at RATE lines/s; p50/p99 from a line's write to its event's arrival
// Both print the collector's peak RSS (VmHWM) too.
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: throughput COLLECTOR LOG | lag COLLECTOR LOG RATE SECONDS");
    return 2;
}
var mode = args[0];
var collector = args[1];
var source = File.ReadAllLines(args[2]);
var work = Directory.CreateTempSubdirectory("logsentinel-load-").FullName;
var log = Path.Combine(work, "auth.log");
File.WriteAllText(log, "");
const string Exchange = "LogSentinel.Contracts:SecurityEventBatch";
const string Queue = "logsentinel-load-consumer";
var config = Path.Combine(work, "collector.yaml");
File.WriteAllText(config, $"""
    Collector:
      Host: load-host
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
        MaxEvents: 2000
        MaxDelay: "00:00:00.020"
      RequiredQueues:
        - {Queue}
    """);

var factory = new ConnectionFactory { HostName = "localhost" };
await using var connection = await factory.CreateConnectionAsync();
await using var channel = await connection.CreateChannelAsync();
await channel.ExchangeDeclareAsync(Exchange, "fanout", durable: true, autoDelete: false);
// Named and not exclusive: the collector publishes only once it sees this queue (Collector:RequiredQueues).
var queue = (await channel.QueueDeclareAsync(Queue, durable: false, exclusive: false, autoDelete: false)).QueueName;
await channel.QueuePurgeAsync(queue);
await channel.QueueBindAsync(queue, Exchange, "");

using var process = Process.Start(new ProcessStartInfo(collector, ["run", "--config", config]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
process.OutputDataReceived += (_, _) => { };
process.ErrorDataReceived += (_, _) => { };
process.BeginOutputReadLine();
process.BeginErrorReadLine();
long peakRss = 0;
var sampling = Task.Run(async () =>
{
    while (!process.HasExited)
    {
        peakRss = Math.Max(peakRss, Rss(process.Id));
        await Task.Delay(50);
    }
});
await Task.Delay(1000); // the collector starts and opens the empty file

var received = 0L;
var arrivals = new Dictionary<long, DateTime>();
async Task<int> Drain(bool countOnly = false)
{
    var n = 0;
    while (await channel.BasicGetAsync(queue, autoAck: true) is { } message)
    {
        if (countOnly)
        {
            // Every event has exactly one "offset" key (log.offset): count them without parsing the JSON.
            var body = message.Body.Span;
            for (var i = body.IndexOf("\"offset\":"u8); i >= 0; i = body.IndexOf("\"offset\":"u8))
            {
                n++;
                body = body[(i + 9)..];
            }
            continue;
        }
        var now = DateTime.UtcNow;
        using var document = JsonDocument.Parse(message.Body);
        foreach (var e in document.RootElement.GetProperty("events").EnumerateArray())
        {
            arrivals.TryAdd(e.GetProperty("log").GetProperty("offset").GetInt64(), now);
            n++;
        }
    }
    received += n;
    return n;
}

try
{
    if (mode == "throughput")
    {
        var expected = CountEvents(args[2]);
        var bytes = File.ReadAllBytes(args[2]);
        var clock = Stopwatch.StartNew();
        using (var writer = new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            for (var at = 0; at < bytes.Length; at += 1 << 20)
            {
                writer.Write(bytes, at, Math.Min(1 << 20, bytes.Length - at));
                writer.Flush();
            }
        }
        var appended = clock.Elapsed;
        while (received < expected && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            if (await Drain(countOnly: true) == 0)
                await Task.Delay(5);
        }
        var seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        Console.WriteLine($"collector CPU {process.TotalProcessorTime.TotalSeconds:F2} s over {seconds:F2} s");
        Console.WriteLine($"throughput: {received} events ({source.Length} lines, {bytes.Length / 1e6:F0} MB appended in {appended.TotalSeconds:F2} s) "
            + $"confirmed and received in {seconds:F2} s = {received / seconds:F0} events/s, {source.Length / seconds:F0} lines/s; collector peak RSS {peakRss / 1024} MB");
    }
    else
    {
        var rate = int.Parse(args[3], CultureInfo.InvariantCulture);
        var duration = TimeSpan.FromSeconds(int.Parse(args[4], CultureInfo.InvariantCulture));
        var written = new Dictionary<long, DateTime>();
        long offset = 0;
        var clock = Stopwatch.StartNew();
        var index = 0;
        using (var writer = new FileStream(log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite))
        {
            while (clock.Elapsed < duration)
            {
                var due = (int)(clock.Elapsed.TotalSeconds * rate);
                var block = new StringBuilder();
                var starts = new List<long>();
                while (index < due)
                {
                    var line = source[index % source.Length];
                    starts.Add(offset + Encoding.UTF8.GetByteCount(block.ToString()));
                    block.Append(line).Append('\n');
                    index++;
                }
                if (block.Length > 0)
                {
                    var bytes = Encoding.UTF8.GetBytes(block.ToString());
                    writer.Write(bytes);
                    writer.Flush();
                    var now = DateTime.UtcNow;
                    foreach (var s in starts)
                        written[s] = now;
                    offset += bytes.Length;
                }
                await Drain();
                await Task.Delay(1);
            }
        }
        var settle = Stopwatch.StartNew();
        while (settle.Elapsed < TimeSpan.FromSeconds(3))
        {
            await Drain();
            await Task.Delay(10);
        }
        var lags = arrivals.Where(a => written.ContainsKey(a.Key)).Select(a => (a.Value - written[a.Key]).TotalMilliseconds).Order().ToList();
        double P(double q) => lags.Count == 0 ? double.NaN : lags[Math.Min(lags.Count - 1, (int)(q * lags.Count))];
        Console.WriteLine($"lag at {rate} lines/s for {duration.TotalSeconds:F0} s: {index} lines, {lags.Count} events; "
            + $"p50 {P(0.5):F0} ms, p99 {P(0.99):F0} ms, max {P(1):F0} ms; collector peak RSS {peakRss / 1024} MB");
    }
}
finally
{
    process.Kill(entireProcessTree: true);
    await process.WaitForExitAsync();
    await sampling;
    await channel.QueueDeleteAsync(queue);
    Directory.Delete(work, recursive: true);
}
return 0;

static long Rss(int pid)
{
    try
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
    }
    catch (IOException)
    {
        // The process has gone.
    }
    return 0;
}

static long CountEvents(string path)
{
    // The number of events `parse` finds in the file: what the collector must publish.
    var info = new ProcessStartInfo("dotnet", ["run", "--no-build", "-c", "Release", "--project", "services/collector/LogSentinel.Collector.Host", "--", "parse", "--timezone", "UTC", path])
    {
        RedirectStandardOutput = true,
        RedirectStandardError = true,
    };
    using var p = Process.Start(info)!;
    long n = 0;
    while (p.StandardOutput.ReadLine() is not null)
        n++;
    p.WaitForExit();
    return n;
}
