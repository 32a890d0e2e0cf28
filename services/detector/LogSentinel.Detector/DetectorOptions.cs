using System.ComponentModel.DataAnnotations;
using LogSentinel.ServiceDefaults;

namespace LogSentinel.Detector;

/// <summary>Detector settings, bound from the "Detector" configuration section (YAML file and environment).</summary>
public sealed class DetectorOptions
{
    public const string Section = "Detector";

    /// <summary>A rule file, or a folder whose *.yaml / *.yml files are all loaded.</summary>
    [Required(AllowEmptyStrings = false)]
    public string Rules { get; set; } = "/etc/logsentinel/rules";

    /// <summary>How often the rule files are checked for changes (a changed, valid set replaces the running one).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan ReloadInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How long an event waits for earlier events that are still on their way (arrival time). Longer tolerates more
    /// reordering between queues; it is also the floor of the line-to-alert latency.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan Lateness { get; set; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// Events dated further than this ahead of the replica's clock are dropped and counted: event time is shared by
    /// all keys of a replica, and one event from a host whose clock ran ahead would otherwise end every window.
    /// </summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan MaxClockSkew { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Events held for reordering at most; beyond it the earliest leave at once.</summary>
    [Range(1000, 10_000_000)]
    public int ReorderCapacity { get; set; } = 500_000;

    /// <summary>
    /// This replica's name: its partition queue is "logsentinel-detector-{ReplicaId}". Stable across restarts, so a
    /// restarted replica finds its queue and its keys waiting. Default: the host name.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[A-Za-z0-9._-]{1,100}$")]
    public string ReplicaId { get; set; } = Environment.MachineName;

    /// <summary>How long a replica's queue outlives the replica; after it, its keys move to the remaining replicas.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "7.00:00:00")]
    public TimeSpan QueueExpiry { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Partitioned batches held at once (the queue's prefetch). Each is acknowledged only after its events were
    /// evaluated, so each waits out the lateness: this bounds throughput at ConcurrentBatches / Lateness batches
    /// per second, and events can only be put in order with those already delivered.
    /// </summary>
    [Range(1, 65535)]
    public int ConcurrentBatches { get; set; } = 4096;

    /// <summary>
    /// Acknowledge a partitioned batch as soon as the evaluation loop has it, not once it was evaluated. Only for a bus
    /// that never redelivers (the single-process `logsentinel`, which instead tells the loop when a stretch of the
    /// input is complete: <see cref="Pipeline.DetectionWorker.ReleaseBufferedAsync"/>). Off in the fleet: a crash
    /// would lose what was acknowledged and not yet evaluated.
    /// </summary>
    public bool AcknowledgeOnReceipt { get; set; }

    public RabbitMqOptions RabbitMq { get; set; } = new();
}
