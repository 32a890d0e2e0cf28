using BenchmarkDotNet.Attributes;
using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Partitioning;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Benchmarks;

/// <summary>
/// The default rules over every event of a 200k-line generated auth.log (about 89k events: attacks, scanners,
/// background noise, logins, sudo), per event. One thread: the figures are per core.
/// </summary>
[MemoryDiagnoser]
public class EvaluationBenchmarks
{
    private const int Lines = 200_000;
    private const int Events = 89_112;
    private List<SecurityEvent> _events = [];
    private RuleSet _rules = RuleSet.Empty;
    private SecurityEventBatch[] _batches = [];

    [GlobalSetup]
    public void Setup()
    {
        _events = GeneratedEvents.Load(Lines);
        if (_events.Count != Events)
            throw new InvalidOperationException($"expected {Events} events from the generated log, got {_events.Count}: OperationsPerInvoke would be wrong");
        _rules = RuleSetLoader.Load(GeneratedEvents.DefaultRules);
        _batches = _events.Chunk(2000).Select((c, i) => new SecurityEventBatch { BatchId = $"b{i}", Host = "bastion", RoutingKey = "p00", Events = c }).ToArray();
    }

    /// <summary>One engine, all rules, every event (the single-process and `rules test` path).</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int Evaluate()
    {
        var engine = new DetectionEngine(_rules);
        var alerts = new List<AlertRaised>();
        foreach (var e in _events)
            engine.Process(e, alerts);
        return alerts.Count;
    }

    /// <summary>What a replica does per event: the reorder buffer, then the engine.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int ReorderAndEvaluate()
    {
        var engine = new DetectionEngine(_rules);
        var buffer = new ReorderBuffer<int>(TimeSpan.Zero, 1_000_000);
        var released = new List<(SecurityEvent Event, int Item)>();
        var alerts = new List<AlertRaised>();
        foreach (var batch in _batches)
        {
            foreach (var e in batch.Events)
                buffer.Add(e, 0, 0);
            buffer.Release(0, released);
            foreach (var (e, _) in released)
                engine.Process(e, alerts);
            released.Clear();
        }
        return alerts.Count;
    }

    /// <summary>The routing stage: a collector batch split into the dimensions' partitions.</summary>
    [Benchmark(OperationsPerInvoke = Events)]
    public int Route()
    {
        var n = 0;
        foreach (var batch in _batches)
            n += EventRouter.Route([batch], _rules).Count;
        return n;
    }
}
