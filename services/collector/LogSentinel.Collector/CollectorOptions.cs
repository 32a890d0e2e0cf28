using System.ComponentModel.DataAnnotations;
using LogSentinel.ServiceDefaults;

namespace LogSentinel.Collector;

/// <summary>Collector settings, bound from the "Collector" configuration section (YAML file and environment).</summary>
public sealed class CollectorOptions
{
    public const string Section = "Collector";

    /// <summary>host.name for lines that carry none, and the collector's identity in event ids.</summary>
    [Required(AllowEmptyStrings = false)]
    [MaxLength(255)]
    public string Host { get; set; } = Environment.MachineName;

    /// <summary>Time zone of timestamps written without one; empty means this machine's.</summary>
    public string? TimeZone { get; set; }

    /// <summary>Log files to follow; a name may hold * and ? in its last part. Empty: <see cref="DefaultFiles"/>.</summary>
    /// <remarks>Lists start empty and get their defaults after binding: the binder appends to a list, it never replaces it.</remarks>
    public List<string> Files { get; set; } = [];

    public static readonly IReadOnlyList<string> DefaultFiles = ["/var/log/auth.log", "/var/log/mail.log", "/var/log/fail2ban.log"];

    /// <summary>
    /// The durable queues that must exist before a batch is published (empty: <see cref="DefaultRequiredQueues"/>).
    /// The batch exchange is a fanout: RabbitMQ drops a batch no queue is bound to and still confirms it, so the
    /// collector publishes only while every consumer it expects has its queue. A fleet without some service (no AI
    /// analyzer, say) leaves its queue out.
    /// </summary>
    public List<string> RequiredQueues { get; set; } = [];

    /// <summary>
    /// The queues of the fleet's consumers of SecurityEventBatch, as their consumer definitions name them: the
    /// detector's ingest (SecurityEventBatchConsumerDefinition), the indexer's events (EventBatchConsumerDefinition)
    /// and the AI analyzer's events (EventBatchConsumerDefinition). The collector references none of those services,
    /// so the names are written here; a test in LogSentinel.Cli.Tests holds them to the definitions.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultRequiredQueues =
        ["logsentinel-detector-ingest", "logsentinel-indexer-events", "logsentinel-ai-analyzer-events"];

    /// <summary>Fills the lists left empty by the configuration with their defaults.</summary>
    public void ApplyDefaults()
    {
        if (Files.Count == 0)
            Files.AddRange(DefaultFiles);
        if (RequiredQueues.Count == 0)
            RequiredQueues.AddRange(DefaultRequiredQueues);
        if (Journal.Identifiers.Count == 0)
            Journal.Identifiers.AddRange(JournalOptions.DefaultIdentifiers);
    }

    /// <summary>A file seen for the first time (no checkpoint) is read from its end, not its start.</summary>
    public bool StartAtEnd { get; set; } = true;

    /// <summary>Where checkpoints and the spool live; must survive restarts.</summary>
    [Required(AllowEmptyStrings = false)]
    public string StateDirectory { get; set; } = "/var/lib/logsentinel";

    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long a rotated file must stay unchanged before it counts as finished.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan RotationGrace { get; set; } = TimeSpan.FromSeconds(5);

    public JournalOptions Journal { get; set; } = new();

    public GeoIpOptions GeoIp { get; set; } = new();

    public BatchOptions Batch { get; set; } = new();

    public SpoolOptions Spool { get; set; } = new();

    public PublishOptions Publish { get; set; } = new();

    public RabbitMqOptions RabbitMq { get; set; } = new();
}

public sealed class GeoIpOptions
{
    /// <summary>A MaxMind-format country database (scripts/install-geoip.sh fetches a CC0 one); empty or missing: no country.</summary>
    public string? Database { get; set; } = "/var/lib/logsentinel/geoip/geo-whois-asn-country.mmdb";
}

public sealed class BatchOptions
{
    /// <summary>A flush happens once this many events wait...</summary>
    [Range(1, 100_000)]
    public int MaxEvents { get; set; } = 5000;

    /// <summary>...or once the oldest waiting event is this old.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMilliseconds(200);
}

public sealed class SpoolOptions
{
    /// <summary>Bytes the spool may hold while the broker is unreachable; beyond, reading pauses.</summary>
    [Range(1024L, long.MaxValue)]
    public long MaxBytes { get; set; } = 256L << 20;
}

public sealed class PublishOptions
{
    /// <summary>A publish not confirmed within this time counts as failed (the batch goes to the spool).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>While the broker is unreachable, how often to try the oldest spooled batch again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RetryInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// How often the required queues are checked again while they all exist (also after a reconnect or a failed
    /// publish). While one is missing, they are checked every <see cref="RetryInterval"/>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan QueueCheckInterval { get; set; } = TimeSpan.FromSeconds(30);
}

public enum JournalMode
{
    /// <summary>Read the journal when the host has no /var/log/auth.log (Debian 12+ without rsyslog).</summary>
    Auto,
    On,
    Off,
}

public sealed class JournalOptions
{
    public JournalMode Mode { get; set; } = JournalMode.Auto;

    /// <summary>The journalctl to run (tests put a recorded one first on the PATH).</summary>
    [Required(AllowEmptyStrings = false)]
    public string Executable { get; set; } = "journalctl";

    /// <summary>SYSLOG_IDENTIFIER values to read (empty: <see cref="DefaultIdentifiers"/>); the journal holds far more than security.</summary>
    public List<string> Identifiers { get; set; } = [];

    /// <summary>
    /// Systemd units whose entries are read as well, whatever their identifier ("ssh" means ssh.service): for programs
    /// that log under a name of their own. Empty by default: the identifiers cover Debian's daemons.
    /// </summary>
    public List<string> Units { get; set; } = [];

    public static readonly IReadOnlyList<string> DefaultIdentifiers =
    [
        "sshd", "sshd-session", "sshd-auth", "dropbear", "sudo", "su", "login", "systemd-logind",
        // Older polkit (the 0.105 Debian and Ubuntu long shipped) logs as "polkitd(authority=local)".
        "pkexec", "polkitd", "polkitd(authority=local)",
        "postfix/smtpd", "postfix/submission/smtpd", "postfix/smtps/smtpd", "postfix/postscreen", "postfix/anvil",
        "dovecot", "fail2ban-server", "fail2ban",
    ];
}
