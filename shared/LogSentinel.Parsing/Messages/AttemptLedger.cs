using System.Runtime.InteropServices;

namespace LogSentinel.Parsing.Messages;

/// <summary>
/// Decides, line by line and without looking ahead, which events stand for authentication attempts. Each
/// conversation (an sshd or dropbear connection, a sudo/su/login process, the mail attempts of one address) keeps
/// one tally per <see cref="AttemptKind"/>; the attempts it has made are the largest tally (the mail front ends'
/// tallies added up), and an event is an attempt exactly when it raises that number. So the earliest line that
/// proves an attempt counts it and the lines that restate it do not, whatever order the programs log them in,
/// and a line read alone (a corpus of single lines, a lost neighbour) still counts.
/// Bounded: two generations of at most <see cref="GenerationSize"/> conversations; one quiet for
/// <see cref="MaxAge"/> starts afresh.
/// </summary>
internal sealed class AttemptLedger
{
    public const int GenerationSize = 16 * 1024;

    /// <summary>Mail conversations have no connection id: attempts more than this apart are separate episodes.</summary>
    public static readonly TimeSpan MaxAge = SshSessions.MaxAge;

    private Dictionary<Key, Tally> _current = new();
    private Dictionary<Key, Tally> _previous = new();

    /// <summary>
    /// Records <paramref name="times"/> events of one kind in a conversation; returns how many of them are attempts
    /// (the first ones). A conversation is a process (<paramref name="pid"/> ≥ 0), or, for a process that logs no
    /// pid, the program and account in <paramref name="name"/>; mail conversations are keyed by the client address.
    /// </summary>
    public int Offer(string host, int pid, string? name, AttemptKind kind, int times, DateTime now)
    {
        switch (kind)
        {
            case AttemptKind.None:
                return 0;
            case AttemptKind.Success:
                return times;
        }
        ref var t = ref GetOrAdd(new Key(host, pid, name));
        if (t.Seen != default && (now - t.Seen > MaxAge || t.Seen - now > MaxAge))
            t = default;
        t.Seen = now;
        var attempts = 0;
        for (var i = 0; i < times; i++)
        {
            switch (kind)
            {
                case AttemptKind.Guess: t.Guess++; break;
                case AttemptKind.Refusal: t.Refusal++; break;
                case AttemptKind.RefusalEcho: t.RefusalEcho++; break;
                case AttemptKind.PamError: t.PamError++; break;
                case AttemptKind.PamModule: t.PamModule++; break;
                case AttemptKind.MailFront: t.Front++; break;
                case AttemptKind.MailBack: t.Back++; break;
                case AttemptKind.KeyInvalid: t.Once = 1; break;
                case AttemptKind.EndNamed: t.Once = 1; break;
                case AttemptKind.End:
                    if (!t.Started)
                        continue;
                    t.Once = 1;
                    break;
                default: // Restated, Key: authentication began, nothing to count
                    t.Started = true;
                    continue;
            }
            t.Started = true;
            var made = Math.Max(Math.Max(Math.Max(t.Guess, t.Refusal), Math.Max(t.RefusalEcho, t.PamError)),
                Math.Max(Math.Max(t.PamModule, t.Once), Math.Max(t.Front, t.Back)));
            if (made > t.Counted)
            {
                t.Counted = made;
                attempts++;
            }
        }
        return attempts;
    }

    private ref Tally GetOrAdd(Key key)
    {
        if (_current.Count >= GenerationSize && !_current.ContainsKey(key))
        {
            (_previous, _current) = (_current, _previous);
            _current.Clear();
        }
        ref var t = ref CollectionsMarshal.GetValueRefOrAddDefault(_current, key, out var exists);
        if (!exists && _previous.Count > 0 && _previous.Remove(key, out var moved))
            t = moved;
        return ref t;
    }

    /// <summary>Host strings come from a cache, so they are usually the same instance: compare that first.</summary>
    private readonly struct Key(string host, int pid, string? name) : IEquatable<Key>
    {
        private readonly string _host = host;
        private readonly int _pid = pid;
        private readonly string? _name = name;

        public bool Equals(Key other) =>
            _pid == other._pid
            && (ReferenceEquals(_host, other._host) || string.Equals(_host, other._host, StringComparison.Ordinal))
            && string.Equals(_name, other._name, StringComparison.Ordinal);

        public override bool Equals(object? obj) => obj is Key k && Equals(k);

        public override int GetHashCode() => HashCode.Combine(_pid, _host.Length, _name is null ? 0 : string.GetHashCode(_name, StringComparison.Ordinal));
    }

    private struct Tally
    {
        public DateTime Seen;
        public int Guess, Refusal, RefusalEcho, PamError, PamModule, Front, Back;
        /// <summary>An end of the connection or a key for a missing account: worth one attempt at most.</summary>
        public int Once;
        public int Counted;
        public bool Started;
    }
}
