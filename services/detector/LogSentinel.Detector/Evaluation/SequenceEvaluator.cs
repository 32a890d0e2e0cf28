using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Evaluation;

/// <summary>
/// sequence: N failures (match) then a success (then) for the same key, all within the window: the password was
/// probably guessed. A success that does not complete the sequence resets the count, as the failures led nowhere.
/// </summary>
internal sealed class SequenceEvaluator(Rule rule) : RuleEvaluator<SequenceEvaluator.State>(rule)
{
    internal sealed class State(int capacity) : KeyState
    {
        public SeenRing Failures = new(capacity);
    }

    protected override TimeSpan Retention => Rule.Window;

    protected override State NewState() => new((int)Rule.Threshold);

    protected override void SaveState(State state, BinaryWriter w) => state.Failures.Save(w);

    protected override void LoadState(State state, BinaryReader r) => state.Failures.Load(r);

    protected override AlertEpisode? Evaluate(State state, string key, SecurityEvent e, in Seen seen, bool isThen)
    {
        ref var failures = ref state.Failures;
        if (!isThen)
        {
            failures.Add(seen);
            return null;
        }
        if (failures.Count < failures.Capacity || seen.Ticks - failures.EarliestTicks() > Rule.Window.Ticks)
        {
            failures.Clear();
            return null;
        }
        var episode = Open(key, failures.Earliest(), seen.Ticks);
        for (var i = 0; i < failures.Count; i++)
            episode.Add(failures[i], null);
        episode.SetCount(failures.Count);
        episode.Add(seen, null);
        failures.Clear();
        return episode;
    }

    protected override void Extend(State state, AlertEpisode episode, SecurityEvent e, in Seen seen, bool isThen)
    {
        episode.Add(seen, null);
        if (!isThen)
            episode.SetCount(episode.Count + 1);
    }
}
