using System.Runtime.CompilerServices;
using System.Text;
using System.Runtime.InteropServices;

namespace LogSentinel.Parsing.Messages;

/// <summary>
/// What sshd said earlier about one connection (one sshd process: host + pid): the remote address, and events
/// still waiting for it. sshd logs "Disconnecting: Too many authentication failures" or
/// "kex_exchange_identification: ..." without an address; the address is on an earlier line of the same pid
/// or, for a scanner, on the "Connection closed by ADDR" line that follows.
/// Bounded: two generations of at most <see cref="GenerationSize"/> connections; the older one is dropped whole,
/// its waiting events handed back to be reported without an address.
/// </summary>
internal sealed class SshSessions
{
    public const int GenerationSize = 16 * 1024;
    public const int MaxPendingPerSession = 8;

    /// <summary>A remembered address older than this does not belong to the same connection any more.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private Dictionary<SessionKey, SshSession> _current = new();
    private int _pending;
    private Dictionary<SessionKey, SshSession> _previous = new();

    /// <summary>The address this connection's earlier lines gave, when recent enough.</summary>
    public string? AddressOf(string host, int pid, DateTime now)
    {
        ref var s = ref Find(host, pid);
        if (Unsafe.IsNullRef(ref s))
            return null;
        return s.Address is not null && now - s.Seen <= MaxAge && s.Seen - now <= MaxAge ? s.Address : null;
    }

    /// <summary>Records the connection's address; returns the events that were waiting for it (or null).</summary>
    /// <param name="address">The address as the line wrote it; it becomes a string (through <paramref name="strings"/>)
    /// only when the connection did not already name it, as it does line after line.</param>
    public List<PendingEvent>? Remember(string host, int pid, ReadOnlySpan<byte> address, Text.Utf8StringCache strings, DateTime now,
        List<PendingEvent> evicted)
    {
        ref var s = ref GetOrAdd(host, pid, evicted);
        if (s.Address is null || !Ascii.Equals(address, s.Address))
            s.Address = strings.Get(address);
        s.Seen = now;
        var waiting = s.Pending;
        s.Pending = null;
        _pending -= waiting?.Count ?? 0;
        return waiting;
    }

    /// <summary>Keeps an event until a later line of the connection names the address.</summary>
    public bool Defer(string host, int pid, PendingEvent pending, List<PendingEvent> evicted)
    {
        ref var s = ref GetOrAdd(host, pid, evicted);
        s.Pending ??= new List<PendingEvent>(2);
        if (s.Pending.Count >= MaxPendingPerSession)
            return false;
        s.Pending.Add(pending);
        _pending++;
        return true;
    }

    /// <summary>A new connection on a reused pid: forget what the previous one said.</summary>
    public void Reset(string host, int pid, List<PendingEvent> evicted)
    {
        ref var s = ref Find(host, pid);
        if (Unsafe.IsNullRef(ref s))
            return;
        if (s.Pending is not null)
        {
            evicted.AddRange(s.Pending);
            _pending -= s.Pending.Count;
        }
        s.Pending = null;
        s.Address = null;
    }

    /// <summary>Every event still waiting, in the order they were deferred per connection; empties the table.</summary>
    public void DrainPending(List<PendingEvent> into)
    {
        foreach (var s in _previous.Values)
            if (s.Pending is not null)
                into.AddRange(s.Pending);
        foreach (var s in _current.Values)
            if (s.Pending is not null)
                into.AddRange(s.Pending);
        _previous.Clear();
        _current.Clear();
        _pending = 0;
    }

    /// <summary>Offset of the earliest line one of whose events still waits, or null.</summary>
    public long? EarliestPendingOffset()
    {
        long? earliest = null;
        if (_pending == 0)
            return null;
        foreach (var map in (ReadOnlySpan<Dictionary<SessionKey, SshSession>>)[_previous, _current])
        {
            foreach (var s in map.Values)
            {
                if (s.Pending is null)
                    continue;
                foreach (var p in s.Pending)
                {
                    if (earliest is null || p.Facts.Offset < earliest)
                        earliest = p.Facts.Offset;
                }
            }
        }
        return earliest;
    }

    /// <summary>Hands over the waiting events of lines older than <paramref name="cutoff"/>: their connection will not name an address any more.</summary>
    public void DrainOlderThan(DateTime cutoff, List<PendingEvent> into)
    {
        if (_pending == 0)
            return;
        foreach (var map in (ReadOnlySpan<Dictionary<SessionKey, SshSession>>)[_previous, _current])
        {
            foreach (var s in map.Values)
            {
                // The list is the session's own (a reference): emptying it is enough; Remember clears it later.
                if (s.Pending is not { Count: > 0 } pending)
                    continue;
                var before = into.Count;
                pending.RemoveAll(p =>
                {
                    if (p.Facts.Time >= cutoff)
                        return false;
                    into.Add(p);
                    return true;
                });
                _pending -= into.Count - before;
            }
        }
    }

    private ref SshSession Find(string host, int pid)
    {
        var key = new SessionKey(host, pid);
        ref var s = ref CollectionsMarshal.GetValueRefOrNullRef(_current, key);
        if (!Unsafe.IsNullRef(ref s) || _previous.Count == 0)
            return ref s;
        if (!_previous.Remove(key, out var moved))
            return ref Unsafe.NullRef<SshSession>();
        s = ref CollectionsMarshal.GetValueRefOrAddDefault(_current, key, out _);
        s = moved;
        return ref s;
    }

    private ref SshSession GetOrAdd(string host, int pid, List<PendingEvent> evicted)
    {
        var key = new SessionKey(host, pid);
        // Rotate only for a connection in neither generation: one of the older generation moves to the newer below.
        if (_current.Count >= GenerationSize && !_current.ContainsKey(key) && !_previous.ContainsKey(key))
        {
            foreach (var old in _previous.Values)
            {
                if (old.Pending is not null)
                {
                    evicted.AddRange(old.Pending);
                    _pending -= old.Pending.Count;
                }
            }
            (_previous, _current) = (_current, _previous);
            _current.Clear();
        }
        // One lookup in the common cases: a connection seen before, or a new one.
        ref var s = ref CollectionsMarshal.GetValueRefOrAddDefault(_current, key, out var exists);
        if (!exists && _previous.Count > 0 && _previous.Remove(key, out var moved))
            s = moved;
        return ref s;
    }

    /// <summary>Host strings come from a cache, so they are usually the same instance: compare that first, hash cheaply.</summary>
    private readonly struct SessionKey(string host, int pid) : IEquatable<SessionKey>
    {
        private readonly string _host = host;
        private readonly int _pid = pid;

        public bool Equals(SessionKey other) =>
            _pid == other._pid && (ReferenceEquals(_host, other._host) || string.Equals(_host, other._host, StringComparison.Ordinal));

        public override bool Equals(object? obj) => obj is SessionKey k && Equals(k);

        public override int GetHashCode() =>
            _pid * 397 ^ (_host.Length == 0 ? 0 : _host.Length << 16 ^ _host[0] << 8 ^ _host[^1]);
    }

    private struct SshSession
    {
        public string? Address;
        public DateTime Seen;
        public List<PendingEvent>? Pending;
    }
}

/// <summary>An event whose line had no address, kept with the facts of that line.</summary>
internal sealed class PendingEvent
{
    public required EventDraft Draft { get; init; }
    public required LineFacts Facts { get; init; }
    /// <summary>Index reserved for it on its own line, used if it is reported there after all.</summary>
    public required int Index { get; init; }
}
