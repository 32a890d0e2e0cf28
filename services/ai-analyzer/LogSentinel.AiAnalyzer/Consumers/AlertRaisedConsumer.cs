using LogSentinel.AiAnalyzer.Pipeline;
using LogSentinel.Contracts;
using MassTransit;

namespace LogSentinel.AiAnalyzer.Consumers;

/// <summary>The detector's alerts into the windows of the hosts they concern.</summary>
public sealed class AlertRaisedConsumer(AnalyzerWorker worker) : IConsumer<AlertRaised>
{
    public Task Consume(ConsumeContext<AlertRaised> context) => worker.SubmitAsync(context.Message, context.CancellationToken);
}

public sealed class AlertRaisedConsumerDefinition : ConsumerDefinition<AlertRaisedConsumer>
{
    public const string Queue = "logsentinel-ai-analyzer-alerts";

    public AlertRaisedConsumerDefinition()
    {
        EndpointName = Queue;
        ConcurrentMessageLimit = AnalyzerEndpoint.WaitingMessages;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<AlertRaisedConsumer> consumerConfigurator, IRegistrationContext context)
        => AnalyzerEndpoint.Configure(endpointConfigurator, context);
}
