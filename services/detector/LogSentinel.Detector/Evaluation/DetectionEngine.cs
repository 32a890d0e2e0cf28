using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Evaluation;

/// <summary>
/// Runs the rules over events given in event-time order; pure and single-threaded (the detector service, the
/// `rules test` command and the single-process mode all drive this one class). Rules are indexed by the actions they
/// accept, so an event is tested only against the rules that can count it. Time is the events' own: windows,
/// cooldowns and key expiry follow the log's timestamps, so a replay gives the alerts that living through it gave.
/// </summary>
public sealed class DetectionEngine
{
    private sealed class Index
    {
        public readonly Dictionary<string, RuleEvaluator[]> ByAction = new(StringComparer.Ordinal);
        public RuleEvaluator[] AnyAction = [];
    }

    private Dictionary<string, Index> _byDimension = new(StringComparer.Ordinal);
    private Index _all = new();
    private RuleEvaluator[] _evaluators = [];
    private long _nowTicks;
    private long _nextExpiryTicks;

    public RuleSet Rules { get; private set; } = RuleSet.Empty;

    public DetectionEngine(RuleSet rules) => Replace(rules);

    /// <summary>The latest event time processed.</summary>
    public DateTime Now => new(_nowTicks, DateTimeKind.Utc);

    /// <summary>Group keys held over all rules: what the engine's memory grows with.</summary>
    public long TrackedKeys => _evaluators.Sum(e => (long)e.Keys);

    /// <summary>
    /// New rules (hot reload): a rule whose definition did not change keeps its state and open alerts; a changed or
    /// new rule starts empty; the open alerts of a removed or changed rule get their final revision.
    /// </summary>
    public void Replace(RuleSet rules, List<AlertRaised>? output = null)
    {
        var kept = _evaluators.ToDictionary(e => e.Rule.Fingerprint, StringComparer.Ordinal);
        var evaluators = new List<RuleEvaluator>();
        foreach (var rule in rules.Rules)
        {
            if (kept.Remove(rule.Fingerprint, out var existing))
                evaluators.Add(existing);
            else
                evaluators.Add(RuleEvaluator.Create(rule));
        }
        foreach (var dropped in kept.Values)
            dropped.CloseAll(output ?? []);
        _evaluators = [.. evaluators];
        _all = Build(_evaluators);
        _byDimension = _evaluators.GroupBy(e => e.Rule.GroupBy.Dimension)
            .ToDictionary(g => g.Key, g => Build(g.ToArray()), StringComparer.Ordinal);
        Rules = rules;
    }

    /// <summary>Every rule that may count the event (the offline and single-process path).</summary>
    public void Process(SecurityEvent e, List<AlertRaised> output) => Process(e, _all, output);

    /// <summary>The rules of one dimension only: a replica evaluates each event of a partitioned stream once.</summary>
    public void Process(SecurityEvent e, string dimension, List<AlertRaised> output)
    {
        if (_byDimension.TryGetValue(dimension, out var index))
            Process(e, index, output);
    }

    /// <summary>Moves event time forward without an event: closes cooldowns and expires quiet keys.</summary>
    public void AdvanceTo(DateTime eventTime, List<AlertRaised> output)
    {
        if (eventTime.Ticks > _nowTicks)
            _nowTicks = eventTime.Ticks;
        Expire(output);
    }

    /// <summary>End of input: the final revision of every open alert.</summary>
    public void CloseAll(List<AlertRaised> output)
    {
        foreach (var evaluator in _evaluators)
            evaluator.CloseAll(output);
    }

    private const int SnapshotVersion = 1;

