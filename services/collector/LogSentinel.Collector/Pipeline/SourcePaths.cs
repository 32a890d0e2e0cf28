namespace LogSentinel.Collector.Pipeline;

/// <summary>Turns the configured file names into paths: a * or ? in the last part matches the files there now.</summary>
public static class SourcePaths
{
    public static IReadOnlyList<string> Expand(IEnumerable<string> patterns)
    {
        var paths = new List<string>();
        foreach (var pattern in patterns)
        {
            var name = Path.GetFileName(pattern);
            if (name.IndexOfAny(['*', '?']) < 0)
            {
                paths.Add(Path.GetFullPath(pattern));
                continue;
            }
            var directory = Path.GetDirectoryName(Path.GetFullPath(pattern))!;
            if (Directory.Exists(directory))
                paths.AddRange(Directory.EnumerateFiles(directory, name).Order(StringComparer.Ordinal));
        }
        return paths.Distinct(StringComparer.Ordinal).ToList();
    }
}
