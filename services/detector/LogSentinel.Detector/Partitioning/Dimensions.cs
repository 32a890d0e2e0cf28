using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;
using LogSentinel.Parsing.Identity;

namespace LogSentinel.Detector.Partitioning;

/// <summary>
/// The detector's partitioned streams, one per group-by dimension in use. An event goes to the partition of its
/// dimension key, and the consistent-hash exchange gives each partition to one replica, so every key of every rule
/// is counted in one place. The source dimension partitions IPv6 addresses by their /48: a rule that groups by a
/// longer prefix or by the full address still finds all of its key's events on one replica.
/// </summary>
public static class Dimensions
{
    public const string Source = "source";
    public const string User = "user";
    public const string Host = "host";

    public const int SourceV6PartitionBits = 48;

    /// <summary>Routing keys per dimension: many more than replicas, so the hash ring spreads them evenly.</summary>
    public const int Partitions = 64;

    public static readonly IReadOnlyList<string> All = [Source, User, Host];

    public static string? KeyOf(SecurityEvent e, string dimension) => dimension switch
    {
        Source => e.Source?.Ip is { } ip ? IpNetwork.PrefixOf(ip, SourceV6PartitionBits) : null,
        User => e.User?.Name,
        Host => e.Host.Name,
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "not a dimension"),
    };

    /// <summary>The key's UTF-16 bytes, hashed: the same on every little-endian host and in every replica.</summary>
    public static int PartitionOf(string key) =>
        (int)(EventIds.Fingerprint(key) % Partitions);

    public static string RoutingKey(string dimension, int partition) => $"{dimension}.{partition:x2}";
}
