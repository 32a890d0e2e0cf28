using System.Text;
using LogSentinel.Collector.Commands;
using LogSentinel.Collector.Telemetry;
using LogSentinel.Parsing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace LogSentinel.Collector.Tests;

/// <summary>
/// What a collector test runs on: a temporary directory with the followed auth.log and the state, its own RabbitMQ
/// virtual host, the collector host as `run` builds it, and the ids the collector must publish.
/// </summary>
internal sealed class CollectorRun : IDisposable
{
    /// <summary>The consumer queue the tests require unless they name others.</summary>
    public const string TestQueue = "logsentinel-test-consumer";

    private readonly Lazy<RabbitMqVirtualHost> _virtualHost = new(RabbitMqVirtualHost.Create);

    public CollectorRun()
    {
        Log = Path.Combine(Directory, "auth.log");
        State = Path.Combine(Directory, "state");
    }

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("logsentinel-run-").FullName;

    public string Log { get; }

    public string State { get; }

    /// <summary>Created on first use: rabbitmqctl takes seconds, and a test without a broker need not wait for it.</summary>
    public RabbitMqVirtualHost VirtualHost => _virtualHost.Value;

    public void Dispose()
    {
        if (_virtualHost.IsValueCreated)
            _virtualHost.Value.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>
    /// Settings for a quick collector on this run's files and virtual host, requiring <see cref="TestQueue"/>;
    /// <paramref name="extra"/> wins, and a key it sets to null is left out (the collector's default applies).
    /// </summary>
    public Dictionary<string, string?> Settings(Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Collector:Host"] = "it-host",
            ["Collector:TimeZone"] = "UTC",
            ["Collector:Files:0"] = Log,
            ["Collector:StartAtEnd"] = "false",
            ["Collector:StateDirectory"] = State,
            ["Collector:PollInterval"] = "00:00:00.020",
            ["Collector:Batch:MaxDelay"] = "00:00:00.050",
            ["Collector:Batch:MaxEvents"] = "500",
            ["Collector:Publish:Timeout"] = "00:00:02",
            ["Collector:Publish:RetryInterval"] = "00:00:00.200",
            ["Collector:RabbitMq:VirtualHost"] = VirtualHost.Name,
        };
        if (extra is null || !extra.Keys.Any(k => k.StartsWith("Collector:RequiredQueues", StringComparison.Ordinal)))
            settings["Collector:RequiredQueues:0"] = TestQueue;
        foreach (var (key, value) in extra ?? [])
            settings[key] = value;
        return settings.Where(s => s.Value is not null).ToDictionary();
    }

    public IHost Collector(Dictionary<string, string?>? extra = null) =>
        RunCommand.Build(Path.Combine(Directory, "none.yaml"), optional: true, config => config.AddInMemoryCollection(Settings(extra)));

    public void Append(int from, int count) => Append(Log, from, count);

    public static void Append(string path, int from, int count)
    {
        var text = new StringBuilder();
        for (var i = from; i < from + count; i++)
            text.Append($"Mar  2 08:{i / 60 % 60:00}:{i % 60:00} web-01 sshd[{1000 + i}]: Failed password for root from 203.0.{i % 7}.{i % 250} port {1024 + i} ssh2\n");
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>The ids the collector must publish: the same file parsed line by line with the same settings.</summary>
    public List<string> Expected() => Expected(File.ReadAllBytes(Log));

    /// <summary>Ids for some bytes the collector read under the log's name (a rotated file keeps the name it was written under).</summary>
    public List<string> Expected(byte[] bytes)
    {
        var ids = new List<string>();
        var parser = new LogParser(new LogParserOptions { FilePath = Log, DefaultHost = "it-host", Year = 2026, TimeZone = TimeZoneInfo.Utc }, e => ids.Add(e.Event.Id));
        var start = 0;
        while (start < bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            parser.ParseLine(bytes.AsSpan(start, end - start), start);
            start = end + 1;
        }
        parser.Flush();
        return ids;
    }

    /// <summary>Takes from the queue until <paramref name="count"/> events came (or a minute passed), and a little after: repeats would show.</summary>
    public static async Task<List<(string Id, long Offset, string RoutingKey)>> Receive(RabbitMqQueue queue, int count)
    {
        var received = new List<(string, long, string)>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (received.Count < count && DateTime.UtcNow < deadline)
        {
            received.AddRange(await queue.TakeAsync());
            await Task.Delay(50);
        }
        await Task.Delay(300);
        received.AddRange(await queue.TakeAsync());
        return received;
    }

    /// <summary>The health file's status once <paramref name="until"/> holds for it (or what it says after a minute).</summary>
    public async Task<string> HealthAsync(Func<string, bool> until)
    {
        var status = "";
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (HealthFile.TryReadFresh(State, TimeSpan.FromSeconds(30), DateTimeOffset.UtcNow, out status) && until(status))
                return status;
            await Task.Delay(20);
        }
        return status;
    }
}
