using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Evaluation;

/// <summary>
/// distinct: at least N distinct values of a field for the key within the window (one address trying many users,
/// one user tried from many addresses). fleet is the same over host.name: one source failing on K hosts. The key
/// keeps the latest sighting of each value; it fires as soon as N are live, so it never holds many more.
/// </summary>
internal sealed class DistinctEvaluator(Rule rule) : RuleEvaluator<DistinctEvaluator.State>(rule)
{
    internal sealed class State : KeyState
    {
        public ValueSightings Latest;
    }

    private readonly EventField _field = rule.Field!;

    protected override TimeSpan Retention => Rule.Window;

    protected override State NewState() => new();

    protected override void SaveState(State state, BinaryWriter w) => state.Latest.Save(w);

    protected override void LoadState(State state, BinaryReader r) => state.Latest.Load(r);

    protected override AlertEpisode? Evaluate(State state, string key, SecurityEvent e, in Seen seen, bool isThen)
    {
        if (_field.Read(e) is not { } value)
            return null;
        ref var latest = ref state.Latest;
        latest.Set(value, seen);
        if (latest.Count < Rule.Threshold)
            return null;
        latest.RemoveOlderThan(seen.Ticks - Rule.Window.Ticks);
        if (latest.Count < Rule.Threshold)
            return null;
        var ordered = new (string Value, Seen Seen)[latest.Count];
        for (var i = 0; i < ordered.Length; i++)
            ordered[i] = latest[i];
        Array.Sort(ordered, (a, b) => a.Seen.Ticks != b.Seen.Ticks ? a.Seen.Ticks.CompareTo(b.Seen.Ticks) : string.CompareOrdinal(a.Value, b.Value));
        var episode = Open(key, ordered[0].Seen, seen.Ticks);
        foreach (var (v, s) in ordered)
            episode.Add(s, v);
        episode.SetCount(episode.DistinctValues);
        latest.Clear();
        return episode;
    }

    protected override void Extend(State state, AlertEpisode episode, SecurityEvent e, in Seen seen, bool isThen)
    {
        episode.Add(seen, _field.Read(e));
        episode.SetCount(episode.DistinctValues);
    }
}
