using System.Text;
using LogSentinel.Collector.Commands;
using LogSentinel.Contracts;
using LogSentinel.Parsing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace LogSentinel.Collector.Tests;

/// <summary>The collector as it runs on a host: real files, the real worker, MassTransit and the local RabbitMQ.</summary>
[Collection(RabbitMqTests.Name)]
public sealed class CollectorPipelineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("logsentinel-run-").FullName;
    private readonly string _log;

    public CollectorPipelineTests() => _log = Path.Combine(_dir, "auth.log");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private IHost Collector(Dictionary<string, string?>? extra = null) => RunCommand.Build(Path.Combine(_dir, "none.yaml"), optional: true, config => config.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Collector:Host"] = "it-host",
        ["Collector:TimeZone"] = "UTC",
        ["Collector:Files:0"] = _log,
        ["Collector:StartAtEnd"] = "false",
        ["Collector:StateDirectory"] = Path.Combine(_dir, "state"),
        ["Collector:PollInterval"] = "00:00:00.020",
        ["Collector:Batch:MaxDelay"] = "00:00:00.050",
        ["Collector:Batch:MaxEvents"] = "500",
        ["Collector:Publish:Timeout"] = "00:00:02",
        ["Collector:Publish:RetryInterval"] = "00:00:00.200",
    }.Concat(extra ?? []).ToDictionary()));

    private void Append(int from, int count) => Append(_log, from, count);

    private static void Append(string path, int from, int count)
    {
        var text = new StringBuilder();
        for (var i = from; i < from + count; i++)
            text.Append($"Mar  2 08:{i / 60 % 60:00}:{i % 60:00} web-01 sshd[{1000 + i}]: Failed password for root from 203.0.{i % 7}.{i % 250} port {1024 + i} ssh2\n");
        using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>The ids the collector must publish: the same file parsed line by line with the same settings.</summary>
    private List<string> Expected() => Expected(File.ReadAllBytes(_log));

    /// <summary>Ids for some bytes the collector read under the log's name (a rotated file keeps the name it was written under).</summary>
    private List<string> Expected(byte[] bytes)
    {
        var ids = new List<string>();
        var parser = new LogParser(new LogParserOptions { FilePath = _log, DefaultHost = "it-host", Year = 2026, TimeZone = TimeZoneInfo.Utc }, e => ids.Add(e.Event.Id));
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

    private static async Task<List<(string Id, long Offset, string RoutingKey)>> Receive(RabbitMqQueue queue, int count)
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

    [Fact]
    public async Task Should_publish_every_appended_line_once_in_order_per_partition()
    {
        await using var queue = await RabbitMqQueue.BindAsync();
        Append(0, 2000);
        using var collector = Collector();
        await collector.StartAsync();
        Append(2000, 1000);
        var received = await Receive(queue, 3000);
        await collector.StopAsync();

        Assert.Equal(Expected().Order(StringComparer.Ordinal), received.Select(r => r.Id).Order(StringComparer.Ordinal));
        foreach (var partition in received.GroupBy(r => r.RoutingKey))
            Assert.True(partition.Select(r => r.Offset).SequenceEqual(partition.Select(r => r.Offset).Order()), $"partition {partition.Key} out of order");
    }

    [Fact]
    public async Task Should_lose_and_repeat_nothing_across_rename_and_copytruncate_rotations()
    {
        await using var queue = await RabbitMqQueue.BindAsync();
        Append(0, 400);
        using var collector = Collector(new() { ["Collector:RotationGrace"] = "00:00:00.300" });
        await collector.StartAsync();
        Assert.Equal(400, (await Receive(queue, 400)).Count);

        // logrotate "create": rename, the writer finishes the old file, a new one takes the name.
        File.Move(_log, _log + ".1");
        Append(_log + ".1", 400, 100);
        Append(500, 300);
        var renamed = await Receive(queue, 400);
        var expectedRenamed = Expected(File.ReadAllBytes(_log + ".1")).Skip(400).Concat(Expected()).ToList();
        Assert.Equal(expectedRenamed.Order(StringComparer.Ordinal), renamed.Select(r => r.Id).Order(StringComparer.Ordinal));

        // logrotate "copytruncate": the content is copied away and the same file emptied, then written again.
        File.Copy(_log, _log + ".2");
        using (new FileStream(_log, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
        }
        Append(800, 200);
        var truncated = await Receive(queue, 200);
        await collector.StopAsync();
        Assert.Equal(Expected().Order(StringComparer.Ordinal), truncated.Select(r => r.Id).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Should_resume_at_its_checkpoint_after_a_restart()
    {
        await using var queue = await RabbitMqQueue.BindAsync();
        Append(0, 500);
        using (var first = Collector())
        {
            await first.StartAsync();
            Assert.Equal(500, (await Receive(queue, 500)).Count);
            await first.StopAsync();
        }
        Append(500, 700);
        using (var second = Collector())
        {
            await second.StartAsync();
            var after = await Receive(queue, 700);
            await second.StopAsync();
            Assert.Equal(700, after.Count);
            Assert.Equal(Expected().Skip(500).Order(StringComparer.Ordinal), after.Select(r => r.Id).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task Should_lose_nothing_while_the_broker_is_away_and_drain_the_spool_when_it_is_back()
    {
        await using var queue = await RabbitMqQueue.BindAsync("logsentinel-test-outage");
        Append(0, 300);
        using var collector = Collector();
        await collector.StartAsync();
        Assert.Equal(300, (await Receive(queue, 300)).Count);

        await Broker("stop_app");
        try
        {
            Append(300, 400);
            // Long enough for several publishes to fail and the batches to go to the spool.
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.True(Directory.EnumerateFiles(Path.Combine(_dir, "state", "spool"), "*.seg").Any(f => new FileInfo(f).Length > 0),
                "batches waited in the spool");
        }
        finally
        {
            await Broker("start_app");
        }
        await queue.ReconnectAsync();
        var after = await Receive(queue, 400);
        await collector.StopAsync();
        var expected = Expected().Skip(300).ToList();
        Assert.Empty(expected.Except(after.Select(a => a.Id)));
        Assert.Equal(expected.Count, after.Select(a => a.Id).Distinct().Count());
    }

    private static async Task Broker(string action)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("rabbitmqctl", action)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await process.WaitForExitAsync();
        Assert.Equal(0, process.ExitCode);
    }

    [Fact]
    public async Task Should_lose_nothing_when_the_collector_process_is_killed_and_started_again()
    {
        await using var queue = await RabbitMqQueue.BindAsync();
        var config = Path.Combine(_dir, "collector.yaml");
        File.WriteAllText(config, $"""
            Collector:
              Host: it-host
              TimeZone: UTC
              Files:
                - {_log}
              StartAtEnd: false
              StateDirectory: {Path.Combine(_dir, "state")}
              PollInterval: "00:00:00.020"
              Batch:
                MaxDelay: "00:00:00.050"
                MaxEvents: 200
            """);
        Append(0, 1000);
        var received = new HashSet<string>(StringComparer.Ordinal);
        long duplicates = 0;
        async Task Take()
        {
            foreach (var r in await queue.TakeAsync())
            {
                if (!received.Add(r.Id))
                    duplicates++;
            }
        }
        using (var first = StartProcess(config))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (received.Count == 0 && DateTime.UtcNow < deadline)
            {
                await Take();
                await Task.Delay(20);
            }
            Append(1000, 1000);
            await Task.Delay(100);
            first.Kill(entireProcessTree: true);
            await first.WaitForExitAsync();
        }
        await Take();
        Append(2000, 500);
        var expected = Expected();
        using (var second = StartProcess(config))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (received.Count < expected.Count && DateTime.UtcNow < deadline)
            {
                await Take();
                await Task.Delay(50);
            }
            second.Kill(entireProcessTree: true);
            await second.WaitForExitAsync();
        }
        var missing = expected.Count(id => !received.Contains(id));
        Assert.Equal(0, missing);
        // At-least-once: a kill between a confirm and a checkpoint repeats at most the last flush's batches.
        Assert.True(duplicates <= 200, $"{duplicates} events repeated after the kill");
    }

    private static System.Diagnostics.Process StartProcess(string config)
    {
        var info = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "logsentinel-collector.dll"), "run", "--config", config })
            info.ArgumentList.Add(arg);
        var process = System.Diagnostics.Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    [Fact]
    public void Should_put_every_event_of_one_address_in_one_partition()
    {
        static SecurityEvent Event(string ip, string user) => new()
        {
            Timestamp = DateTime.UtcNow,
            Event = new EventFields { Id = Guid.NewGuid().ToString(), Action = "ssh_login_failed", Outcome = "failure", Category = ["authentication"], Dataset = "auth" },
            Host = new HostFields { Name = "h" },
            Source = new SourceFields { Address = ip, Ip = ip },
            User = new UserFields { Name = user },
            Log = new LogFields { File = new LogFileFields { Path = "/x" }, Offset = 0 },
        };
        Assert.Equal(Publishing.PartitionKeys.PartitionOf(Event("203.0.113.9", "root")), Publishing.PartitionKeys.PartitionOf(Event("203.0.113.9", "admin")));
        var partitions = Enumerable.Range(0, 1000).Select(i => Publishing.PartitionKeys.PartitionOf(Event($"198.51.{i / 250}.{i % 250}", "u"))).ToHashSet();
        Assert.True(partitions.Count > Publishing.PartitionKeys.Partitions / 2, "addresses spread over the partitions");
    }
}
