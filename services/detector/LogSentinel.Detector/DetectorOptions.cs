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
    /// This replica's name in the state store (its heartbeat, the partitions it owns). Unique per replica and stable
    /// across restarts, so a restarted replica takes back its own partitions at once. Default: the host name.
    /// </summary>
    [Required(AllowEmptyStrings = false)]
    [RegularExpression("^[A-Za-z0-9._-]{1,100}$")]
    public string ReplicaId { get; set; } = Environment.MachineName;

    /// <summary>
    /// Partitioned batches held at once per partition queue (its prefetch). Each is acknowledged only after its events
    /// were evaluated and checkpointed, so each waits out the lateness and up to a checkpoint interval: this bounds a
    /// partition's throughput at ConcurrentBatches / (Lateness + CheckpointInterval) batches per second.
    /// </summary>
    [Range(1, 65535)]
    public int ConcurrentBatches { get; set; } = 500;

    /// <summary>How often each changed partition's state is written to the state store (and its batches acknowledged).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan CheckpointInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the replica records its heartbeat and converges on the partition assignment.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A replica whose heartbeat is older than this is presumed dead and its partitions are taken over: the longest
    /// a dead replica's partitions wait. Several heartbeat intervals, so a slow moment is not a death.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan MemberTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Partition queues as quorum queues (a RabbitMQ cluster); classic durable queues otherwise.</summary>
    public bool QuorumQueues { get; set; }

    /// <summary>
    /// Acknowledge a partitioned batch as soon as the evaluation loop has it, not once it was evaluated. Only for a bus
    /// that never redelivers (the single-process `logsentinel`, which instead tells the loop when a stretch of the
    /// input is complete: <see cref="Pipeline.DetectionWorker.ReleaseBufferedAsync"/>). Off in the fleet: a crash
    /// would lose what was acknowledged and not yet evaluated.
    /// </summary>
    public bool AcknowledgeOnReceipt { get; set; }

    public RabbitMqOptions RabbitMq { get; set; } = new();

    /// <summary>Where the partitions' owners and rule state are kept (the fleet's MariaDB/MySQL).</summary>
    public StoreOptions Store { get; set; } = new();

    public sealed class StoreOptions
    {
        /// <summary>
        /// A MariaDB/MySQL connection string (the database the indexer writes to will do; the detector creates its
        /// tables detector_members and detector_partitions). The password from the environment:
        /// Detector__Store__ConnectionString.
        /// </summary>
        public string? ConnectionString { get; set; }
    }
}
