using System.Globalization;
using System.Reflection;
using System.Runtime.Versioning;
using LogSentinel.Testing;

namespace LogSentinel.FaultSuite;

internal enum ServiceKind
{
    Collector,
    Detector,
    Analyzer,
    Notifier,
    Indexer,
}

/// <summary>
/// One LogSentinel service of the fleet: its built host (`dotnet HOST.dll run --config FILE`), its YAML configuration
/// and environment, and how to tell it is ready from outside: a collector's fresh "ok" health file, or a consumer on
/// each of the service's queues.
/// </summary>
internal sealed class FleetService
{
    public required string Name { get; init; }

    public required ServiceKind Kind { get; init; }

    public required string Assembly { get; init; }

    public required string Config { get; init; }

    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    public IReadOnlyList<string> Queues { get; init; } = [];

    /// <summary>A collector's state folder, where it writes its health file.</summary>
    public string? StateDirectory { get; init; }

    public ChildProcess? Process { get; set; }

    public bool IsRunning => Process is { HasExited: false };

    /// <summary>
    /// Ready by what it shows outside: its health file (collector: following its files, "ok", or "degraded" while it
    /// spools because the fleet's consumer queues do not exist yet) or consumers on its queues.
    /// </summary>
    public bool IsReady(IReadOnlyDictionary<string, uint> consumers)
    {
        if (Process is not { HasExited: false } process)
            return false;
        if (Kind == ServiceKind.Collector)
        {
            var health = Path.Combine(StateDirectory!, "health");
            if (!File.Exists(health))
                return false;
            var text = File.ReadAllText(health).Trim();
            var space = text.IndexOf(' ', StringComparison.Ordinal);
            return space > 0
                && DateTimeOffset.TryParse(text[..space], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var written)
                && written.UtcDateTime >= process.StartedAt
                && (text[(space + 1)..] == "ok" || text[(space + 1)..].StartsWith("degraded: waiting for consumer queues", StringComparison.Ordinal));
        }
        return Queues.All(q => consumers.TryGetValue(q, out var n) && n > 0);
    }
}

/// <summary>Where the services' hosts were built: each project's own output folder, in this suite's configuration.</summary>
internal static class ServiceBuilds
{
    private static readonly string Configuration =
        typeof(ServiceBuilds).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <summary>"net10.0" from ".NETCoreApp,Version=v10.0": the services target what this assembly targets.</summary>
    private static readonly string Framework =
        "net" + (typeof(ServiceBuilds).Assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName.Split("Version=v")[1] ?? "10.0");

    public static string Assembly(string projectFolder, string assemblyName)
    {
        var bin = Repository.File([.. projectFolder.Split('/'), "bin", Configuration, Framework]);
        foreach (var candidate in new[] { Path.Combine(bin, assemblyName + ".dll"), Path.Combine(bin, "linux-x64", assemblyName + ".dll") })
        {
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException($"{assemblyName} is not built in {bin}: build the solution first (dotnet build LogSentinel.sln -c {Configuration})");
    }
}
