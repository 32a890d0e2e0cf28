using LogSentinel.Contracts;
using LogSentinel.Notifier.Policy;
using MassTransit;

namespace LogSentinel.Notifier.Consumers;

public sealed class AlertRaisedConsumer(NotificationDispatcher dispatcher) : IConsumer<AlertRaised>
{
    public Task Consume(ConsumeContext<AlertRaised> context) => dispatcher.HandleAsync(context.Message, context.CancellationToken);
}

public sealed class AlertRaisedConsumerDefinition : ConsumerDefinition<AlertRaisedConsumer>
{
    public AlertRaisedConsumerDefinition()
    {
        EndpointName = "logsentinel-notifier-alerts";
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<AlertRaisedConsumer> consumerConfigurator, IRegistrationContext context) =>
        NotifierRetry.Configure(endpointConfigurator, context);
}
