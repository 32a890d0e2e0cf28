using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Benchmarks;

/// <summary>
/// Memory of the rule state at N tracked source addresses: N distinct addresses fail one SSH login each within
/// ten minutes (a botnet's spread, the worst case for state), under the default rules. Reports the managed heap
/// growth per address and per tracked key (one address is a key of several rules).
/// </summary>
public static class KeyMemory
{
    public static int Measure(int addresses)
    {
        var rules = RuleSetLoader.Load(GeneratedEvents.DefaultRules);
        var start = new DateTime(2026, 2, 24, 10, 0, 0, DateTimeKind.Utc);
        var users = new[] { "root", "admin", "test", "oracle", "ubuntu", "pi" };
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var engine = new DetectionEngine(rules);
        var alerts = new List<AlertRaised>();
        for (var i = 0; i < addresses; i++)
        {
            // Made one by one and dropped: what stays on the heap is what the rules keep (with the strings they hold).
            var ip = $"{11 + i / 65536 % 200}.{i / 256 % 256}.{i % 256}.{1 + i / 13_107_200}";
            var e = new SecurityEvent
            {
                Timestamp = start.AddTicks(TimeSpan.FromMinutes(10).Ticks / addresses * i),
                Event = new EventFields { Id = $"bastion-{i:x8}", Action = EventActions.SshLoginFailed, Outcome = EventOutcomes.Failure, Category = ["authentication"], Dataset = EventDatasets.Auth },
                Host = new HostFields { Name = "bastion" },
                Source = new SourceFields { Address = ip, Ip = ip },
                User = new UserFields { Name = users[i % users.Length] },
                Log = new LogFields { File = new LogFileFields { Path = "/var/log/auth.log" }, Offset = i * 100L },
            };
            engine.Process(e, alerts);
        }
        var after = GC.GetTotalMemory(forceFullCollection: true);
        var keys = engine.TrackedKeys;
        var grown = after - before;
        Console.WriteLine($"{addresses} addresses, {keys} tracked keys over {rules.Rules.Count} rules: rule state {grown / 1048576.0:F0} MiB managed heap, "
            + $"{(double)grown / addresses:F0} B per address, {(double)grown / keys:F0} B per tracked key; {alerts.Count} alert revisions");
        GC.KeepAlive(engine);
        return 0;
    }
}
