using LogSentinel.Contracts;
using Microsoft.Extensions.Hosting;

namespace LogSentinel.Collector.Tests;

/// <summary>The collector as it runs on a host: real files, the real worker, MassTransit and the local RabbitMQ.</summary>
[Collection(RabbitMqTests.Name)]
public sealed class CollectorPipelineTests : IDisposable
{
    private readonly CollectorRun _run = new();

    public void Dispose() => _run.Dispose();

    private IHost Collector(Dictionary<string, string?>? extra = null) => _run.Collector(extra);

    private void Append(int from, int count) => _run.Append(from, count);

    private static void Append(string path, int from, int count) => CollectorRun.Append(path, from, count);

    private List<string> Expected() => _run.Expected();

    private List<string> Expected(byte[] bytes) => _run.Expected(bytes);

    private static Task<List<(string Id, long Offset, string RoutingKey)>> Receive(RabbitMqQueue queue, int count) => CollectorRun.Receive(queue, count);

    private Task<RabbitMqQueue> Consumer() => RabbitMqQueue.DeclareAsync(_run.VirtualHost.Name, CollectorRun.TestQueue);

    [Fact]
    public async Task Should_publish_every_appended_line_once_in_order_per_partition()
    {
        await using var queue = await Consumer();
        Append(0, 2000);
        using var collector = Collector();
        await collector.StartAsync();
        Append(2000, 1000);
        var received = await Receive(queue, 3000);
        var health = await _run.HealthAsync(s => s == "ok");
        await collector.StopAsync();

        Assert.Equal(Expected().Order(StringComparer.Ordinal), received.Select(r => r.Id).Order(StringComparer.Ordinal));
        foreach (var partition in received.GroupBy(r => r.RoutingKey))
            Assert.True(partition.Select(r => r.Offset).SequenceEqual(partition.Select(r => r.Offset).Order()), $"partition {partition.Key} out of order");
        // The consumer queue existed from the start: every batch was published at once, none waited in the spool.
        Assert.Equal("ok", health);
        Assert.DoesNotContain(Directory.EnumerateFiles(Path.Combine(_run.State, "spool"), "*.seg"), f => new FileInfo(f).Length > 0);
    }

    [Fact]
    public async Task Should_lose_and_repeat_nothing_across_rename_and_copytruncate_rotations()
    {
        await using var queue = await Consumer();
        Append(0, 400);
        using var collector = Collector(new() { ["Collector:RotationGrace"] = "00:00:00.300" });
        await collector.StartAsync();
        Assert.Equal(400, (await Receive(queue, 400)).Count);

        // logrotate "create": rename, the writer finishes the old file, a new one takes the name.
        File.Move(_run.Log, _run.Log + ".1");
        Append(_run.Log + ".1", 400, 100);
        Append(500, 300);
        var renamed = await Receive(queue, 400);
        var expectedRenamed = Expected(File.ReadAllBytes(_run.Log + ".1")).Skip(400).Concat(Expected()).ToList();
        Assert.Equal(expectedRenamed.Order(StringComparer.Ordinal), renamed.Select(r => r.Id).Order(StringComparer.Ordinal));

        // logrotate "copytruncate": the content is copied away and the same file emptied, then written again.
        File.Copy(_run.Log, _run.Log + ".2");
        using (new FileStream(_run.Log, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
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
        await using var queue = await Consumer();
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
        await using var queue = await Consumer();
        Append(0, 300);
        using var collector = Collector();
        await collector.StartAsync();
        Assert.Equal(300, (await Receive(queue, 300)).Count);

        RabbitMqVirtualHost.Broker("stop_app");
        try
        {
            Append(300, 400);
            // Long enough for several publishes to fail and the batches to go to the spool.
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.True(Directory.EnumerateFiles(Path.Combine(_run.State, "spool"), "*.seg").Any(f => new FileInfo(f).Length > 0),
                "batches waited in the spool");
        }
        finally
        {
            RabbitMqVirtualHost.Broker("start_app");
        }
        await queue.ReconnectAsync();
        var after = await Receive(queue, 400);
        await collector.StopAsync();
        var expected = Expected().Skip(300).ToList();
        Assert.Empty(expected.Except(after.Select(a => a.Id)));
        Assert.Equal(expected.Count, after.Select(a => a.Id).Distinct().Count());
    }

    [Fact]
    public async Task Should_lose_nothing_when_the_collector_process_is_killed_and_started_again()
    {
        await using var queue = await Consumer();
        var config = Path.Combine(_run.Directory, "collector.yaml");
        File.WriteAllText(config, $"""
            Collector:
              Host: it-host
              TimeZone: UTC
              Files:
                - {_run.Log}
              StartAtEnd: false
              StateDirectory: {_run.State}
              PollInterval: "00:00:00.020"
              Batch:
                MaxDelay: "00:00:00.050"
                MaxEvents: 200
              RequiredQueues:
                - {CollectorRun.TestQueue}
              RabbitMq:
                VirtualHost: {_run.VirtualHost.Name}
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
            Event = new EventFields { Id = Guid.NewGuid().ToString(), Action = "ssh_run.Login_failed", Outcome = "failure", Category = ["authentication"], Dataset = "auth" },
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
