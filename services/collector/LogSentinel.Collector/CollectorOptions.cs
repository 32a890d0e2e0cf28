using System.ComponentModel.DataAnnotations;

namespace LogSentinel.Collector;

/// <summary>Collector settings, bound from the "Collector" configuration section.</summary>
public sealed class CollectorOptions
{
    public const string Section = "Collector";

    /// <summary>host.name for lines that carry none, and the collector's identity in event ids.</summary>
    [Required(AllowEmptyStrings = false)]
    [MaxLength(255)]
    public string Host { get; set; } = Environment.MachineName;

    /// <summary>Time zone of timestamps written without one; empty means this machine's.</summary>
    public string? TimeZone { get; set; }
}
