using System.Text.Json.Serialization;

namespace LogSentinel.Contracts;

/// <summary>
/// A detection rule fired for one offender. The id is deterministic (rule, offender and the start of the window
/// that fired), so a redelivered event stream never makes a second alert; while the rule's cooldown runs, further
/// matching events update the same alert (a higher <see cref="Revision"/>, the same id) instead of raising a new one.
/// </summary>
public sealed record AlertRaised
{
    [JsonPropertyName("alert_id")]
    public required string AlertId { get; init; }

    /// <summary>0 when the rule first fires; each update of the running counter during the cooldown adds one.</summary>
    [JsonPropertyName("revision")]
    public int Revision { get; init; }

    /// <summary>True on the last revision: the cooldown ended, the counts will not change any more.</summary>
    [JsonPropertyName("final")]
    public bool Final { get; init; }

    [JsonPropertyName("rule_id")]
    public required string RuleId { get; init; }

    /// <summary>threshold, distinct, sequence, new_value or fleet.</summary>
    [JsonPropertyName("rule_type")]
    public required string RuleType { get; init; }

    [JsonPropertyName("description")]
    public required string Description { get; init; }

    /// <summary>low, medium, high or critical.</summary>
    [JsonPropertyName("severity")]
    public required string Severity { get; init; }

    /// <summary>The group key the rule counted for, its fields joined by "|" (e.g. "203.0.113.45" or "root|bastion").</summary>
    [JsonPropertyName("offender")]
    public required string Offender { get; init; }

    /// <summary>The group key field by field: "source.ip" -> "203.0.113.45".</summary>
    [JsonPropertyName("group")]
    public required IReadOnlyDictionary<string, string> Group { get; init; }

    /// <summary>
    /// What the rule counts: matching events (threshold), distinct values (distinct), distinct hosts (fleet),
    /// failures before the success (sequence), 1 (new_value). Grows with each revision.
    /// </summary>
    [JsonPropertyName("count")]
    public required long Count { get; init; }

    /// <summary>The rule's threshold that <see cref="Count"/> reached.</summary>
    [JsonPropertyName("threshold")]
    public required long Threshold { get; init; }

    /// <summary>Matching events seen for this alert, whatever the rule counts.</summary>
    [JsonPropertyName("events")]
    public required long Events { get; init; }

    /// <summary>Event time of the first event in the window that fired.</summary>
    [JsonPropertyName("window_start")]
    public required DateTime WindowStart { get; init; }

    /// <summary>Event time of the latest event counted.</summary>
    [JsonPropertyName("window_end")]
    public required DateTime WindowEnd { get; init; }

    [JsonPropertyName("hosts")]
    public required IReadOnlyList<string> Hosts { get; init; }

    /// <summary>Users involved, capped (see <see cref="UsersTruncated"/>).</summary>
    [JsonPropertyName("users")]
    public required IReadOnlyList<string> Users { get; init; }

    [JsonPropertyName("users_truncated")]
    public bool UsersTruncated { get; init; }

    /// <summary>Source addresses involved, capped (several for user- or host-keyed rules).</summary>
    [JsonPropertyName("source_ips")]
    public required IReadOnlyList<string> SourceIps { get; init; }

    /// <summary>ISO country of the offending source (the most frequent one when there are several), when known.</summary>
    [JsonPropertyName("country")]
    public string? Country { get; init; }

    /// <summary>The distinct or new values the rule saw (users for a spray, countries for new_value), capped.</summary>
    [JsonPropertyName("values")]
    public IReadOnlyList<string>? Values { get; init; }

    /// <summary>event.id of the first events counted, capped: where to look in the logs.</summary>
    [JsonPropertyName("sample_event_ids")]
    public required IReadOnlyList<string> SampleEventIds { get; init; }
}
