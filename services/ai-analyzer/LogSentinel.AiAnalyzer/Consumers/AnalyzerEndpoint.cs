using MassTransit;

namespace LogSentinel.AiAnalyzer.Consumers;

/// <summary>
/// Both analyzer queues: a message waits for the worker's next save (a fraction of a second) before it is
/// acknowledged, so many wait at once; a short retry covers a worker that is just starting or stopping.
/// </summary>
internal static class AnalyzerEndpoint
{
    public const int WaitingMessages = 256;

    public static void Configure(IReceiveEndpointConfigurator endpoint)
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.PrefetchCount = WaitingMessages;
        endpoint.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)));
    }
}
