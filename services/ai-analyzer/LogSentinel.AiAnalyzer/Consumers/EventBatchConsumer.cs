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
        ConcurrentMessageLimit = AnalyzerEndpoint.WaitingMessages;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<EventBatchConsumer> consumerConfigurator, IRegistrationContext context)
        => AnalyzerEndpoint.Configure(endpointConfigurator, context);
}
