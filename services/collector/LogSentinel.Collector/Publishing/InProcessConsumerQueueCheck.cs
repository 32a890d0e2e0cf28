namespace LogSentinel.Collector.Publishing;

/// <summary>
/// On MassTransit's in-memory transport (the single-process `logsentinel watch`) the consumers are registered on the
/// same bus as the collector: their endpoints come and go with it, so no queue can be missing.
/// </summary>
public sealed class InProcessConsumerQueueCheck : IConsumerQueueCheck
{
    public Task<IReadOnlyList<string>> FindMissingAsync(IReadOnlyList<string> queues, CancellationToken cancellation) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public event Action? ConnectionLost
    {
        add { }
        remove { }
    }
}
