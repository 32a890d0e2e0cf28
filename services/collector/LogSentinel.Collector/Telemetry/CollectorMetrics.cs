using System.Diagnostics.Metrics;

namespace LogSentinel.Collector.Telemetry;

/// <summary>
/// The collector's pipeline counters, with the names every LogSentinel service uses (received, sent, dropped,
/// errors), plus the spool's depth and the publish lag. Exported over OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set.
/// </summary>
public sealed class CollectorMetrics : IDisposable
{
    public const string MeterName = "LogSentinel.Collector";

    private readonly Meter _meter = new(MeterName);

    public CollectorMetrics()
    {
        LinesRead = _meter.CreateCounter<long>("logsentinel.collector.lines.received", "{line}", "Log lines read from files and the journal");
        EventsSent = _meter.CreateCounter<long>("logsentinel.collector.events.sent", "{event}", "Events the broker confirmed");
        EventsSpooled = _meter.CreateCounter<long>("logsentinel.collector.events.spooled", "{event}", "Events put in the spool while the broker was away");
        LinesDropped = _meter.CreateCounter<long>("logsentinel.collector.lines.dropped", "{line}", "Lines skipped: no recognisable shape, or over the size limit");
        Errors = _meter.CreateCounter<long>("logsentinel.collector.errors", "{error}", "Publishes that failed");
        PublishLag = _meter.CreateHistogram<double>("logsentinel.collector.publish.lag", "s", "From a line read to its events confirmed by the broker");
        _meter.CreateObservableGauge("logsentinel.collector.spool.bytes", () => SpoolBytes, "By", "Bytes waiting in the spool");
        _meter.CreateObservableGauge("logsentinel.collector.spool.batches", () => SpoolBatches, "{batch}", "Batches waiting in the spool");
    }

    public Counter<long> LinesRead { get; }
    public Counter<long> EventsSent { get; }
    public Counter<long> EventsSpooled { get; }
    public Counter<long> LinesDropped { get; }
    public Counter<long> Errors { get; }
    public Histogram<double> PublishLag { get; }
    public long SpoolBytes { get; set; }
    public long SpoolBatches { get; set; }

    public void Dispose() => _meter.Dispose();
}
