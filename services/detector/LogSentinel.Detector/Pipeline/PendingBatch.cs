using LogSentinel.Contracts;

namespace LogSentinel.Detector.Pipeline;

/// <summary>
/// A partitioned batch the evaluation loop holds: its consumer waits on <see cref="Done"/> and acknowledges the
/// message only then, once its events were evaluated, their alerts published and (with a state store) the state
/// they changed written.
/// </summary>
internal sealed class PendingBatch(KeyedEventBatch batch)
{
    public readonly KeyedEventBatch Batch = batch;

    /// <summary>Set by the loop when it takes the batch.</summary>
    public PartitionState Partition = null!;

    /// <summary>Events not evaluated yet.</summary>
    public int Remaining;

    /// <summary>The segments this batch brought first: while it is unfinished, a redelivery of them waits for it.</summary>
    public readonly List<ulong> Segments = [];

    /// <summary>Earlier deliveries of some of this batch's segments, not finished yet: acknowledged after them.</summary>
    public readonly List<Task> Originals = [];

    public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
