using LogSentinel.Parsing.Identity;

namespace LogSentinel.Detector.Partitioning;

/// <summary>
/// Which live replica should own each partition: a pure function of the replica names, so every replica computes
/// the same answer and the answer does not change unless a replica joins or leaves (a broker restart changes
/// nothing). Rendezvous hashing with a bounded load: each partition prefers the replicas in the order of
/// hash(replica, partition), and takes the first that has fewer than its share of the partition's dimension, so
/// every dimension is spread evenly (shares differ by one at most) and a join or a leave moves few partitions.
/// </summary>
public static class Assignment
{
    public static Dictionary<string, string> For(IReadOnlyList<string> partitions, IReadOnlyCollection<string> replicas)
    {
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        if (replicas.Count == 0)
            return owners;
        var ordered = replicas.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        foreach (var dimension in partitions.GroupBy(Dimensions.DimensionOf, StringComparer.Ordinal))
        {
            var keys = dimension.ToArray();
            // The shares add up to the dimension's partitions exactly: the first replicas by name take one more.
            var share = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < ordered.Length; i++)
                share[ordered[i]] = keys.Length / ordered.Length + (i < keys.Length % ordered.Length ? 1 : 0);
            var load = ordered.ToDictionary(r => r, _ => 0, StringComparer.Ordinal);
            foreach (var partition in keys)
            {
                var owner = ordered
                    .OrderByDescending(r => EventIds.Fingerprint(r + "\n" + partition))
                    .ThenBy(r => r, StringComparer.Ordinal)
                    .First(r => load[r] < share[r]);
                load[owner]++;
                owners[partition] = owner;
            }
        }
        return owners;
    }
}
