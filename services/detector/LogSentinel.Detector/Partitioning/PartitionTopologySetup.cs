using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.Detector.Partitioning;

/// <summary>
/// At start, before the bus: the partition queues and the state store's tables exist. Waits for the broker and the
/// database (a replica started before them starts when they come), saying so once.
/// </summary>
public sealed partial class PartitionTopologySetup(State.IPartitionStore store, IOptions<DetectorOptions> options, ILogger<PartitionTopologySetup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await PartitionQueues.DeclareAsync(options.Value, cancellationToken).ConfigureAwait(false);
                await store.EnsureCreatedAsync(Dimensions.AllPartitions, cancellationToken).ConfigureAwait(false);
                if (attempt > 0)
                    Ready(logger);
                return;
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                if (attempt == 0)
                    Waiting(logger, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, 1 << Math.Min(attempt, 3))), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for RabbitMQ and the state store to declare the partition queues and tables: {Reason}")]
    private static partial void Waiting(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition queues and state tables ready")]
    private static partial void Ready(ILogger logger);
}
