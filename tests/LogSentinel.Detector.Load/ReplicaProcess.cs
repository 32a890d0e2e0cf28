using System.Diagnostics;
using System.Globalization;
using LogSentinel.Detector.Commands;
using LogSentinel.Detector.Partitioning;
using LogSentinel.Detector.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LogSentinel.Detector.Load;

/// <summary>
/// Detector replicas for the load runs: the service's own host (RunCommand.Build) with the load's settings, in this
/// process or as a child process of this program pinned to one core, reporting what it owns and evaluated.
/// </summary>
internal static class ReplicaProcess
{
    public sealed record Measure(TimeSpan FromStart, TimeSpan FromOwned, long EventsAfterOwned, long[] PerReplica);

    public static IHost Build(string rules, string id, string store) => RunCommand.Build("/nonexistent/detector.yaml", optional: true, c => c.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Detector:Rules"] = rules,
        ["Detector:ReplicaId"] = id,
        ["Detector:Store:ConnectionString"] = store,
        // Replicas that start together settle who owns what within a second, not a fleet's heartbeat.
        ["Detector:HeartbeatInterval"] = "00:00:00.200",
        ["Logging:LogLevel:Default"] = "Warning",
    }));

    /// <summary>
    /// The child: runs one replica and prints "owned evaluated" every 50 ms until killed, or until its input closes
    /// (the parent is gone, however it ended).
    /// </summary>
    public static async Task<int> RunAsync(string rules, string id, string store)
    {
        using var host = Build(rules, id, store);
        await host.StartAsync();
        var worker = host.Services.GetRequiredService<DetectionWorker>();
        var coordinator = host.Services.GetRequiredService<OwnershipCoordinator>();
        var parentGone = Task.Run(() => Console.In.ReadToEnd());
        while (!parentGone.IsCompleted)
        {
            Console.WriteLine($"{coordinator.Owned.Count} {worker.EventsEvaluated}");
            await Task.Delay(50);
        }
        return 0;
    }

    /// <summary>Starts the replicas at once, each on its own core, and waits until they evaluated <paramref name="expected"/>.</summary>
    public static async Task<Measure> MeasureAsync(int replicas, string rules, string store, long expected)
    {
        var owned = new int[replicas];
        var evaluated = new long[replicas];
        var children = new List<Process>();
        var clock = Stopwatch.StartNew();
        try
        {
            for (var i = 0; i < replicas; i++)
            {
                var start = new ProcessStartInfo("taskset", ["-c", (i % Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture),
                    Environment.ProcessPath!, "replica", rules, $"load-{i}", store]) { RedirectStandardOutput = true, RedirectStandardInput = true };
                var child = Process.Start(start)!;
                children.Add(child);
                var index = i;
                child.OutputDataReceived += (_, line) =>
                {
                    if (line.Data?.Split(' ') is [var o, var e] && int.TryParse(o, out var ownedNow) && long.TryParse(e, out var evaluatedNow))
                    {
                        Volatile.Write(ref owned[index], ownedNow);
                        Volatile.Write(ref evaluated[index], evaluatedNow);
                    }
                };
                child.BeginOutputReadLine();
            }
            TimeSpan? ownedAt = null;
            long evaluatedWhenOwned = 0;
            while (evaluated.Sum() < expected && clock.Elapsed < TimeSpan.FromMinutes(10))
            {
                if (ownedAt is null && owned.Sum() == Dimensions.AllPartitions.Count && owned.All(n => n > 0))
                    (ownedAt, evaluatedWhenOwned) = (clock.Elapsed, evaluated.Sum());
                await Task.Delay(5);
            }
            var total = clock.Elapsed;
            var fromOwned = total - (ownedAt ?? TimeSpan.Zero);
            return new Measure(total, fromOwned, expected - evaluatedWhenOwned, [.. evaluated]);
        }
        finally
        {
            foreach (var child in children)
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
            }
        }
    }
}
