using System.Text.Json;
using LogSentinel.Contracts;
using LogSentinel.Contracts.Json;

namespace LogSentinel.Detector.Partitioning;

/// <summary>Writes and reads the events of a <see cref="KeyedEventSegment"/> with the contracts' source-generated serializer.</summary>
public static class SegmentEvents
{
    public static KeyedEventSegment Create(string segmentId, List<SecurityEvent> events) => new()
    {
        SegmentId = segmentId,
        EventCount = events.Count,
        EventsJson = JsonSerializer.SerializeToUtf8Bytes(events, ContractsJsonContext.Default.ListSecurityEvent),
    };

    public static List<SecurityEvent> Read(KeyedEventSegment segment)
    {
        var events = JsonSerializer.Deserialize(segment.EventsJson, ContractsJsonContext.Default.ListSecurityEvent)
            ?? throw new JsonException($"segment {segment.SegmentId} holds no event array");
        if (events.Count != segment.EventCount)
            throw new JsonException($"segment {segment.SegmentId} says {segment.EventCount} events and holds {events.Count}");
        return events;
    }
}
