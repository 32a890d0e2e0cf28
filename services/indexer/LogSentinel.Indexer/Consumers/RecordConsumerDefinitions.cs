using System.Data.Common;
using LogSentinel.Indexer.Elasticsearch;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogSentinel.Indexer.Consumers;

/// <summary>
/// Batching by time and count (MessagesPerBatch within BatchDelay), and what happens when a store fails. A store
/// that is down or refusing for now (a database error, an unreachable or throttling Elasticsearch, credentials
/// being fixed): the batch is retried with back-off for as long as it takes, unacknowledged, so the messages stay in
/// the queue (RabbitMQ's consumer timeout, 30 minutes by default, hands them back to the queue and they come again).
/// Anything else (a record the stores will never take): to the queue's error queue at once, never dropped.
/// </summary>
internal static class RecordBatching
{
    public static bool StoreUnavailable(Exception e) => e switch
    {
        ElasticsearchException es => es.IsTransient,
        DbException or HttpRequestException or TimeoutException or IOException or System.Net.Sockets.SocketException => true,
        TaskCanceledException { InnerException: TimeoutException } => true,
        _ => e.InnerException is { } inner && StoreUnavailable(inner),
    };

    public static void Configure<T>(IReceiveEndpointConfigurator endpoint, IConsumerConfigurator<T> consumer, IRegistrationContext context)
        where T : class
    {
        var options = context.GetRequiredService<IOptions<IndexerOptions>>().Value;
        consumer.Options<BatchOptions>(o => o.SetMessageLimit(options.MessagesPerBatch).SetTimeLimit(options.BatchDelay).SetConcurrencyLimit(2));
        endpoint.UseMessageRetry(r =>
        {
            r.Handle<Exception>(StoreUnavailable);
            r.Exponential(int.MaxValue, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5), TimeSpan.FromSeconds(2));
        });
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
