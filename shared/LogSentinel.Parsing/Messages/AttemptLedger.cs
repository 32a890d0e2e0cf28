using System.Runtime.InteropServices;

namespace LogSentinel.Parsing.Messages;

/// <summary>
/// Decides, line by line and without looking ahead, which events stand for authentication attempts. Each
/// conversation (an sshd or dropbear connection, a sudo/su/login process, the mail attempts of one address) keeps
/// one tally per <see cref="AttemptKind"/>; the attempts it has made are the largest tally (the mail front ends'
/// tallies added up), and an event is an attempt exactly when it raises that number. So the earliest line that
/// proves an attempt counts it and the lines that restate it do not, whatever order the programs log them in,
/// and a line read alone (a corpus of single lines, a lost neighbour) still counts.
/// Back ends that several modules speak for (a PAM stack, a chain of dovecot passdbs) are tallied per module and the
/// largest counts: one attempt rejected by pam_unix and pam_sss, or by passwd-file and then pam, is one attempt.
/// Bounded: two generations of at most <see cref="GenerationSize"/> conversations; one quiet for
/// <see cref="MaxAge"/> starts afresh, as does a process whose pid now serves another client.
/// </summary>
internal sealed class AttemptLedger
{
    public const int GenerationSize = 16 * 1024;

    /// <summary>
    /// Lines of one conversation further apart than this are separate episodes: an sshd connection is over by then
    /// (LoginGraceTime is 2 minutes), and dovecot's and postfix's lines, which share no connection id, belong to
    /// attempts made within minutes of each other.
    /// </summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private Dictionary<Key, Tally> _current = new();
    private Dictionary<Key, Tally> _previous = new();

    /// <summary>
    /// Records <paramref name="times"/> events of one kind in a conversation; returns how many of them are attempts
    /// (the first ones). A conversation is a process (<paramref name="pid"/> ≥ 0 of <paramref name="program"/>), or, for
    /// a process that logs no pid, the program and account in <paramref name="name"/>; mail conversations are keyed by
    /// the client address. <paramref name="address"/> is the remote party the line (or its connection) names: a pid
    /// that now talks to another address is a new connection. <paramref name="module"/> tells a back end's modules apart.
    /// </summary>
    public int Offer(string host, int pid, string? program, string? name, string? address, AttemptKind kind, int module, int times, DateTime now)
    {
        switch (kind)
        {
            case AttemptKind.None:
                return 0;
            case AttemptKind.Success:
                return times;
        }
        ref var t = ref GetOrAdd(new Key(host, pid, program, name));
        if (t.Seen != default && (now - t.Seen > MaxAge || t.Seen - now > MaxAge
                                  || (address is not null && t.Address is not null && !string.Equals(address, t.Address, StringComparison.Ordinal))))
            t = default;
        t.Seen = now;
        t.Address ??= address;
        var attempts = 0;
        for (var i = 0; i < times; i++)
        {
            switch (kind)
            {
                case AttemptKind.Guess: t.Guess++; break;
                case AttemptKind.Refusal: t.Refusal++; break;
                case AttemptKind.RefusalEcho: t.RefusalEcho++; break;
                case AttemptKind.PamError: t.PamError++; break;
                case AttemptKind.MailFront: t.Front++; break;
                case AttemptKind.PamModule or AttemptKind.MailBack: t.Back = t.Modules.Add(module); break;
                case AttemptKind.KeyInvalid or AttemptKind.EndNamed: t.Once = 1; break;
                case AttemptKind.End:
                    if (!t.Started)
                        continue;
                    t.Once = 1;
                    break;
                case AttemptKind.Restated or AttemptKind.Key:
                    t.Started = true;
                    continue;
                default:
                    throw new ArgumentOutOfRangeException(nameof(kind), kind, "not an attempt kind the ledger knows");
            }
            t.Started = true;
            var made = Math.Max(Math.Max(Math.Max(t.Guess, t.Refusal), Math.Max(t.RefusalEcho, t.PamError)),
                Math.Max(Math.Max(t.Back, t.Once), t.Front));
            if (made > t.Counted)
            {
                t.Counted = made;
                attempts++;
            }
        }
        return attempts;
    }

    /// <summary>A new connection starts on the pid ("Connection from ..."): what the previous one counted is over.</summary>
    public void Forget(string host, int pid, string? program)
    {
        var key = new Key(host, pid, program, null);
        _current.Remove(key);
        _previous.Remove(key);
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

    /// <summary>Host and program strings come from caches, so they are usually the same instances: compare those first.</summary>
    private readonly struct Key(string host, int pid, string? program, string? name) : IEquatable<Key>
    {
        private readonly string _host = host;
        private readonly int _pid = pid;
        private readonly string? _program = program;
        private readonly string? _name = name;

        public bool Equals(Key other) =>
            _pid == other._pid
            && (ReferenceEquals(_host, other._host) || string.Equals(_host, other._host, StringComparison.Ordinal))
            && (ReferenceEquals(_program, other._program) || string.Equals(_program, other._program, StringComparison.Ordinal))
            && string.Equals(_name, other._name, StringComparison.Ordinal);

        public override bool Equals(object? obj) => obj is Key k && Equals(k);

        public override int GetHashCode() =>
            HashCode.Combine(_pid, _host.Length, _program?.Length ?? -1, _name is null ? 0 : string.GetHashCode(_name, StringComparison.Ordinal));
    }

    private struct Tally
    {
        public DateTime Seen;
        public string? Address;
        public int Guess, Refusal, RefusalEcho, PamError, Front;
        /// <summary>The largest of the back end's per-module tallies.</summary>
        public int Back;
        /// <summary>An end of the connection or a key for a missing account: worth one attempt at most.</summary>
        public int Once;
        public int Counted;
        public bool Started;
        public ModuleTallies Modules;
    }

    /// <summary>
    /// Per-module counts of a back end, inline (no allocation per conversation): three modules are told apart, further
    /// ones share the last slot (an over-count, never a loss).
    /// </summary>
    private struct ModuleTallies
    {
        private int _a, _countA, _b, _countB, _c, _countC;

        /// <summary>Counts one rejection by <paramref name="module"/>; returns the largest module's count.</summary>
        public int Add(int module)
        {
            if (_countA == 0 || _a == module)
                (_a, _countA) = (module, _countA + 1);
            else if (_countB == 0 || _b == module)
                (_b, _countB) = (module, _countB + 1);
            else
                (_c, _countC) = (module, _countC + 1);
            return Math.Max(_countA, Math.Max(_countB, _countC));
        }
    }
}
