using LogSentinel.Contracts;
using LogSentinel.Notifier.Policy;
using MassTransit;

namespace LogSentinel.Notifier.Consumers;

public sealed class WindowAnalyzedConsumer(NotificationDispatcher dispatcher) : IConsumer<WindowAnalyzed>
{
    public Task Consume(ConsumeContext<WindowAnalyzed> context) => dispatcher.HandleAsync(context.Message, context.CancellationToken);
}

public sealed class WindowAnalyzedConsumerDefinition : ConsumerDefinition<WindowAnalyzedConsumer>
{
    public WindowAnalyzedConsumerDefinition()
    {
        EndpointName = "logsentinel-notifier-analyses";
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<WindowAnalyzedConsumer> consumerConfigurator, IRegistrationContext context) =>
        NotifierRetry.Configure(endpointConfigurator, context);
}
