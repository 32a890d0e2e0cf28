using LogSentinel.Contracts;

namespace LogSentinel.Collector.Publishing;

/// <summary>Where batches go: true only once the far side has them (the broker confirmed the publish).</summary>
public interface IBatchSink
{
    Task<bool> TryPublishAsync(SecurityEventBatch batch, CancellationToken cancellation);
}
