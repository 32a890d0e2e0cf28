using LogSentinel.AiAnalyzer.Pipeline;
using LogSentinel.Contracts;
using MassTransit;

namespace LogSentinel.AiAnalyzer.Consumers;

/// <summary>Collectors' batches into the windows; acknowledged once the analyzer saved them.</summary>
public sealed class EventBatchConsumer(AnalyzerWorker worker) : IConsumer<SecurityEventBatch>
{
    public Task Consume(ConsumeContext<SecurityEventBatch> context) => worker.SubmitAsync(context.Message, context.CancellationToken);
}

public sealed class EventBatchConsumerDefinition : ConsumerDefinition<EventBatchConsumer>
{
    public const string Queue = "logsentinel-ai-analyzer-events";

    public EventBatchConsumerDefinition()
    {
        EndpointName = Queue;
        // Each message waits for the next save (a fraction of a second): many may wait at once.
        ConcurrentMessageLimit = 256;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<EventBatchConsumer> consumerConfigurator, IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.PrefetchCount = ConcurrentMessageLimit ?? 256;
        endpointConfigurator.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)));
    }
}