    /// <summary>
    /// The engine's whole state (event time, every rule's keys and open alerts) for a checkpoint. Each rule's part
    /// is kept under its definition's fingerprint: loaded into an engine whose rules changed meanwhile, an unchanged
    /// rule continues where it was and a changed or new one starts empty, as on a hot reload.
    /// </summary>
    public void Save(Stream output)
    {
        using var w = new BinaryWriter(output, System.Text.Encoding.UTF8, leaveOpen: true);
        w.Write(SnapshotVersion);
        w.Write(_nowTicks);
        w.Write(_nextExpiryTicks);
        w.Write(_evaluators.Length);
        using var part = new MemoryStream();
        using var pw = new BinaryWriter(part, System.Text.Encoding.UTF8, leaveOpen: true);
        foreach (var evaluator in _evaluators)
        {
            part.SetLength(0);
            evaluator.Save(pw);
            pw.Flush();
            w.Write(evaluator.Rule.Fingerprint);
            w.Write((int)part.Length);
            w.Write(part.GetBuffer(), 0, (int)part.Length);
        }
    }

    /// <summary>Replaces the state with a checkpoint's. False (and an empty state) when it is of another format.</summary>
    public bool Load(Stream input)
    {
        using var r = new BinaryReader(input, System.Text.Encoding.UTF8, leaveOpen: true);
        if (r.ReadInt32() != SnapshotVersion)
            return false;
        _nowTicks = r.ReadInt64();
        _nextExpiryTicks = r.ReadInt64();
        var byFingerprint = _evaluators.ToDictionary(e => e.Rule.Fingerprint, StringComparer.Ordinal);
        var count = r.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var fingerprint = r.ReadString();
            var bytes = r.ReadBytes(r.ReadInt32());
            if (!byFingerprint.TryGetValue(fingerprint, out var evaluator))
                continue;
            using var part = new BinaryReader(new MemoryStream(bytes, writable: false));
            evaluator.Load(part);
        }
        return true;
    }

    private void Process(SecurityEvent e, Index index, List<AlertRaised> output)
    {
        var ticks = e.Timestamp.Ticks;
        if (ticks > _nowTicks)
        {
            _nowTicks = ticks;
            if (ticks >= _nextExpiryTicks)
                Expire(output);
        }
        var byAction = index.ByAction.TryGetValue(e.Event.Action, out var candidates) ? candidates : [];
        if (byAction.Length == 0 && index.AnyAction.Length == 0)
            return;
        if (Rules.IsAllowlisted(e))
            return;
        foreach (var evaluator in byAction)
            Offer(evaluator, e, output);
        foreach (var evaluator in index.AnyAction)
            Offer(evaluator, e, output);
    }

    private static void Offer(RuleEvaluator evaluator, SecurityEvent e, List<AlertRaised> output)
    {
        var rule = evaluator.Rule;
        // A reset event is never counted, even when the match block would take it too.
        if (rule.Reset is { } reset && reset.Matches(e))
        {
            if (rule.GroupBy.KeyOf(e) is { } resetKey)
                evaluator.Reset(e, resetKey, output);
            return;
        }
        bool isThen;
        if (rule.Then is { } then && then.Matches(e))
            isThen = true;
        else if (rule.Match.Matches(e))
            isThen = false;
        else
            return;
        if (rule.GroupBy.KeyOf(e) is { } key)
            evaluator.Process(e, key, isThen, output);
    }

    private void Expire(List<AlertRaised> output)
    {
        _nextExpiryTicks = _nowTicks + TimeSpan.TicksPerMinute;
        foreach (var evaluator in _evaluators)
            evaluator.Expire(_nowTicks, output);
    }

    private static Index Build(RuleEvaluator[] evaluators)
    {
        var index = new Index();
        var any = new List<RuleEvaluator>();
        var byAction = new Dictionary<string, List<RuleEvaluator>>(StringComparer.Ordinal);
        foreach (var evaluator in evaluators)
        {
            // Every block the rule evaluates (match, then, reset) brings its actions; one that names none takes any.
            var blocks = RuleSet.Matchers(evaluator.Rule).Select(m => m.Actions).ToArray();
            if (blocks.Any(actions => actions is null))
            {
                any.Add(evaluator);
                continue;
            }
            foreach (var action in blocks.SelectMany(actions => actions!).Distinct(StringComparer.Ordinal))
            {
                if (!byAction.TryGetValue(action, out var list))
                    byAction[action] = list = [];
                list.Add(evaluator);
            }
        }
        foreach (var (action, list) in byAction)
            index.ByAction[action] = [.. list];
        index.AnyAction = [.. any];
        return index;
    }
}
