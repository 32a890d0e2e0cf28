using LogSentinel.Contracts;

namespace LogSentinel.Detector.Evaluation;

/// <summary>
/// Puts events back into event-time order before the rules see them. Events reach a replica through several queues
/// and consumers, so neighbours can arrive swapped; each event waits here up to the lateness (arrival time) for
/// earlier ones, and leaves in <see cref="EventOrder"/>. An event that arrives after a later one has already left
/// is released at once and counted as late: rules still count it, their windows measure from the earliest to the
/// latest event they hold. The buffer is bounded: when full, the earliest event leaves whatever its age.
/// </summary>
public sealed class ReorderBuffer<T>(TimeSpan lateness, int capacity)
{
    private readonly PriorityQueue<(T Item, long Arrival), SecurityEvent> _queue = new(EventOrder.Instance);
    private SecurityEvent? _lastReleased;

    public int Count => _queue.Count;

    public long Late { get; private set; }

    public void Add(SecurityEvent e, T item, long arrivalTicks)
    {
        if (_lastReleased is not null && EventOrder.Instance.Compare(e, _lastReleased) < 0)
            Late++;
        _queue.Enqueue((item, arrivalTicks), e);
    }

    /// <summary>Releases, in order, every event that waited long enough (all of them with <paramref name="all"/>).</summary>
    public void Release(long nowTicks, List<(SecurityEvent Event, T Item)> output, bool all = false)
    {
        var due = nowTicks - lateness.Ticks;
        while (_queue.TryPeek(out var head, out var e))
        {
            var late = _lastReleased is not null && EventOrder.Instance.Compare(e, _lastReleased) < 0;
            if (!all && !late && head.Arrival > due && _queue.Count <= capacity)
                break;
            _queue.Dequeue();
            if (_lastReleased is null || EventOrder.Instance.Compare(e, _lastReleased) > 0)
                _lastReleased = e;
            output.Add((e, head.Item));
        }
    }

    /// <summary>The events waiting whose item matches, in no particular order (what a checkpoint must carry along).</summary>
    public List<SecurityEvent> Waiting(Func<T, bool> match)
    {
        var waiting = new List<SecurityEvent>();
        foreach (var ((item, _), e) in _queue.UnorderedItems)
        {
            if (match(item))
                waiting.Add(e);
        }
        return waiting;
    }

    /// <summary>Wall-clock ticks at which the earliest event is due, or null when empty.</summary>
    public long? NextDueTicks => _queue.TryPeek(out var head, out _) ? head.Arrival + lateness.Ticks : null;
}
