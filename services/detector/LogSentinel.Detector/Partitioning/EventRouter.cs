using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Partitioning;

/// <summary>
/// Splits a collector's batch into the detector's partitioned streams: for every dimension the rules use, the events
/// some rule of that dimension may count, grouped by partition of their dimension key. Pure: the same batch and
/// rules give the same keyed batches with the same ids, so a redelivered batch is recognised downstream.
/// </summary>
public static class EventRouter
{
    public static List<KeyedEventBatch> Route(SecurityEventBatch batch, RuleSet rules)
    {
        var buckets = new Dictionary<(string Dimension, int Partition), List<SecurityEvent>>();
        foreach (var e in batch.Events)
        {
            if (rules.IsAllowlisted(e))
                continue;
            foreach (var dimension in rules.Dimensions)
            {
                if (Dimensions.KeyOf(e, dimension) is not { } key || !rules.AnyRuleMayCount(e, dimension))
                    continue;
                var bucket = (dimension, Dimensions.PartitionOf(key));
                if (!buckets.TryGetValue(bucket, out var events))
                    buckets[bucket] = events = [];
                events.Add(e);
            }
        }
        var routed = new List<KeyedEventBatch>(buckets.Count);
        foreach (var ((dimension, partition), events) in buckets.OrderBy(b => b.Key.Dimension, StringComparer.Ordinal).ThenBy(b => b.Key.Partition))
        {
            var routingKey = Dimensions.RoutingKey(dimension, partition);
            routed.Add(new KeyedEventBatch
            {
                BatchId = batch.BatchId + "/" + routingKey,
                Dimension = dimension,
                RoutingKey = routingKey,
                Events = events,
            });
        }
        return routed;
    }
}
