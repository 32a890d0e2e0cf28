using System.Text.Json.Serialization;

namespace LogSentinel.Contracts;

/// <summary>
/// Events a collector publishes together: one host, one partition. The routing key carries the partition, so
/// every event of one source address lands on the same detector replica (consistent-hash exchange).
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
