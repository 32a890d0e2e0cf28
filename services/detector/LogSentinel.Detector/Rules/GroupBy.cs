using LogSentinel.Contracts;

namespace LogSentinel.Detector.Rules;

/// <summary>
/// The fields a rule counts per: source.ip (optionally as an IPv6 prefix, "source.ip/64"), user.name, host.name.
/// The rule's <see cref="Dimension"/> decides which partitioned stream carries its events to the replica that owns the key.
/// </summary>
public sealed class GroupBy
{
    public const int MinV6Prefix = Partitioning.Dimensions.SourceV6PartitionBits;

    public sealed record Part(string Name, EventField Field, int? V6Prefix);

    public IReadOnlyList<Part> Parts { get; }

    /// <summary>source when any part is the source address, else user, else host.</summary>
    public string Dimension { get; }

    public GroupBy(IReadOnlyList<Part> parts)
    {
        Parts = parts;
        Dimension = parts.Any(p => p.Field == EventField.SourceIp) ? Partitioning.Dimensions.Source
            : parts.Any(p => p.Field == EventField.UserName) ? Partitioning.Dimensions.User
            : Partitioning.Dimensions.Host;
    }

    /// <summary>
    /// The key of the event ("203.0.113.45", "root|bastion"), or null when the event lacks one of the fields. In a
    /// key of several fields each value has its '\' and '|' escaped, so a user named "a|b" cannot pass for two fields.
    /// </summary>
    public string? KeyOf(SecurityEvent e)
    {
        if (Parts.Count == 1)
            return Read(Parts[0], e);
        var values = new string[Parts.Count];
        for (var i = 0; i < values.Length; i++)
        {
            if (Read(Parts[i], e) is not { } value)
                return null;
            values[i] = value.Contains('|') || value.Contains('\\') ? value.Replace("\\", "\\\\").Replace("|", "\\|") : value;
        }
        return string.Join('|', values);
    }

    /// <summary>The key split back into its fields, for the alert.</summary>
    public IReadOnlyDictionary<string, string> Describe(string key)
    {
        var group = new Dictionary<string, string>(Parts.Count);
        if (Parts.Count == 1)
        {
            group[Parts[0].Name] = key;
            return group;
        }
        var part = 0;
        var value = new System.Text.StringBuilder();
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] == '\\' && i + 1 < key.Length)
                value.Append(key[++i]);
            else if (key[i] == '|' && part < Parts.Count - 1)
            {
                group[Parts[part++].Name] = value.ToString();
                value.Clear();
            }
            else
                value.Append(key[i]);
        }
        group[Parts[part].Name] = value.ToString();
        return group;
    }

    private static string? Read(Part part, SecurityEvent e)
    {
        var value = part.Field.Read(e);
        return value is null || part.V6Prefix is not { } bits ? value : IpNetwork.PrefixOf(value, bits);
    }

    public override string ToString() => string.Join(",", Parts.Select(p => p.Name));
}
