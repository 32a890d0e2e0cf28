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

/// <summary>
/// The last N seen events of a key, oldest first. A struct held in the key's state, starting with room for one
/// event and growing up to its capacity: most keys (one scanner, one failure) never need more.
/// </summary>
internal struct SeenRing(int capacity)
{
    private Seen[]? _items;
    private int _start;
    private long _latestTicks;

    // While events come in time order the oldest and newest are the ends of the ring; only after a late event
    // do span and earliest need a scan (a threshold of 500 would otherwise cost 500 steps per event).
    private bool _unordered;

    public int Count { get; private set; }
    public readonly int Capacity => capacity;

    public readonly Seen this[int index] => _items![(_start + index) % _items.Length];

    public void Add(in Seen seen)
    {
        if (Count > 0 && seen.Ticks < _latestTicks)
            _unordered = true;
        _latestTicks = Math.Max(_latestTicks, seen.Ticks);
        _items ??= new Seen[1];
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

    /// <summary>From the earliest to the latest time held: late events can sit anywhere in the ring.</summary>
    public readonly long SpanTicks()
    {
        if (!_unordered)
            return Count == 0 ? 0 : _latestTicks - this[0].Ticks;
        long min = long.MaxValue, max = long.MinValue;
        for (var i = 0; i < Count; i++)
        {
            var t = this[i].Ticks;
            min = Math.Min(min, t);
            max = Math.Max(max, t);
        }
        return Count == 0 ? 0 : max - min;
    }

    public readonly long EarliestTicks() => Count == 0 ? long.MaxValue : Earliest().Ticks;

    /// <summary>The event the window starts with: the earliest held, the first of equals in arrival order.</summary>
    public readonly Seen Earliest()
    {
        if (!_unordered || Count == 0)
            return this[0];
        var earliest = this[0];
        for (var i = 1; i < Count; i++)
        {
            if (this[i].Ticks < earliest.Ticks)
                earliest = this[i];
        }
        return earliest;
    }

    public void Clear()
    {
        _items = null;
        _start = 0;
        Count = 0;
        _latestTicks = 0;
        _unordered = false;
    }

    /// <summary>The events held, oldest first (a checkpoint); <see cref="Load"/> adds them back in the same order.</summary>
    public readonly void Save(BinaryWriter w)
    {
        w.Write(Count);
        for (var i = 0; i < Count; i++)
            w.Write(this[i]);
    }

    public void Load(BinaryReader r)
    {
        Clear();
        var count = r.ReadInt32();
        for (var i = 0; i < count; i++)
            Add(r.ReadSeen());
    }

    /// <summary>Forgets the events of <paramref name="user"/> and those that named no account, keeping the others in order.</summary>
    public void RemoveAccount(string? user)
    {
        if (Count == 0)
            return;
        var kept = new List<Seen>(Count);
        for (var i = 0; i < Count; i++)
        {
            var seen = this[i];
            if (seen.User is not null && !string.Equals(seen.User, user, StringComparison.Ordinal))
                kept.Add(seen);
        }
        if (kept.Count == Count)
            return;
        Clear();
        foreach (var seen in kept)
            Add(seen);
    }
}

/// <summary>
/// The latest sighting of each distinct value of a key, in a small array searched linearly: a rule needs at most
/// its threshold of them, and thresholds are tens, where a dictionary per key would cost far more memory.
/// </summary>
internal struct ValueSightings
{
    private (string Value, Seen Seen)[]? _items;

    public int Count { get; private set; }

    public readonly (string Value, Seen Seen) this[int index] => _items![index];

    public void Set(string value, in Seen seen)
    {
        for (var i = 0; i < Count; i++)
        {
            if (string.Equals(_items![i].Value, value, StringComparison.Ordinal))
            {
                _items[i].Seen = seen;
                return;
            }
        }
        _items ??= new (string, Seen)[1];
        if (Count == _items.Length)
            Array.Resize(ref _items, _items.Length * 2);
        _items[Count++] = (value, seen);
    }

    public readonly void Save(BinaryWriter w)
    {
        w.Write(Count);
        for (var i = 0; i < Count; i++)
        {
            w.Write(_items![i].Value);
            w.Write(_items[i].Seen);
        }
    }

    public void Load(BinaryReader r)
    {
        Clear();
        var count = r.ReadInt32();
        for (var i = 0; i < count; i++)
            Set(r.ReadString(), r.ReadSeen());
    }

    /// <summary>Forgets the values last seen before <paramref name="oldestTicks"/>.</summary>
    public void RemoveOlderThan(long oldestTicks)
    {
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            if (_items![i].Seen.Ticks >= oldestTicks)
                _items[kept++] = _items[i];
        }
        Array.Clear(_items ?? [], kept, Count - kept);
        Count = kept;
    }

    public void Clear()
    {
        _items = null;
        Count = 0;
    }
}
