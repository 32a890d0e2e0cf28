namespace LogSentinel.Collector.Publishing;

/// <summary>Asks the transport which of the queues the collector publishes for do not exist.</summary>
public interface IConsumerQueueCheck
{
    /// <summary>The queues of <paramref name="queues"/> that do not exist, in the given order; throws when it cannot tell.</summary>
    Task<IReadOnlyList<string>> FindMissingAsync(IReadOnlyList<string> queues, CancellationToken cancellation);

    /// <summary>
    /// Raised when the connection the last check used has gone (the broker restarted, the network broke): what that
    /// check found may no longer hold.
    /// </summary>
    event Action? ConnectionLost;
}
