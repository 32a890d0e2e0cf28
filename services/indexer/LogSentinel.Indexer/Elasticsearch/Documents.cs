using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LogSentinel.Contracts;
using LogSentinel.Contracts.Json;

namespace LogSentinel.Indexer.Elasticsearch;

/// <summary>Contracts as Elasticsearch documents: the contract's own JSON, with "@timestamp" for alerts and analyses (Grafana's time field).</summary>
public sealed class Documents(IndexTemplates templates)
{
    public BulkDocument Of(SecurityEvent e) =>
        new(templates.EventsIndex(e.Timestamp), e.Event.Id, BulkDocument.Create, JsonSerializer.SerializeToUtf8Bytes(e, ContractsJsonContext.Default.SecurityEvent));

    public BulkDocument Of(AlertRaised alert) =>
        new(templates.AlertsIndex(alert.WindowStart), alert.AlertId, BulkDocument.IndexOperation, WithTimestamp(alert, alert.WindowEnd, ContractsJsonContext.Default.AlertRaised),
            Version: alert.Revision + 1L);

    public BulkDocument Of(WindowAnalyzed analysis) =>
        new(templates.AnalysesIndex(analysis.WindowStart), analysis.AnalysisId, BulkDocument.IndexOperation, WithTimestamp(analysis, analysis.WindowEnd, ContractsJsonContext.Default.WindowAnalyzed));

    private static byte[] WithTimestamp<T>(T value, DateTime timestamp, JsonTypeInfo<T> type)
    {
        using var source = JsonSerializer.SerializeToDocument(value, type);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("@timestamp", timestamp);
            foreach (var property in source.RootElement.EnumerateObject())
                property.WriteTo(writer);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }
}
