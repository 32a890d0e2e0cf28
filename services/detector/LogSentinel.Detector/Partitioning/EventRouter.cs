using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Partitioning;

/// <summary>
/// Splits collectors' batches into the detector's partitioned streams: for every dimension the rules use, the events
/// some rule of that dimension may count, grouped by partition of their dimension key, one keyed batch per partition
/// for all the batches routed together (few large messages rather than many small ones). Pure: a source batch
/// always gives the same segments with the same ids, so a redelivered one is recognised downstream.
/// </summary>
public static class EventRouter
{
    public static List<KeyedEventBatch> Route(IReadOnlyList<SecurityEventBatch> batches, RuleSet rules)
    {
        var buckets = new SortedDictionary<(string Dimension, int Partition), List<KeyedEventSegment>>();
        var segment = new Dictionary<(string Dimension, int Partition), List<SecurityEvent>>();
        var dimensions = rules.Dimensions;
        foreach (var batch in batches)
        {
            segment.Clear();
            foreach (var e in batch.Events)
            {
                if (rules.IsAllowlisted(e))
                    continue;
                // Indexed, not foreach: an enumerator per event through the interface adds up on the busiest path.
                for (var d = 0; d < dimensions.Count; d++)
                {
                    var dimension = dimensions[d];
                    if (Dimensions.KeyOf(e, dimension) is not { } key || !rules.AnyRuleMayCount(e, dimension))
                        continue;
                    var bucket = (dimension, Dimensions.PartitionOf(key));
                    if (!segment.TryGetValue(bucket, out var events))
                        segment[bucket] = events = [];
                    events.Add(e);
                }
            }
            foreach (var (bucket, events) in segment)
            {
                if (!buckets.TryGetValue(bucket, out var segments))
                    buckets[bucket] = segments = [];
                segments.Add(new KeyedEventSegment
                {
                    SegmentId = batch.BatchId + "/" + Dimensions.RoutingKey(bucket.Dimension, bucket.Partition),
                    Events = events,
                });
            }
        }
        var routed = new List<KeyedEventBatch>(buckets.Count);
        foreach (var ((dimension, partition), segments) in buckets)
        {
            routed.Add(new KeyedEventBatch
            {
                BatchId = $"{segments[0].SegmentId}+{segments.Count}",
                Dimension = dimension,
                RoutingKey = Dimensions.RoutingKey(dimension, partition),
                Segments = segments,
            });
        }
        return routed;
    }
}
