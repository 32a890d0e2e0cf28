using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Evaluation;

/// <summary>
/// distinct: at least N distinct values of a field for the key within the window (one address trying many users,
/// one user tried from many addresses). fleet is the same over host.name: one source failing on K hosts. The key
/// keeps the latest sighting of each value, at most N of them live at once before the rule fires.
/// </summary>
internal sealed class DistinctEvaluator(Rule rule) : RuleEvaluator<DistinctEvaluator.State>(rule)
{
    internal sealed class State : KeyState
    {
        public readonly Dictionary<string, Seen> Latest = new(StringComparer.Ordinal);
    }

    private readonly EventField _field = rule.Field!;

    protected override TimeSpan Retention => Rule.Window;

    protected override State NewState() => new();

    protected override AlertEpisode? Evaluate(State state, string key, SecurityEvent e, in Seen seen, bool isThen)
    {
        if (_field.Read(e) is not { } value)
            return null;
        var latest = state.Latest;
        latest[value] = seen;
        if (latest.Count < Rule.Threshold)
            return null;
        var oldest = seen.Ticks - Rule.Window.Ticks;
        foreach (var (v, s) in latest)
        {
            if (s.Ticks < oldest)
                latest.Remove(v);
        }
        if (latest.Count < Rule.Threshold)
            return null;
        var ordered = latest.OrderBy(p => p.Value.Ticks).ThenBy(p => p.Key, StringComparer.Ordinal).ToArray();
        var episode = Open(key, ordered[0].Value.Ticks, seen.Ticks);
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
