using LogSentinel.Contracts;
using LogSentinel.Messaging;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.Collector.Publishing;

/// <summary>
/// Publishes through MassTransit on RabbitMQ with publisher confirms: the publish completes when the broker has
/// the message. A publish that fails or takes longer than the timeout counts as not delivered. Batches are
/// published mandatory: one no queue is bound for comes back (basic.return, which MassTransit turns into
/// <see cref="MessageReturnedException"/>) instead of being dropped and confirmed, and counts as not delivered too.
/// The worker only publishes while the <see cref="ConsumerQueueGate"/> is open; this is the net under it, for a
/// queue deleted or unbound between two checks.
/// </summary>
/// <param name="outage">The fleet's broker outage log (<see cref="BusDefaults.AddRabbitMqDefaults"/>): the first
/// failed publish of an outage is logged there, once, and each spooled batch only at Debug. Without it (the
/// single-process `watch`, on the in-memory bus) every failure is a warning of its own.</param>
public sealed partial class BusBatchSink(IBus bus, ConsumerQueueGate gate, IOptions<CollectorOptions> options, ILogger<BusBatchSink> logger, BrokerOutageLog? outage = null) : IBatchSink
{
    public async Task<bool> TryPublishAsync(SecurityEventBatch batch, CancellationToken cancellation)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        timeout.CancelAfter(options.Value.Publish.Timeout);
        try
        {
            await bus.Publish(batch, Configure, timeout.Token).ConfigureAwait(false);
            gate.Delivered();
            return true;
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested && IsReturn(e))
        {
            // The gate logs this once; every batch of a flush comes back alike.
            gate.Unroutable();
            return false;
        }
        catch (Exception e) when (!cancellation.IsCancellationRequested)
        {
            // MassTransit waits inside the publish while the broker is away: the timeout is what ends it then.
            var reason = timeout.IsCancellationRequested ? $"no confirmation of a publish within {options.Value.Publish.Timeout}" : e.Message;
            if (outage is null)
                PublishFailed(logger, batch.BatchId, reason);
            else
            {
                outage.PublishFailed(bus.Address, reason);
                Spooled(logger, batch.BatchId, reason);
            }
            // The broker may be away or back on a new connection: its queues are checked again before they are trusted.
            gate.RequestCheck();
            return false;
        }
    }

    private static void Configure(PublishContext<SecurityEventBatch> context)
    {
        context.UseEventStream();
        // On the in-memory bus (single process) there is no RabbitMQ context and nothing to return.
        if (context.TryGetPayload<RabbitMqSendContext>(out var rabbit))
            rabbit.Mandatory = true;
    }

    private static bool IsReturn(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is MessageReturnedException)
                return true;
        }
        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing batch {BatchId} failed, it goes to the spool: {Reason}")]
    private static partial void PublishFailed(ILogger logger, string batchId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Batch {BatchId} goes to the spool: {Reason}")]
    private static partial void Spooled(ILogger logger, string batchId, string reason);
}
