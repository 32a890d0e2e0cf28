using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogSentinel.Indexer.Consumers;

/// <summary>
/// Batching by time and count (MessagesPerBatch within BatchDelay), and what happens while a store is down: the
/// batch is retried with back-off, unacknowledged, for up to about 18 minutes (under RabbitMQ's 30-minute consumer
/// timeout); then it goes to the queue's error queue, never dropped.
/// </summary>
internal static class RecordBatching
{
    public static readonly TimeSpan[] RetryIntervals =
        [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5)];

    public static void Configure<T>(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<T> consumer, IRegistrationContext context)
        where T : class
    {
        var options = context.GetRequiredService<IOptions<IndexerOptions>>().Value;
        consumer.Options<BatchOptions>(o => o.SetMessageLimit(options.MessagesPerBatch).SetTimeLimit(options.BatchDelay).SetConcurrencyLimit(2));
        endpoint.UseMessageRetry(r => r.Intervals(RetryIntervals));
    }
}

public sealed class EventBatchConsumerDefinition : ConsumerDefinition<EventBatchConsumer>
{
    public EventBatchConsumerDefinition() => EndpointName = "logsentinel-indexer-events";

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<EventBatchConsumer> consumerConfigurator, IRegistrationContext context) =>
        RecordBatching.Configure(endpointConfigurator, consumerConfigurator, context);
}

public sealed class AlertBatchConsumerDefinition : ConsumerDefinition<AlertBatchConsumer>
{
    public AlertBatchConsumerDefinition() => EndpointName = "logsentinel-indexer-alerts";

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<AlertBatchConsumer> consumerConfigurator, IRegistrationContext context) =>
        RecordBatching.Configure(endpointConfigurator, consumerConfigurator, context);
}

public sealed class AnalysisBatchConsumerDefinition : ConsumerDefinition<AnalysisBatchConsumer>
{
    public AnalysisBatchConsumerDefinition() => EndpointName = "logsentinel-indexer-analyses";

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<AnalysisBatchConsumer> consumerConfigurator, IRegistrationContext context) =>
        RecordBatching.Configure(endpointConfigurator, consumerConfigurator, context);
}
