using LogSentinel.Contracts;
using LogSentinel.Detector.Partitioning;
using LogSentinel.Detector.Rules;
using LogSentinel.Detector.Telemetry;
using LogSentinel.Messaging;
using MassTransit;

namespace LogSentinel.Detector.Consumers;

/// <summary>
/// Takes the collectors' batches (one shared queue, any replica), a few at a time, and republishes their events into
/// the detector's partitioned streams. The messages are acknowledged once the broker confirmed every keyed batch;
/// a batch routed again after a crash gives the same segment ids, which the partition's owner recognises.
/// </summary>
public sealed class SecurityEventBatchConsumer(RuleSetProvider rules, DetectorMetrics metrics) : IConsumer<Batch<SecurityEventBatch>>
{
    public async Task Consume(ConsumeContext<Batch<SecurityEventBatch>> context)
    {
        var batches = new SecurityEventBatch[context.Message.Length];
        for (var i = 0; i < batches.Length; i++)
            batches[i] = context.Message[i].Message;
        var routed = EventRouter.Route(batches, rules.Current);
        await Task.WhenAll(routed.Select(b => context.Publish(b, c => c.UseEventStream(), context.CancellationToken))).ConfigureAwait(false);
        metrics.EventsRouted.Add(routed.Sum(b => b.Segments.Sum(s => (long)s.Events.Count)));
    }
}

public sealed class SecurityEventBatchConsumerDefinition : ConsumerDefinition<SecurityEventBatchConsumer>
{
    public const string Queue = "logsentinel-detector-ingest";

    /// <summary>
    /// Collector batches routed together. Each routing publishes one message per partition touched: routing many
    /// batches at once makes those messages large and few, which is what the broker's publisher confirms need.
    /// </summary>
    public const int BatchesPerRouting = 64;

    public SecurityEventBatchConsumerDefinition()
    {
        EndpointName = Queue;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<SecurityEventBatchConsumer> consumerConfigurator, IRegistrationContext context)
    {
        consumerConfigurator.Options<BatchOptions>(o => o
            .SetMessageLimit(BatchesPerRouting)
            .SetTimeLimit(TimeSpan.FromMilliseconds(20))
            .SetConcurrencyLimit(4));
        endpointConfigurator.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)));
    }
}
