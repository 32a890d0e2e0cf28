using System.Globalization;
using System.Text.RegularExpressions;

namespace LogSentinel.Collector.Tests;

/// <summary>
/// No batch published into the void: RabbitMQ confirms a batch no queue is bound for and drops it, so the collector
/// publishes only while the consumers' queues exist, and keeps everything in its spool until they do.
/// </summary>
[Collection(RabbitMqTests.Name)]
public sealed partial class ConsumerQueueTests : IDisposable
{
    private static readonly IReadOnlyList<string> Fleet = CollectorOptions.DefaultRequiredQueues;

    private readonly CollectorRun _run = new();

    public void Dispose() => _run.Dispose();

    /// <summary>The fleet's queues as the collector requires them by default: no RequiredQueues setting.</summary>
    private static Dictionary<string, string?> FleetDefaults => new() { ["Collector:RequiredQueues:0"] = null };

    private Task<RabbitMqQueue> Declare(string name, bool bind = true) => RabbitMqQueue.DeclareAsync(_run.VirtualHost.Name, name, bind);

    [GeneratedRegex("; (\\d+) batches spooled$")]
    private static partial Regex SpooledCount();

    private static int Spooled(string health) =>
        SpooledCount().Match(health) is { Success: true } m ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;

    /// <summary>Every event exactly once on the queue, in order within each partition.</summary>
    private static async Task AssertEveryEventOnce(RabbitMqQueue queue, List<string> expected)
    {
        var received = await CollectorRun.Receive(queue, expected.Count);
        Assert.Equal(expected.Order(StringComparer.Ordinal), received.Select(r => r.Id).Order(StringComparer.Ordinal));
        foreach (var partition in received.GroupBy(r => r.RoutingKey))
            Assert.True(partition.Select(r => r.Offset).SequenceEqual(partition.Select(r => r.Offset).Order()), $"partition {partition.Key} out of order");
    }

    [Fact]
    public async Task Should_keep_every_event_while_no_consumer_queue_exists_and_deliver_each_once_when_the_queues_appear()
    {
        // Bound to the batch exchange but not required: it sees whatever the collector publishes.
        await using var spy = await Declare("logsentinel-test-spy");
        _run.Append(0, 300);
        using var collector = _run.Collector(FleetDefaults);
        await collector.StartAsync();

        var waitingFor = "degraded: waiting for consumer queues: " + string.Join(", ", Fleet);
        var first = await _run.HealthAsync(s => s.StartsWith(waitingFor, StringComparison.Ordinal) && Spooled(s) > 0);
        Assert.StartsWith(waitingFor, first, StringComparison.Ordinal);
        // Lines written while waiting join the spool behind the first ones.
        _run.Append(300, 200);
        var later = await _run.HealthAsync(s => Spooled(s) > Spooled(first));
        Assert.True(Spooled(later) > Spooled(first), $"new batches spooled while waiting: {first} -> {later}");
        Assert.Empty(await spy.TakeAsync());

        // The `health` command tells an operator what the collector waits for.
        var config = Path.Combine(_run.Directory, "collector.yaml");
        File.WriteAllText(config, $"Collector:\n  StateDirectory: {_run.State}\n");
        var (exit, output) = HealthCommandTests.Health(config);
        Assert.Equal(0, exit);
        Assert.StartsWith(waitingFor, output, StringComparison.Ordinal);

        // The central services start: their queues appear, declared as their receive endpoints declare them.
        var queues = new List<RabbitMqQueue>();
        try
        {
            foreach (var name in Fleet)
                queues.Add(await Declare(name));
            var expected = _run.Expected();
            Assert.Equal(500, expected.Count);
            foreach (var queue in queues.Append(spy))
                await AssertEveryEventOnce(queue, expected);
            Assert.Equal("ok", await _run.HealthAsync(s => s == "ok"));
        }
        finally
        {
            await collector.StopAsync();
            foreach (var queue in queues)
                await queue.DisposeAsync();
        }
    }

    [Fact]
    public async Task Should_deliver_each_event_once_when_the_collector_restarts_while_waiting()
    {
        // The checkpoint moves past lines once their batches are in the spool (on disk, flushed): a restart neither
        // loses them nor reads them again.
        _run.Append(0, 300);
        using (var first = _run.Collector(FleetDefaults))
        {
            await first.StartAsync();
            var health = await _run.HealthAsync(s => Spooled(s) > 0);
            Assert.True(Spooled(health) > 0, health);
            await first.StopAsync();
        }
        _run.Append(300, 200);
        using var second = _run.Collector(FleetDefaults);
        await second.StartAsync();
        var queues = new List<RabbitMqQueue>();
        try
        {
            foreach (var name in Fleet)
                queues.Add(await Declare(name));
            var expected = _run.Expected();
            foreach (var queue in queues)
                await AssertEveryEventOnce(queue, expected);
        }
        finally
        {
            await second.StopAsync();
            foreach (var queue in queues)
                await queue.DisposeAsync();
        }
    }

    [Fact]
    public async Task Should_publish_nothing_while_one_of_several_consumer_queues_is_missing()
    {
        await using var detector = await Declare(Fleet[0]);
        await using var indexer = await Declare(Fleet[1]);
        _run.Append(0, 300);
        using var collector = _run.Collector(FleetDefaults);
        await collector.StartAsync();

        var waitingFor = $"degraded: waiting for consumer queues: {Fleet[2]};";
        var health = await _run.HealthAsync(s => s.StartsWith(waitingFor, StringComparison.Ordinal) && Spooled(s) > 0);
        Assert.StartsWith(waitingFor, health, StringComparison.Ordinal);
        Assert.Empty(await detector.TakeAsync());
        Assert.Empty(await indexer.TakeAsync());

        await using var analyzer = await Declare(Fleet[2]);
        var expected = _run.Expected();
        foreach (var queue in new[] { detector, indexer, analyzer })
            await AssertEveryEventOnce(queue, expected);
        await collector.StopAsync();
    }

    [Fact]
    public async Task Should_count_a_batch_returned_as_unroutable_as_not_delivered()
    {
        // The queue exists, so the check passes, but nothing routes batches to it: the mandatory publish comes back.
        await using var queue = await Declare(CollectorRun.TestQueue, bind: false);
        _run.Append(0, 300);
        // Returned retries back off to the check interval: a short one, so the test does not wait 30 s.
        using var collector = _run.Collector(new() { ["Collector:Publish:QueueCheckInterval"] = "00:00:01" });
        await collector.StartAsync();

        var unroutable = "degraded: batches unroutable";
        var health = await _run.HealthAsync(s => s.StartsWith(unroutable, StringComparison.Ordinal) && Spooled(s) > 0);
        Assert.StartsWith(unroutable, health, StringComparison.Ordinal);

        await queue.BindAsync();
        await AssertEveryEventOnce(queue, _run.Expected());
        Assert.Equal("ok", await _run.HealthAsync(s => s == "ok"));
        await collector.StopAsync();
    }
}
