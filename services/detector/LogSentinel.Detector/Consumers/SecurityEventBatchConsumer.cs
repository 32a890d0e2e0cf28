using LogSentinel.Contracts;
using LogSentinel.Detector.Partitioning;
using LogSentinel.Detector.Rules;
using LogSentinel.Detector.Telemetry;
using MassTransit;

namespace LogSentinel.Detector.Consumers;

/// <summary>
/// Takes the collectors' batches (one shared queue, any replica) and republishes their events into the detector's
/// partitioned streams. The message is acknowledged once the broker confirmed every keyed batch.
/// </summary>
public sealed class SecurityEventBatchConsumer(RuleSetProvider rules, DetectorMetrics metrics) : IConsumer<SecurityEventBatch>
{
    public async Task Consume(ConsumeContext<SecurityEventBatch> context)
    {
        var routed = EventRouter.Route(context.Message, rules.Current);
        await Task.WhenAll(routed.Select(b => context.Publish(b, context.CancellationToken))).ConfigureAwait(false);
        metrics.EventsRouted.Add(routed.Sum(b => (long)b.Events.Count));
    }
}

public sealed class SecurityEventBatchConsumerDefinition : ConsumerDefinition<SecurityEventBatchConsumer>
{
    public const string Queue = "logsentinel-detector-ingest";

    public SecurityEventBatchConsumerDefinition()
    {
        EndpointName = Queue;
        ConcurrentMessageLimit = 16;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<SecurityEventBatchConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)));
    }
}
