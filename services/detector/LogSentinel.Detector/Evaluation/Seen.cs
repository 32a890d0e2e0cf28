using LogSentinel.Contracts;

namespace LogSentinel.Detector.Evaluation;

/// <summary>
/// What a rule remembers of one counted event: its time and the few fields an alert reports. References to the
/// event's own strings, not the event, so a tracked key costs tens of bytes per remembered event.
/// </summary>
internal readonly record struct Seen(long Ticks, string Id, string Host, string? User, string? Ip, string? Country)
{
    public static Seen Of(SecurityEvent e) =>
        new(e.Timestamp.Ticks, e.Event.Id, e.Host.Name, e.User?.Name, e.Source?.Ip, e.Source?.Geo?.CountryIsoCode);
}

/// <summary>The last N seen events of a key, oldest first; grows on demand up to its capacity.</summary>
internal sealed class SeenRing(int capacity)
{
    private Seen[] _items = new Seen[Math.Min(capacity, 4)];
    private int _start;

    public int Count { get; private set; }
    public int Capacity => capacity;

    public Seen Oldest => _items[_start];

    /// <summary>From the earliest to the latest time held: late events can sit anywhere in the ring.</summary>
    public long SpanTicks()
    {
        long min = long.MaxValue, max = long.MinValue;
        for (var i = 0; i < Count; i++)
        {
            var t = this[i].Ticks;
            min = Math.Min(min, t);
            max = Math.Max(max, t);
        }
        return Count == 0 ? 0 : max - min;
    }

    public long EarliestTicks()
    {
        var min = long.MaxValue;
        for (var i = 0; i < Count; i++)
            min = Math.Min(min, this[i].Ticks);
        return min;
    }

    public Seen this[int index] => _items[(_start + index) % _items.Length];

    public void Add(in Seen seen)
    {
        if (Count == _items.Length && Count < capacity)
        {
            var grown = new Seen[Math.Min(capacity, _items.Length * 2)];
            for (var i = 0; i < Count; i++)
                grown[i] = this[i];
            _items = grown;
            _start = 0;
        }
        if (Count < _items.Length)
        {
            _items[(_start + Count) % _items.Length] = seen;
            Count++;
        }
        else
        {
            _items[_start] = seen;
            _start = (_start + 1) % _items.Length;
        }
    }

    public void Clear()
    {
        _start = 0;
        Count = 0;
        if (_items.Length > 4)
            _items = new Seen[4];
    }
}
