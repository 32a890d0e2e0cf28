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
        ConcurrentMessageLimit = 256;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<AlertRaisedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.PrefetchCount = ConcurrentMessageLimit ?? 256;
        endpointConfigurator.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)));
    }
}
