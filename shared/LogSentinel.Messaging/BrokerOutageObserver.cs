using MassTransit;

namespace LogSentinel.Messaging;

/// <summary>
/// What MassTransit tells about the connection, passed to <see cref="BrokerOutageLog"/>: its receive endpoints
/// fault while the broker is unreachable and report ready once they receive again (what its health checks watch);
/// sends and publishes (separate observers in MassTransit) say the same for a service that only publishes (the
/// collector has no receive endpoint).
/// </summary>
public sealed class BrokerOutageObserver(BrokerOutageLog log) : IReceiveEndpointObserver, ISendObserver, IPublishObserver
{
    public Task Ready(ReceiveEndpointReady ready)
    {
        log.EndpointReady(ready.InputAddress);
        return Task.CompletedTask;
    }

    public Task Faulted(ReceiveEndpointFaulted faulted)
    {
        log.EndpointFaulted(faulted.InputAddress, faulted.Exception);
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task PreSend<T>(SendContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostSend<T>(SendContext<T> context)
        where T : class
    {
        log.SendSucceeded(context.DestinationAddress);
        return Task.CompletedTask;
    }

    public Task SendFault<T>(SendContext<T> context, Exception exception)
        where T : class
    {
        log.SendFaulted(context.DestinationAddress, exception);
        return Task.CompletedTask;
    }

    public Task PrePublish<T>(PublishContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class
    {
        log.SendSucceeded(context.DestinationAddress);
        return Task.CompletedTask;
    }

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class
    {
        log.SendFaulted(context.DestinationAddress, exception);
        return Task.CompletedTask;
    }
}
