using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogSentinel.AiAnalyzer.Consumers;

/// <summary>
/// Both analyzer queues: a message waits for the worker's next save (a fraction of a second) before it is
/// acknowledged, so many wait at once; a short retry covers a worker that is just starting or stopping. Without
/// saving (the single-process scan) nothing waits, and a few at a time keep up: every idle consumer is woken for
/// each message, so hundreds of them cost more than they give.
/// </summary>
internal static class AnalyzerEndpoint
{
    public const int WaitingMessages = 256;

    public const int UnsavedMessages = 8;

    public static void Configure(IReceiveEndpointConfigurator endpoint, IRegistrationContext context)
    {
        if (!context.GetRequiredService<IOptions<AiAnalyzerOptions>>().Value.SaveState)
            endpoint.ConcurrentMessageLimit = UnsavedMessages;
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.PrefetchCount = WaitingMessages;
        endpoint.UseMessageRetry(r => r.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200)));
    }
}
