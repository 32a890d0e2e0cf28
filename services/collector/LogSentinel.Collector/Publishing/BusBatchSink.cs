using LogSentinel.Contracts;
using LogSentinel.Messaging;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.Collector.Publishing;

/// <summary>
/// Publishes through MassTransit on RabbitMQ with publisher confirms: the publish completes when the broker has
/// the message. A publish that fails or takes longer than the timeout counts as not delivered.
/// </summary>
public sealed partial class BusBatchSink(IBus bus, IOptions<CollectorOptions> options, ILogger<BusBatchSink> logger) : IBatchSink
{
    public async Task<bool> TryPublishAsync(SecurityEventBatch batch, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(options.Value.Publish.Timeout);
        try
        {
            await bus.Publish(batch, c => c.UseEventStream(), timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            PublishFailed(logger, batch.BatchId, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing batch {BatchId} failed, it goes to the spool: {Reason}")]
    private static partial void PublishFailed(ILogger logger, string batchId, string reason);
}
