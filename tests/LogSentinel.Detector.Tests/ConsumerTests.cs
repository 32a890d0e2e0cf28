using LogSentinel.Contracts;
using LogSentinel.Detector.Consumers;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static LogSentinel.Detector.Tests.Events;

namespace LogSentinel.Detector.Tests;

/// <summary>The consumers on MassTransit's test harness (in-memory transport), wired by the service's own registration.</summary>
public sealed class ConsumerTests
{
    private static ServiceProvider Services(Dictionary<string, string?>? settings = null) =>
        new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Detector:Rules"] = Engine.DefaultRules,
                ["Detector:Lateness"] = "00:00:00.050",
            }).AddInMemoryCollection(settings ?? []).Build())
            .AddLogging()
            .AddDetector()
            .AddMassTransitTestHarness(bus =>
            {
                bus.AddDetectorConsumers();
                bus.UsingInMemory((context, cfg) =>
                {
                    cfg.ConfigureDetectorPartitionEndpoint(context);
                    cfg.ConfigureEndpoints(context);
                });
            })
            .BuildServiceProvider(true);

    [Fact]
    public async Task Should_route_a_collector_batch_and_publish_an_alert_without_faults()
    {
        await using var provider = Services();
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        var events = Enumerable.Range(0, 6).Select(i => SshFailed(T0.AddSeconds(i), "203.0.113.45")).ToArray();
        await harness.Bus.Publish(new SecurityEventBatch { BatchId = "web-01:0", Host = "web-01", RoutingKey = "p00", Events = events });

        Assert.True(await harness.GetConsumerHarness<SecurityEventBatchConsumer>().Consumed.Any<Batch<SecurityEventBatch>>());
        Assert.True(await harness.GetConsumerHarness<KeyedEventBatchConsumer>().Consumed.Any<KeyedEventBatch>());
        Assert.True(await harness.Published.Any<AlertRaised>(x => x.Context.Message.RuleId == "ssh-brute-force-fast"));
        Assert.False(await harness.Published.Any<Fault<SecurityEventBatch>>());
        Assert.False(await harness.Published.Any<Fault<KeyedEventBatch>>());
        var alert = harness.Published.Select<AlertRaised>().Select(x => x.Context.Message).First(a => a.RuleId == "ssh-brute-force-fast");
        Assert.Equal(("203.0.113.45", 6L), (alert.Offender, alert.Count));
    }

    [Fact]
    public async Task Should_drop_and_count_an_event_dated_far_ahead_of_the_clock_without_disturbing_the_others()
    {
        await using var provider = Services();
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var future = SshFailed(DateTime.UtcNow.AddDays(400), "198.51.100.200");
        var events = Enumerable.Range(0, 5).Select(i => SshFailed(T0.AddSeconds(i), "203.0.113.47")).Prepend(future).ToArray();

        await harness.Bus.Publish(new SecurityEventBatch { BatchId = "web-01:9", Host = "web-01", RoutingKey = "p00", Events = events });

        Assert.True(await harness.Published.Any<AlertRaised>(x => x.Context.Message.Offender == "203.0.113.47"));
        // Once per partitioned stream that carries it: source, user and host rules may all count a failed login.
        Assert.Equal(3, provider.GetRequiredService<Pipeline.DetectionWorker>().EventsDropped);
        Assert.False(await harness.Published.Any<Fault<KeyedEventBatch>>());
    }

    [Fact]
    public async Task Should_not_alert_twice_when_a_batch_is_redelivered()
    {
        await using var provider = Services();
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var events = Enumerable.Range(0, 6).Select(i => SshFailed(T0.AddSeconds(i), "203.0.113.46")).ToArray();
        var batch = new SecurityEventBatch { BatchId = "web-01:7", Host = "web-01", RoutingKey = "p00", Events = events };

        await harness.Bus.Publish(batch);
        await harness.Bus.Publish(batch);

        Assert.True(await harness.Published.Any<AlertRaised>(x => x.Context.Message.RuleId == "ssh-brute-force-fast"));
        Assert.True(await harness.GetConsumerHarness<KeyedEventBatchConsumer>().Consumed.Any<KeyedEventBatch>());
        await Task.Delay(500);
        // Each rule that fired did so once: the second delivery was recognised by its batch id, not counted again.
        var published = harness.Published.Select<AlertRaised>().Select(x => x.Context.Message).ToArray();
        Assert.All(published.GroupBy(a => a.RuleId), g => Assert.Single(g));
        var offline = Engine.Run(File.ReadAllText(Path.Combine(Engine.DefaultRules, "default.yaml")), events, close: false);
        Assert.Equal(offline.Select(a => a.AlertId).Order(), published.Select(a => a.AlertId).Order());
    }

    [Fact]
    public async Task Should_give_every_open_alert_its_final_revision_at_the_end_of_the_input()
    {
        await using var provider = Services();
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var events = Enumerable.Range(0, 7).Select(i => SshFailed(T0.AddSeconds(i), "203.0.113.48")).ToArray();
        await harness.Bus.Publish(new SecurityEventBatch { BatchId = "web-01:11", Host = "web-01", RoutingKey = "p00", Events = events });
        Assert.True(await harness.Published.Any<AlertRaised>(x => x.Context.Message.Offender == "203.0.113.48"));
        Assert.False(await harness.Published.Any<AlertRaised>(x => x.Context.Message.Final));

        await provider.GetRequiredService<Pipeline.DetectionWorker>().CloseAllAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        // Published before CloseAllAsync completes: a run over a finite log knows its alerts are all out.
        var finals = harness.Published.Select<AlertRaised>().Select(x => x.Context.Message).Where(a => a.Final && a.Offender == "203.0.113.48").ToList();
        Assert.Contains(finals, a => a.RuleId == "ssh-brute-force" && a.Count == 7);
    }

    [Fact]
    public async Task Should_evaluate_a_released_stretch_in_event_time_order_however_it_arrived()
    {
        // As the single-process scan runs it: acknowledged on receipt, evaluated when the stretch is complete.
        await using var provider = Services(new() { ["Detector:Lateness"] = "00:05:00", ["Detector:AcknowledgeOnReceipt"] = "true" });
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var worker = provider.GetRequiredService<Pipeline.DetectionWorker>();
        // The later half of a brute force arrives first.
        var late = Enumerable.Range(3, 3).Select(i => SshFailed(T0.AddSeconds(i), "203.0.113.49")).ToArray();
        var early = Enumerable.Range(0, 3).Select(i => SshFailed(T0.AddSeconds(i), "203.0.113.49")).ToArray();
        await harness.Bus.Publish(new SecurityEventBatch { BatchId = "web-01:20", Host = "web-01", RoutingKey = "p00", Events = late });
        await harness.Bus.Publish(new SecurityEventBatch { BatchId = "web-01:21", Host = "web-01", RoutingKey = "p00", Events = early });
        // Both routed, and every partitioned batch handed to the worker: the stretch is complete.
        var complete = false;
        for (var waited = 0; waited < 200 && !complete; waited++)
        {
            var routed = harness.Consumed.Select<SecurityEventBatch>().Count();
            complete = routed == 2 && harness.Consumed.Select<KeyedEventBatch>().Count() == harness.Published.Select<KeyedEventBatch>().Count();
            if (!complete)
                await Task.Delay(50);
        }
        Assert.True(complete, "the two batches were not routed and handed over within 10 s");
        Assert.Equal(0, worker.EventsEvaluated);

        await worker.ReleaseBufferedAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(0, worker.EventsLate);
        var alert = harness.Published.Select<AlertRaised>().Select(x => x.Context.Message).First(a => a.RuleId == "ssh-brute-force" && a.Offender == "203.0.113.49");
        Assert.Equal(T0, alert.WindowStart);
        Assert.Equal(5, alert.Count);
    }
}
