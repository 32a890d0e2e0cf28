using LogSentinel.Cli.Composition;
using LogSentinel.Contracts;
using LogSentinel.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace LogSentinel.Cli.Tests;

/// <summary>
/// The single process's bus: MassTransit's in-memory transport with messages handed over as objects
/// (<see cref="InProcessSerializer"/>), and the flow counts that tell a scan when each stage is through.
/// </summary>
public sealed class InProcessBusTests
{
    public sealed class Seen
    {
        public System.Collections.Concurrent.ConcurrentBag<(string Consumer, SecurityEventBatch Batch)> Batches { get; } = [];

        public List<AlertRaised> Alerts { get; } = [];
    }

    public sealed class First(Seen seen) : IConsumer<SecurityEventBatch>
    {
        public Task Consume(ConsumeContext<SecurityEventBatch> context)
        {
            seen.Batches.Add(("first", context.Message));
            return Task.CompletedTask;
        }
    }

    public sealed class Second(Seen seen) : IConsumer<SecurityEventBatch>
    {
        public Task Consume(ConsumeContext<SecurityEventBatch> context)
        {
            seen.Batches.Add(("second", context.Message));
            return Task.CompletedTask;
        }
    }

    /// <summary>Fails twice, then takes the message: every attempt is recorded, the retry must see the same object.</summary>
    public sealed class Flaky(Seen seen) : IConsumer<AlertRaised>
    {
        public Task Consume(ConsumeContext<AlertRaised> context)
        {
            int attempt;
            lock (seen.Alerts)
            {
                seen.Alerts.Add(context.Message);
                attempt = seen.Alerts.Count;
            }
            if (attempt <= 2)
                throw new InvalidOperationException("not yet");
            return Task.CompletedTask;
        }
    }

    private static readonly CancellationTokenSource Timeout = new(TimeSpan.FromMinutes(2));

    private static AlertRaised Alert(string id) => new()
    {
        AlertId = id,
        RuleId = "ssh-brute-force",
        RuleType = "threshold",
        Description = "SSH brute force",
        Severity = "high",
        Offender = "203.0.113.45",
        Group = new Dictionary<string, string> { ["source.ip"] = "203.0.113.45" },
        Count = 5,
        Threshold = 5,
        Events = 5,
        WindowStart = new DateTime(2026, 3, 3, 9, 0, 0, DateTimeKind.Utc),
        WindowEnd = new DateTime(2026, 3, 3, 9, 1, 0, DateTimeKind.Utc),
        Hosts = ["bastion"],
        Users = ["root"],
        SourceIps = ["203.0.113.45"],
        SampleEventIds = [],
    };

    private static ServiceProvider Bus()
    {
        var services = new ServiceCollection();
        services.AddSingleton<Seen>();
        services.AddSingleton<MessageFlow>();
        services.AddMassTransit(bus =>
        {
            bus.AddConsumer<First>();
            bus.AddConsumer<Second>();
            bus.AddConsumer<Flaky>(c => c.UseMessageRetry(r => r.Immediate(3)));
            bus.UsingInMemory((context, cfg) =>
            {
                cfg.UseInProcessMessages();
                var flow = context.GetRequiredService<MessageFlow>();
                cfg.ConnectConsumeObserver(flow);
                cfg.ConnectPublishObserver(flow);
                cfg.ConfigureEndpoints(context);
            });
        });
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Should_hand_the_published_object_itself_to_every_subscriber()
    {
        await using var provider = Bus();
        var control = provider.GetRequiredService<IBusControl>();
        await control.StartAsync(Timeout.Token);
        try
        {
            var flow = provider.GetRequiredService<MessageFlow>();
            var batches = Enumerable.Range(0, 20).Select(i => new SecurityEventBatch { BatchId = "b" + i, Host = "h", RoutingKey = "r", Events = [] }).ToList();
            foreach (var batch in batches)
                // The event stream's own format is asked for, as the collector does: the in-process bus keeps the object.
                await control.Publish(batch, c => c.UseEventStream(), Timeout.Token);

            await flow.WaitAsync<SecurityEventBatch>(2, Timeout.Token).WaitAsync(TimeSpan.FromSeconds(10), Timeout.Token);

            var seen = provider.GetRequiredService<Seen>().Batches.ToList();
            Assert.Equal(40, seen.Count);
            foreach (var batch in batches)
            {
                Assert.Same(batch, Assert.Single(seen, s => s.Consumer == "first" && s.Batch.BatchId == batch.BatchId).Batch);
                Assert.Same(batch, Assert.Single(seen, s => s.Consumer == "second" && s.Batch.BatchId == batch.BatchId).Batch);
            }
            Assert.Equal(20, flow.Published<SecurityEventBatch>());
            Assert.Equal(40, flow.Done<SecurityEventBatch>());
            Assert.Equal(0, flow.InFlight<SecurityEventBatch>(2));
        }
        finally
        {
            await control.StopAsync(Timeout.Token);
        }
    }

    [Fact]
    public async Task Should_give_a_retried_message_its_object_again_and_count_it_done_once()
    {
        await using var provider = Bus();
        var control = provider.GetRequiredService<IBusControl>();
        await control.StartAsync(Timeout.Token);
        try
        {
            var flow = provider.GetRequiredService<MessageFlow>();
            var alert = Alert("a-1");

            await control.Publish(alert, Timeout.Token);
            await flow.WaitAsync<AlertRaised>(1, Timeout.Token).WaitAsync(TimeSpan.FromSeconds(10), Timeout.Token);

            var attempts = provider.GetRequiredService<Seen>().Alerts;
            Assert.Equal(3, attempts.Count);
            Assert.All(attempts, a => Assert.Same(alert, a));
            Assert.Equal(1, flow.Done<AlertRaised>());
            Assert.Empty(flow.Faults);
        }
        finally
        {
            await control.StopAsync(Timeout.Token);
        }
    }

    [Fact]
    public void Should_refuse_a_body_that_did_not_come_from_this_process()
    {
        var headers = new MassTransit.Serialization.DictionarySendHeaders(new Dictionary<string, object?>());
        var error = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => InProcessSerializer.Instance.Deserialize(new MassTransit.BytesMessageBody([1]), headers));
        Assert.Contains("only valid in the process", error.Message);
    }
}
