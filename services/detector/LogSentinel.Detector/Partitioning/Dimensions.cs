using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;
using LogSentinel.Parsing.Identity;

namespace LogSentinel.Detector.Partitioning;

/// <summary>
/// The detector's partitioned streams, one per group-by dimension. An event goes to the partition of its dimension
/// key, each partition is a durable queue, and one replica at a time owns it (<see cref="OwnershipCoordinator"/>),
/// so every key of every rule is counted in one place. The source dimension partitions IPv6 addresses by their /48: a rule that groups by a
/// longer prefix or by the full address still finds all of its key's events on one replica.
/// </summary>
public static class Dimensions
{
    public const string Source = "source";
    public const string User = "user";
    public const string Host = "host";

    public const int SourceV6PartitionBits = 48;

    /// <summary>
    /// Partitions per dimension: the most replicas a dimension can spread over. Fixed for the life of a fleet (an
    /// event's partition is its key's hash modulo this), so chosen well above any fleet's replica count, and low
    /// enough that each partition's queue and checkpoint stay cheap.
    /// </summary>
    public const int Partitions = 16;

    public static readonly IReadOnlyList<string> All = [Source, User, Host];

    /// <summary>Every partition of every dimension, in a fixed order.</summary>
    public static readonly IReadOnlyList<string> AllPartitions =
        [.. All.SelectMany(d => Enumerable.Range(0, Partitions).Select(p => RoutingKey(d, p)))];

    /// <summary>The dimension of a partition's routing key.</summary>
    public static string DimensionOf(string partition) => partition[..partition.IndexOf('.', StringComparison.Ordinal)];

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
