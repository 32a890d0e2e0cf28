using Microsoft.Extensions.Configuration;

namespace LogSentinel.ServiceDefaults;

/// <summary>
/// Lists of an earlier configuration layer that a later one replaces. Configuration merges lists by index: over a
/// file listing three files, Collector__Files__0 and Collector__Files__1 would still leave the file's third one
/// followed. Here a later key with a numeric segment (Files:0, Recipients:0:Email) whose parent is a list of the
/// earlier layer drops that whole list from the earlier layer, so the later layer's elements are the list.
/// </summary>
public static class ReplacedLists
{
    /// <param name="earlier">The earlier layer's keys and values; the replaced lists' keys are removed from it.</param>
    /// <param name="lists">The paths that are lists in the earlier layer (Collector:Files).</param>
    /// <param name="laterKeys">Every key the later layer sets.</param>
    public static void Drop(IDictionary<string, string?> earlier, IReadOnlySet<string> lists, IEnumerable<string> laterKeys)
    {
        var replaced = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var key in laterKeys)
        {
            if (ReplacedList(key, lists) is { } list)
                replaced.Add(list);
        }
        if (replaced.Count == 0)
            return;
        foreach (var key in earlier.Keys.Where(k => replaced.Any(list => IsWithin(k, list))).ToList())
            earlier.Remove(key);
    }

    /// <summary>The outermost list of the earlier layer that <paramref name="key"/> sets an element of, if any.</summary>
    private static string? ReplacedList(string key, IReadOnlySet<string> lists)
    {
        var segments = key.Split(ConfigurationPath.KeyDelimiter);
        for (var i = 1; i < segments.Length; i++)
        {
            if (!IsIndex(segments[i]))
                continue;
            var parent = string.Join(ConfigurationPath.KeyDelimiter, segments, 0, i);
            if (lists.Contains(parent))
                return parent;
        }
        return null;
    }

    private static bool IsIndex(string segment) => segment.Length > 0 && segment.All(char.IsAsciiDigit);

    private static bool IsWithin(string key, string list) =>
        key.StartsWith(list + ConfigurationPath.KeyDelimiter, StringComparison.OrdinalIgnoreCase);
}
