using LogSentinel.Contracts;
using LogSentinel.Parsing.Identity;

namespace LogSentinel.Collector.Publishing;

/// <summary>
/// The one place that decides which partition an event belongs to. The key is the remote party (source.ip, else
/// source.address), else the user, else the host: all events of one attacker go to one partition, so one detector
/// replica sees all of them. Keys are hashed into <see cref="Partitions"/> partitions, named "p00".."p0f": a batch
/// holds one partition's events and carries it as routing key. (The detector partitions again, per rule dimension,
/// for its own replicas: services/detector/LogSentinel.Detector/Partitioning/Dimensions.cs.)
/// </summary>
public static class PartitionKeys
{
    public const int Partitions = 16;

    public static string KeyOf(SecurityEvent e) =>
        e.Source?.Ip ?? e.Source?.Address ?? (e.User is { } u ? "user:" + u.Name : "host:" + e.Host.Name);

    /// <summary>The key's UTF-16 bytes, hashed: no allocation per event, the same on every little-endian host.</summary>
    public static int PartitionOf(SecurityEvent e) =>
        (int)(EventIds.Fingerprint(KeyOf(e)) % Partitions);

    public static string RoutingKey(int partition) => RoutingKeys[partition];

    private static readonly string[] RoutingKeys = Enumerable.Range(0, Partitions).Select(p => $"p{p:x2}").ToArray();
}
