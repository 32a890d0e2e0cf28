using System.Diagnostics.Metrics;

namespace LogSentinel.Detector.Telemetry;

/// <summary>
/// The detector's pipeline counters, with the names every LogSentinel service uses (received, sent, dropped,
/// errors), plus what the rule state holds. Exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// </summary>
public sealed class DetectorMetrics : IDisposable
{
    public const string MeterName = "LogSentinel.Detector";

    private readonly Meter _meter = new(MeterName);

    public DetectorMetrics()
    {
        EventsRouted = _meter.CreateCounter<long>("logsentinel.detector.events.routed", "{event}", "Events forwarded to a dimension's partitioned stream");
        EventsReceived = _meter.CreateCounter<long>("logsentinel.detector.events.received", "{event}", "Partitioned events received for evaluation");
        EventsLate = _meter.CreateCounter<long>("logsentinel.detector.events.late", "{event}", "Events that arrived after a later event had been evaluated");
        BatchesDuplicate = _meter.CreateCounter<long>("logsentinel.detector.segments.dropped", "{segment}", "Redelivered segments already evaluated, skipped");
        EventsDropped = _meter.CreateCounter<long>("logsentinel.detector.events.dropped", "{event}", "Events dated further ahead of the clock than MaxClockSkew, not evaluated");
        AlertsSent = _meter.CreateCounter<long>("logsentinel.detector.alerts.sent", "{alert}", "Alert revisions published");
        Errors = _meter.CreateCounter<long>("logsentinel.detector.errors", "{error}", "Failed alert publishes and rejected rule reloads");
        Checkpoints = _meter.CreateCounter<long>("logsentinel.detector.checkpoints", "{checkpoint}", "Partition states written to the state store");
        CheckpointBytes = _meter.CreateHistogram<long>("logsentinel.detector.checkpoint.size", "By", "Size of a partition state written to the state store");
        CheckpointFailures = _meter.CreateCounter<long>("logsentinel.detector.checkpoint.failures", "{failure}", "Checkpoint rounds the state store refused or could not take");
        _meter.CreateObservableGauge("logsentinel.detector.partitions.owned", () => PartitionsOwned, "{partition}", "Partitions this replica owns");
        _meter.CreateObservableGauge("logsentinel.detector.keys", () => TrackedKeys, "{key}", "Group keys held by the rules");
        _meter.CreateObservableGauge("logsentinel.detector.reorder.events", () => Buffered, "{event}", "Events waiting in the reorder buffer");
    }

    public Counter<long> EventsRouted { get; }
    public Counter<long> EventsReceived { get; }
    public Counter<long> EventsLate { get; }
    public Counter<long> BatchesDuplicate { get; }
    public Counter<long> EventsDropped { get; }
    public Counter<long> AlertsSent { get; }
    public Counter<long> Errors { get; }
    public Counter<long> Checkpoints { get; }
    public Histogram<long> CheckpointBytes { get; }
    public Counter<long> CheckpointFailures { get; }
    public long TrackedKeys { get; set; }
    public int PartitionsOwned { get; set; }
    public long Buffered { get; set; }

    public void Dispose() => _meter.Dispose();
}
