using System.Runtime.InteropServices;
using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Evaluation;

/// <summary>
/// One rule's state: a small record per group key, dropped once the key has been quiet for the rule's window (or
/// look-back) and its alert's cooldown is over, so memory follows the keys that are active, not all keys ever seen.
/// </summary>
internal abstract class RuleEvaluator(Rule rule)
{
    public Rule Rule { get; } = rule;

    public abstract int Keys { get; }

    /// <summary>An event the rule's match (or then) accepted, in event-time order, under its group key.</summary>
    public abstract void Process(SecurityEvent e, string key, bool isThen, List<AlertRaised> output);

    /// <summary>
    /// An event the rule's reset accepted (threshold, distinct): the failures so far led to a login, so the key's count
    /// starts again. An alert already open for the key is not a mistyped password: it stays, counting until its cooldown.
    /// </summary>
    public abstract void Reset(SecurityEvent e, string key, List<AlertRaised> output);

    /// <summary>Closes the alerts whose cooldown is over and forgets the keys that can no longer fire.</summary>
    public abstract void Expire(long nowTicks, List<AlertRaised> output);

    /// <summary>End of input: every open alert gets its final revision.</summary>
    public abstract void CloseAll(List<AlertRaised> output);

    /// <summary>Every key's state and open alert, for a checkpoint.</summary>
    public abstract void Save(BinaryWriter w);

    /// <summary>Replaces the state with a checkpoint's (of the same rule definition).</summary>
    public abstract void Load(BinaryReader r);

    public static RuleEvaluator Create(Rule rule) => rule.Type switch
    {
        RuleType.Threshold => new ThresholdEvaluator(rule),
        RuleType.Distinct or RuleType.Fleet => new DistinctEvaluator(rule),
        RuleType.Sequence => new SequenceEvaluator(rule),
        RuleType.NewValue => new NewValueEvaluator(rule),
        RuleType.ImpossibleTravel => new ImpossibleTravelEvaluator(rule),
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule.Type, "unknown rule type"),
    };
}

internal class KeyState
{
    public long LastTicks;
    public AlertEpisode? Episode;
}

internal abstract class RuleEvaluator<TState>(Rule rule) : RuleEvaluator(rule) where TState : KeyState
{
    private readonly Dictionary<string, TState> _keys = new(StringComparer.Ordinal);
    private long _nextSweepTicks;

    public override int Keys => _keys.Count;

    /// <summary>How long after its last event a key's state can still make the rule fire.</summary>
    protected abstract TimeSpan Retention { get; }

    protected abstract TState NewState();

    /// <summary>No alert open for the key: update the key's state; a new episode when the rule fires.</summary>
    protected abstract AlertEpisode? Evaluate(TState state, string key, SecurityEvent e, in Seen seen, bool isThen);

    /// <summary>An alert is open for the key: count the event into it.</summary>
    protected abstract void Extend(TState state, AlertEpisode episode, SecurityEvent e, in Seen seen, bool isThen);

    /// <summary>Events the rule's match accepts but that it cannot judge: they create no key and touch no alert.</summary>
    protected virtual bool Ignores(SecurityEvent e) => false;

    public override void Process(SecurityEvent e, string key, bool isThen, List<AlertRaised> output)
    {
        if (Ignores(e))
            return;
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_keys, key, out var exists);
        if (!exists)
            slot = NewState();
        var state = slot!;
        var seen = Seen.Of(e);
        if (state.Episode is { } ended && seen.Ticks >= ended.CooldownUntilTicks)
        {
            output.Add(ended.Close());
            state.Episode = null;
        }
        if (state.Episode is { } open)
        {
            Extend(state, open, e, seen, isThen);
            if (open.TakeRevision() is { } revision)
                output.Add(revision);
        }
        else if (Evaluate(state, key, e, seen, isThen) is { } fired)
        {
            state.Episode = fired;
            output.Add(fired.TakeRevision()!);
        }
        if (seen.Ticks > state.LastTicks)
            state.LastTicks = seen.Ticks;
    }

    public override void Reset(SecurityEvent e, string key, List<AlertRaised> output)
    {
        // A key never seen has nothing to clear: a login creates no state (most logins follow no failure at all).
        if (!_keys.TryGetValue(key, out var state))
            return;
        if (state.Episode is { } ended && e.Timestamp.Ticks >= ended.CooldownUntilTicks)
        {
            output.Add(ended.Close());
            state.Episode = null;
        }
        // Without an open alert a key is nothing but its count: forgetting what the account did clears it (what is
        // left is other accounts' failures: a login as one's own account must not wipe guesses at root).
        if (state.Episode is null && !KeepsAfterReset(state, e.User?.Name))
            _keys.Remove(key);
    }

    /// <summary>
    /// Forgets, from a key's count, what the reset event's account did (and what named no account); true when
    /// something is left to count. By default the whole key is forgotten.
    /// </summary>
    protected virtual bool KeepsAfterReset(TState state, string? user) => false;

    public override void Expire(long nowTicks, List<AlertRaised> output)
    {
        if (nowTicks < _nextSweepTicks)
            return;
        var retention = Retention.Ticks;
        // A sweep walks every key: run it a few times per retention period, not per event.
        _nextSweepTicks = nowTicks + Math.Max(TimeSpan.TicksPerMinute, (retention + Rule.Cooldown.Ticks) / 4);
        foreach (var (key, state) in _keys)
        {
            if (state.Episode is { } episode && nowTicks >= episode.CooldownUntilTicks)
            {
                output.Add(episode.Close());
                state.Episode = null;
            }
            if (state.Episode is null && state.LastTicks + retention < nowTicks)
                _keys.Remove(key);
        }
    }

    public override void CloseAll(List<AlertRaised> output)
    {
        foreach (var state in _keys.Values)
        {
            if (state.Episode is { } episode)
            {
                output.Add(episode.Close());
                state.Episode = null;
            }
        }
    }

    public override void Save(BinaryWriter w)
    {
        w.Write(_nextSweepTicks);
        w.Write(_keys.Count);
        foreach (var (key, state) in _keys)
        {
            w.Write(key);
            w.Write(state.LastTicks);
            w.Write(state.Episode is not null);
            state.Episode?.Save(w);
            SaveState(state, w);
        }
    }

    public override void Load(BinaryReader r)
    {
        _keys.Clear();
        _nextSweepTicks = r.ReadInt64();
        var count = r.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var key = r.ReadString();
            var state = NewState();
            state.LastTicks = r.ReadInt64();
            if (r.ReadBoolean())
                state.Episode = AlertEpisode.Load(Rule, key, r);
            LoadState(state, r);
            _keys[key] = state;
        }
    }

    /// <summary>What the rule type keeps per key besides its time and open alert.</summary>
    protected abstract void SaveState(TState state, BinaryWriter w);

    protected abstract void LoadState(TState state, BinaryReader r);

    protected AlertEpisode Open(string key, in Seen first, long firedTicks) => new(Rule, key, first, firedTicks);
}
