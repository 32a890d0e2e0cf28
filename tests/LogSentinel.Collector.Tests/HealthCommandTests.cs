using System.Diagnostics;
using LogSentinel.Collector.Telemetry;

namespace LogSentinel.Collector.Tests;

public sealed class HealthCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("logsentinel-health-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Runs the real `logsentinel-collector health --config CONFIG`, as a container HEALTHCHECK would.</summary>
    internal static (int Exit, string Output) Health(string config)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "logsentinel-collector.dll"), "health", "--config", config, "--max-age", "30" })
            info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit(60_000);
        return (process.ExitCode, output.Trim());
    }

    [Fact]
    public void Should_read_the_state_directory_from_the_yaml_file_and_judge_the_health_file_by_its_age()
    {
        var state = Path.Combine(_dir, "state");
        Directory.CreateDirectory(state);
        var config = Path.Combine(_dir, "collector.yaml");
        File.WriteAllText(config, $"Collector:\n  StateDirectory: {state}\n  Files:\n    - /var/log/auth.log\n");

        Assert.Equal((1, "missing"), Health(config));
        HealthFile.Write(state, "ok", DateTimeOffset.UtcNow);
        Assert.Equal((0, "ok"), Health(config));
        HealthFile.Write(state, "degraded: broker unreachable, 3 batches spooled", DateTimeOffset.UtcNow.AddMinutes(-5));
        var stale = Health(config);
        Assert.Equal(1, stale.Exit);
        Assert.StartsWith("stale", stale.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_fail_with_line_and_column_on_a_broken_yaml_file()
    {
        var config = Path.Combine(_dir, "broken.yaml");
        File.WriteAllText(config, "Collector:\n  Files: [unclosed\n");
        var (exit, _) = Health(config);
        Assert.NotEqual(0, exit);
    }
}
