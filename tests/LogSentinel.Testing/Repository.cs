namespace LogSentinel.Testing;

/// <summary>The repository the tests run from (the folder that holds LogSentinel.sln).</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !System.IO.File.Exists(Path.Combine(directory.FullName, "LogSentinel.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("LogSentinel.sln not found above " + AppContext.BaseDirectory);
    }
}
