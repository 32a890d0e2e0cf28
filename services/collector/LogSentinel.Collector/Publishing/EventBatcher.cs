using LogSentinel.Contracts;

namespace LogSentinel.Collector.Publishing;

/// <summary>Collects events per partition until a flush turns them into batches, in the order they came.</summary>
public sealed class EventBatcher(string host)
{
    private readonly List<SecurityEvent>?[] _partitions = new List<SecurityEvent>?[PartitionKeys.Partitions];

    public int Count { get; private set; }

    public void Add(SecurityEvent e)
    {
        var p = PartitionKeys.PartitionOf(e);
        (_partitions[p] ??= []).Add(e);
        Count++;
    }

    /// <summary>One batch per partition that has events, at most <paramref name="maxBatch"/> events each.</summary>
    public List<SecurityEventBatch> Flush(int maxBatch)
    {
        var batches = new List<SecurityEventBatch>();
        for (var p = 0; p < _partitions.Length; p++)
        {
            var events = _partitions[p];
            if (events is null || events.Count == 0)
                continue;
            for (var start = 0; start < events.Count; start += maxBatch)
            {
                var slice = events.GetRange(start, Math.Min(maxBatch, events.Count - start));
                batches.Add(new SecurityEventBatch
                {
                    BatchId = $"{slice[0].Event.Id}-{slice.Count}",
                    Host = host,
                    RoutingKey = PartitionKeys.RoutingKey(p),
                    Events = slice,
                });
            }
            _partitions[p] = null;
        }
        Count = 0;
        return batches;
    }
}
