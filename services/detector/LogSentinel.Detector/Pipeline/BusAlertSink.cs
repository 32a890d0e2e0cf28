using LogSentinel.Contracts;
using MassTransit;

namespace LogSentinel.Detector.Pipeline;

/// <summary>Publishes alerts on the bus; with RabbitMQ publisher confirms, completion means the broker has them.</summary>
public sealed class BusAlertSink(IBus bus) : IAlertSink
{
    public Task PublishAsync(IReadOnlyList<AlertRaised> alerts, CancellationToken cancellation) =>
        Task.WhenAll(alerts.Select(a => bus.Publish(a, cancellation)));
}
