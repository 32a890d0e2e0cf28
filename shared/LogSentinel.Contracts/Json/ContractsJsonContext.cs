using System.Text.Json.Serialization;

namespace LogSentinel.Contracts.Json;

/// <summary>
/// Source-generated serializer for the contracts, so every service writes the same JSON without reflection.
/// Absent optional fields are left out rather than written as null.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SecurityEvent))]
[JsonSerializable(typeof(SecurityEventBatch))]
[JsonSerializable(typeof(KeyedEventBatch))]
[JsonSerializable(typeof(AlertRaised))]
[JsonSerializable(typeof(IReadOnlyList<AlertRaised>))]
[JsonSerializable(typeof(WindowAnalyzed))]
[JsonSerializable(typeof(IReadOnlyList<Finding>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
public sealed partial class ContractsJsonContext : JsonSerializerContext;
