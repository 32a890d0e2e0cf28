using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Benchmarks;

/// <summary>
/// What each default rule costs on its own, per event of the generated log (after one warm-up pass): finds the
/// rule that makes the set slow. The first figure is mostly the walk over the events themselves.
/// </summary>
public static class ProfileRules
{
    public static int Run()
    {
        var events = GeneratedEvents.Load(200_000);
        var all = RuleSetLoader.Load(GeneratedEvents.DefaultRules);
        foreach (var rule in all.Rules.Append(null))
        {
            var set = rule is null ? all : new RuleSet([rule], all.Allowlist, all.Files);
            System.Diagnostics.Stopwatch? clock = null;
            for (var round = 0; round < 6; round++)
            {
                if (round == 1)
                    clock = System.Diagnostics.Stopwatch.StartNew();
                var engine = new DetectionEngine(set);
                var alerts = new List<AlertRaised>();
                foreach (var e in events)
                    engine.Process(e, alerts);
            }
            Console.WriteLine($"{rule?.Id ?? "all rules",-30} {clock!.Elapsed.TotalNanoseconds / 5 / events.Count,6:F0} ns/event");
        }
        return 0;
    }
}
