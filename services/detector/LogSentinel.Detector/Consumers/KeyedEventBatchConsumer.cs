using LogSentinel.Contracts;
using LogSentinel.Detector.Pipeline;
using MassTransit;

namespace LogSentinel.Detector.Consumers;

/// <summary>
/// Hands a partitioned batch to this replica's evaluation loop and acknowledges it once its events were evaluated
/// and the alerts they raised were published.
/// </summary>
public sealed class KeyedEventBatchConsumer(DetectionWorker worker) : IConsumer<KeyedEventBatch>
{
    public Task Consume(ConsumeContext<KeyedEventBatch> context) => worker.SubmitAsync(context.Message, context.CancellationToken);
}
