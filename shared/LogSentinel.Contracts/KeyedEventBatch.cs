using System.Text.Json.Serialization;

namespace LogSentinel.Contracts;

/// <summary>
/// The detector's own re-partitioned stream: events that one group-by dimension's rules may count, all with keys
/// that hash to one partition. Published with <see cref="RoutingKey"/> to the partition's durable queue, which one
/// detector replica at a time owns, so every key of a dimension is evaluated in one place, whatever collector or
/// replica read the event.
/// Events are kept in segments, one per collector batch they came from: a segment's content is fixed by its
/// source batch, so a redelivered source batch gives the same segment ids however batches were grouped again.
/// </summary>
public sealed record KeyedEventBatch
{
    /// <summary>For logs and traces: the first segment's id and the number of segments.</summary>
    [JsonPropertyName("batch_id")]
    public required string BatchId { get; init; }

    /// <summary>source, user or host.</summary>
    [JsonPropertyName("dimension")]
    public required string Dimension { get; init; }

    /// <summary>Dimension and partition ("source.0a"): the routing key of the partition's queue.</summary>
    [JsonPropertyName("routing_key")]
    public required string RoutingKey { get; init; }

    [JsonPropertyName("segments")]
    public required IReadOnlyList<KeyedEventSegment> Segments { get; init; }
}

/// <summary>The events of one collector batch that belong to one partition of one dimension.</summary>
public sealed record KeyedEventSegment
{
    /// <summary>Deterministic: the collector batch's id and the routing key.</summary>
    [JsonPropertyName("segment_id")]
    public required string SegmentId { get; init; }

    [JsonPropertyName("events")]
    public required IReadOnlyList<SecurityEvent> Events { get; init; }
}
