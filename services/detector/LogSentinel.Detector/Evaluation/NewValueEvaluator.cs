using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Evaluation;

/// <summary>
/// new_value: a value of the field not seen for the key within the look-back (a user's first login from a country).
/// A key's very first value only starts its history: without one, every new user would raise an alert. The key
/// remembers its most recent <see cref="MaxValues"/> values. With a learning period, a key raises nothing until its
/// first sighting is that old: the values it uses meanwhile become its history (Elastic's new-terms history window).
/// </summary>
internal sealed class NewValueEvaluator(Rule rule) : RuleEvaluator<NewValueEvaluator.State>(rule)
{
    public const int MaxValues = 64;

    internal sealed class State : KeyState
    {
        public ValueSightings Known;
        public long FirstTicks = long.MaxValue;
    }

    private readonly EventField _field = rule.Field!;

    protected override TimeSpan Retention => Rule.LookBack;

    protected override State NewState() => new();

    protected override void SaveState(State state, BinaryWriter w)
    {
        state.Known.Save(w);
        w.Write(state.FirstTicks);
    }

    protected override void LoadState(State state, BinaryReader r)
    {
        state.Known.Load(r);
        state.FirstTicks = r.ReadInt64();
    }

    protected override AlertEpisode? Evaluate(State state, string key, SecurityEvent e, in Seen seen, bool isThen)
    {
        if (_field.Read(e) is not { } value)
            return null;
        var isNew = Remember(state, value, seen.Ticks);
        if (!isNew)
            return null;
        var episode = Open(key, seen, seen.Ticks);
        episode.Add(seen, value);
        episode.SetCount(1);
        return episode;
    }

    protected override void Extend(State state, AlertEpisode episode, SecurityEvent e, in Seen seen, bool isThen)
    {
        var value = _field.Read(e);
        if (value is not null && Remember(state, value, seen.Ticks))
            episode.Add(seen, value);
        else
            episode.Add(seen, null);
        episode.SetCount(episode.DistinctValues);
    }

    private static void ForgetOldest(ref ValueSightings known)
    {
        var oldest = long.MaxValue;
        for (var i = 0; i < known.Count; i++)
            oldest = Math.Min(oldest, known[i].Seen.Ticks);
        known.RemoveOlderThan(oldest + 1);
    }

    /// <summary>Records the sighting; true when the value is new for a key that already had a history.</summary>
    private bool Remember(State state, string value, long ticks)
    {
        ref var known = ref state.Known;
        // Values older than the look-back are forgotten here too, and a key with none left starts its history
        // again: a key still held behaves exactly like one already expired, whenever the expiry sweep ran.
        known.RemoveOlderThan(ticks - Rule.LookBack.Ticks);
        if (known.Count == 0)
            state.FirstTicks = ticks;
        state.FirstTicks = Math.Min(state.FirstTicks, ticks);
        var hadHistory = known.Count > 0 && ticks - state.FirstTicks >= Rule.Learning.Ticks;
        long? last = null;
        for (var i = 0; i < known.Count; i++)
        {
            if (string.Equals(known[i].Value, value, StringComparison.Ordinal))
                last = known[i].Seen.Ticks;
        }
        var isNew = hadHistory && last is null;
        known.Set(value, new Seen(ticks, "", "", null, null, null));
        if (known.Count > MaxValues)
            ForgetOldest(ref known);
        return isNew;
    }
}
