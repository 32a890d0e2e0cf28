using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Evaluation;

/// <summary>
/// threshold: at least N matching events for the key within the window (and, with min_span, spread over at least
/// it). Only the last N events are kept: N of them fit in the window exactly when the oldest of the last N is no older
/// than the window.
/// </summary>
internal sealed class ThresholdEvaluator(Rule rule) : RuleEvaluator<ThresholdEvaluator.State>(rule)
{
    internal sealed class State(int capacity) : KeyState
    {
        public SeenRing Recent = new(capacity);
    }

    protected override TimeSpan Retention => Rule.Window;

    protected override State NewState() => new((int)Rule.Threshold);

    protected override AlertEpisode? Evaluate(State state, string key, SecurityEvent e, in Seen seen, bool isThen)
    {
        ref var recent = ref state.Recent;
        recent.Add(seen);
        if (recent.Count < recent.Capacity || recent.SpanTicks() > Rule.Window.Ticks || recent.SpanTicks() < Rule.MinSpan.Ticks)
            return null;
        var episode = Open(key, recent.Earliest(), seen.Ticks);
        for (var i = 0; i < recent.Count; i++)
            episode.Add(recent[i], null);
        episode.SetCount(episode.Events);
        recent.Clear();
        return episode;
    }

    protected override void SaveState(State state, BinaryWriter w) => state.Recent.Save(w);

    protected override void LoadState(State state, BinaryReader r) => state.Recent.Load(r);

    protected override bool KeepsAfterReset(State state, string? user)
    {
        state.Recent.RemoveAccount(user);
        return state.Recent.Count > 0;
    }

    protected override void Extend(State state, AlertEpisode episode, SecurityEvent e, in Seen seen, bool isThen)
    {
        episode.Add(seen, null);
        episode.SetCount(episode.Events);
    }
}
