using System.Text.Json.Serialization;

namespace LogSentinel.Contracts;

/// <summary>
/// Events a collector publishes together: one host, one partition of source addresses. Published to a fanout
/// exchange: every service's queue gets every batch. The detector re-partitions the events by each rule dimension
/// (<see cref="KeyedEventBatch"/>) so that its replicas split the keys between them.
/// </summary>
public sealed record SecurityEventBatch
{
    /// <summary>Deterministic: the first event's id and the number of events.</summary>
    [JsonPropertyName("batch_id")]
    public required string BatchId { get; init; }

    /// <summary>The collector that read the events.</summary>
    [JsonPropertyName("host")]
    public required string Host { get; init; }

    /// <summary>The partition: "p" and two hex digits (see the collector's PartitionKeys).</summary>
    [JsonPropertyName("routing_key")]
    public required string RoutingKey { get; init; }

    [JsonPropertyName("events")]
    public required IReadOnlyList<SecurityEvent> Events { get; init; }
}
