namespace LogSentinel.Testing;

/// <summary>Reading a Dockerfile without a container engine (there is none on the build machine).</summary>
public static class Dockerfiles
{
    /// <summary>The repository paths a Dockerfile COPYs from the build context (not from another stage, not the whole context).</summary>
    public static IReadOnlyList<string> CopiedSources(string dockerfile) =>
        System.IO.File.ReadAllLines(Repository.File(dockerfile))
            .Where(l => l.StartsWith("COPY ", StringComparison.Ordinal) && !l.Contains("--from", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1])
            .Where(source => source != ".")
            .ToList();
}
