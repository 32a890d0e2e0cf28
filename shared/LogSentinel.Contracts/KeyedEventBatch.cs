using System.Text.Json.Serialization;

namespace LogSentinel.Contracts;

/// <summary>
/// The detector's own re-partitioned stream: events that one group-by dimension's rules may count, all with keys
/// that hash to one partition. Published to a consistent-hash exchange with <see cref="RoutingKey"/>, so every key
/// of a dimension is evaluated by exactly one detector replica, whatever collector or replica read the event.
/// </summary>
public sealed record KeyedEventBatch
{
    /// <summary>Deterministic: the source batch id, the dimension and the partition; a redelivery repeats it.</summary>
    [JsonPropertyName("batch_id")]
    public required string BatchId { get; init; }

    /// <summary>source, user or host.</summary>
    [JsonPropertyName("dimension")]
    public required string Dimension { get; init; }

    /// <summary>Dimension and partition ("source.2a"): what the consistent-hash exchange hashes.</summary>
    [JsonPropertyName("routing_key")]
    public required string RoutingKey { get; init; }

    [JsonPropertyName("events")]
    public required IReadOnlyList<SecurityEvent> Events { get; init; }
}
