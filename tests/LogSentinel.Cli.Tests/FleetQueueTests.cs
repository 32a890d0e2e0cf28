using System.Reflection;
using LogSentinel.Collector;
using LogSentinel.Contracts;
using MassTransit;

namespace LogSentinel.Cli.Tests;

/// <summary>
/// The collector publishes only while the queues it requires exist (Collector:RequiredQueues): its defaults must be
/// the queues of the fleet's consumers of its batches, or a collector waits for a queue no service declares, or
/// publishes while a consumer is missing. The collector references no service, so its list is held to theirs here.
/// </summary>
public sealed class FleetQueueTests
{
    private static readonly Assembly[] Services =
    [
        typeof(Detector.Consumers.SecurityEventBatchConsumer).Assembly,
        typeof(Indexer.Consumers.EventBatchConsumer).Assembly,
        typeof(AiAnalyzer.Consumers.EventBatchConsumer).Assembly,
        typeof(Notifier.NotifierOptions).Assembly,
    ];

    private static bool ConsumesBatches(Type consumer) => consumer.GetInterfaces().Any(i =>
        i == typeof(IConsumer<SecurityEventBatch>) || i == typeof(IConsumer<Batch<SecurityEventBatch>>));

    [Fact]
    public void Should_require_the_queue_of_every_service_that_consumes_the_collectors_batches()
    {
        var queues = Services.SelectMany(a => a.GetTypes())
            .Where(t => !t.IsAbstract && t.BaseType is { IsGenericType: true } b && b.GetGenericTypeDefinition() == typeof(ConsumerDefinition<>)
                && ConsumesBatches(b.GetGenericArguments()[0]))
            .Select(t => ((IConsumerDefinition)Activator.CreateInstance(t)!).GetEndpointName(DefaultEndpointNameFormatter.Instance))
            .Order(StringComparer.Ordinal);

        Assert.Equal(CollectorOptions.DefaultRequiredQueues.Order(StringComparer.Ordinal), queues);
    }
}
