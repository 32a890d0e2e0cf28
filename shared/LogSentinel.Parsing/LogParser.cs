using System.Text;
using System.Text.Unicode;
using LogSentinel.Contracts;
using LogSentinel.Parsing.Framing;
using LogSentinel.Parsing.Identity;
using LogSentinel.Parsing.Messages;
using LogSentinel.Parsing.Scanning;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing;

/// <summary>
/// Parses one stream of log lines (a file or a journal) into security events. Stateful on purpose: years move
/// on at the turn of the year, sshd connections are remembered by pid so a line without an address gets the
/// one its connection named. Never throws on input: a line it cannot read is counted and skipped.
/// Not thread-safe: one instance per stream.
/// </summary>
public sealed class LogParser
{
    private readonly LogParserOptions _options;
    private readonly Action<SecurityEvent>? _onEvent;
    private readonly Func<EventBatch, EventBatch>? _onBatchFull;
    private EventBatch? _batch;
    private readonly TimeResolver _times;
    private readonly JournalJsonFramer _journal = new();
    private readonly EventFactory _factory;
    private readonly Utf8StringCache _strings = new();
    private readonly SshSessions _ssh = new();
    private readonly AttemptLedger _attempts = new();
    private readonly ParseContext _context;
    private readonly List<PendingEvent> _evicted = new();
    private readonly RecentString _hosts;
    private readonly RecentString _programs;
    private DateTime _lastTime;

    /// <summary>Events are built and handed to <paramref name="onEvent"/> as each line is parsed.</summary>
    public LogParser(LogParserOptions options, Action<SecurityEvent> onEvent)
        : this(options)
    {
        _onEvent = onEvent;
    }

    /// <summary>
    /// Events are collected into <paramref name="batch"/>; when it fills up it is handed to
    /// <paramref name="onBatchFull"/>, which returns an empty batch to go on with. The caller writes the events
    /// with <see cref="EventBatch.WriteJsonLines"/>, typically on another thread; call <see cref="Flush"/> at the end and
    /// hand over the last batch (<see cref="CurrentBatch"/>) too.
    /// </summary>
    public LogParser(LogParserOptions options, EventBatch batch, Func<EventBatch, EventBatch> onBatchFull)
        : this(options)
    {
        _batch = batch;
        _onBatchFull = onBatchFull;
    }

    /// <summary>The batch events go into now (batched mode only).</summary>
    public EventBatch? CurrentBatch => _batch;

    private LogParser(LogParserOptions options)
    {
        _options = options;
        _times = new TimeResolver(options.TimeZone, options.Year, options.ReferenceTime);
        _factory = new EventFactory(options.DefaultHost, options.FilePath);
        _context = new ParseContext(_ssh);
        _hosts = new RecentString(_strings, FieldLimits.Host);
        _programs = new RecentString(_strings, FieldLimits.Program);
        _lastTime = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(options.ReferenceTime, DateTimeKind.Unspecified), options.TimeZone);
    }

    public ParseStats Stats { get; } = new();

    /// <summary>Parses one line (without its line feed); <paramref name="offset"/> is where it starts in the stream.</summary>
    public void ParseLine(ReadOnlySpan<byte> line, long offset)
    {
        Stats.Lines++;
        switch (Inspect(ref line))
        {
            case LineCheck.Empty:
                return;
            case LineCheck.Oversize:
                Stats.Oversize++;
                return;
            case LineCheck.Garbled:
                Stats.Garbled++;
                break;
        }
        ProcessLine(line, offset);
    }

    /// <summary>
    /// Completes a chunk a <see cref="LineScanner"/> has scanned: resolves what needed the stream's state and
    /// reports the events, exactly as <see cref="ParseLine"/> would have for each of its lines. Chunks must come
    /// in stream order; the chunk can be reused once this returns.
    /// </summary>
    public void Complete(ScannedChunk chunk)
    {
        Stats.Lines += chunk.LinesRead;
        Stats.Unframed += chunk.Unframed;
        Stats.Oversize += chunk.Oversize;
        Stats.Garbled += chunk.Garbled;
        var drafts = chunk.Drafts;
        foreach (ref readonly var s in chunk.Lines)
        {
            var line = chunk.Buffer.AsSpan(s.Start, s.Length);
            // Stamps a scanner keeps are ones that always resolve; a failure would leave the time as it was.
            if ((s.HasTime && _times.TryResolve(s.Time, out var time)) || (!s.HasTime && s.HasPrevious && _times.TryResolve(s.Previous, out time)))
                _lastTime = time;
            switch (s.Kind)
            {
                case ScannedKind.Reparse:
                    ProcessLine(line, s.Offset);
                    break;
                case ScannedKind.Recognised:
                    _context.Clear();
                    for (var i = 0; i < s.DraftCount; i++)
                    {
                        ref readonly var draft = ref drafts[s.FirstDraft + i];
                        _context.Drafts.Add(draft.Action, draft.Outcome) = draft;
                    }
                    _context.SetConnectionAddress(s.ConnectionAddress, s.ConnectionStarts);
                    Report(line, line, s.Offset, s.HostLength < 0 ? default : line.Slice(s.HostStart, s.HostLength),
                        s.ProgramLength < 0 ? default : line.Slice(s.ProgramStart, s.ProgramLength), s.Pid, s.Repeated, journal: false);
                    break;
            }
        }
        if (chunk.HasLastStamp && _times.TryResolve(chunk.LastStamp, out var last))
            _lastTime = last;
    }

    /// <summary>Trims a carriage return and tells whether the line is empty, too long, or holds bytes that are not UTF-8 (or NUL).</summary>
    internal static LineCheck Inspect(ref ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == '\r')
            line = line[..^1];
        if (line.IsEmpty)
            return LineCheck.Empty;
        if (line.Length > FieldLimits.Line)
            return LineCheck.Oversize;
        // One vectorised pass for the common case: ASCII without NUL.
        if (line.IndexOfAnyExceptInRange((byte)1, (byte)0x7F) >= 0 && (line.Contains((byte)0) || !Utf8.IsValid(line)))
            return LineCheck.Garbled;
        return LineCheck.Good;
    }

    private void ProcessLine(ReadOnlySpan<byte> line, long offset)
    {
        var frame = new LineFrame();
        ReadOnlySpan<byte> text;
        var journal = _options.Format == LogFormat.JournalJson || (_options.Format == LogFormat.Auto && line[0] == '{');
        if (journal)
        {
            if (!_journal.TryFrame(line, ref frame))
            {
                Stats.Unframed++;
                return;
            }
            text = _journal.Text;
            if (frame.HasTime)
                _lastTime = frame.Utc;
        }
        else
        {
            if (!SyslogFramer.TryFrame(line, ref frame))
            {
                Stats.Unframed++;
                return;
            }
            if (frame.HasTime)
            {
                if (!_times.TryResolve(frame.Raw, out var utc))
                {
                    Stats.Unframed++;
                    return;
                }
                _lastTime = utc;
            }
            text = line;
        }

        var message = Bytes.TrimEndSpaces(frame.Message);
        var repeated = RepeatedMessage.Unwrap(ref message);
        _context.Clear();
        var host = frame.Host.IsEmpty ? _options.DefaultHost : _hosts.Get(frame.Host);
        MessageDispatch.Parse(frame.Program, new MessageInput(text, message, frame.Tag, host, frame.Pid, _lastTime), _context);
        Report(line, text, offset, frame.Host, frame.Program, frame.Pid, repeated, journal);
    }

    /// <summary>Reports what the message parsers put in the context for a line.</summary>
    private void Report(ReadOnlySpan<byte> line, ReadOnlySpan<byte> text, long offset, ReadOnlySpan<byte> hostBytes,
        ReadOnlySpan<byte> program, int pid, int repeated, bool journal)
    {
        if (_context.Drafts.Count == 0 && _context.ConnectionAddress.IsEmpty && !_context.ConnectionStarts)
            return;
        var host = hostBytes.IsEmpty ? _options.DefaultHost : _hosts.Get(hostBytes);
        var facts = new LineFacts(
            _lastTime,
            host,
            program.IsEmpty ? null : _programs.Get(program),
            pid,
            offset,
            // A syslog line is its own text: the batch hashes its copy later, off this thread (0 = not yet).
            journal ? EventIds.LineHash(line) : 0,
            _options.IncludeOriginal ? Original(line) : null);
        Complete(new MessageInput(text, default, default, host, pid, _lastTime), facts, repeated, line);
    }

    /// <summary>
    /// Offset of the earliest line whose events still wait for a later line (an sshd connection's address), or
    /// null: a checkpoint must not move past it, or a restart would lose those events.
    /// </summary>
    public long? EarliestWaitingOffset => _ssh.EarliestPendingOffset();

    /// <summary>
    /// Reports, without an address, waiting events of lines older than the stream's time minus the time an sshd
    /// connection can take to name its address: a live stream does not hold them, nor its checkpoint, forever.
    /// </summary>
    public void ReleaseStaleWaiting()
    {
        // Stream time moves on by seconds: looking every ten seconds of it is plenty.
        if (_lastTime - _lastRelease < TimeSpan.FromSeconds(10))
            return;
        _lastRelease = _lastTime;
        _ssh.DrainOlderThan(_lastTime - SshSessions.MaxAge, _evicted);
        if (_evicted.Count > 0)
            ReportEvicted();
    }

    private DateTime _lastRelease = DateTime.MinValue;

    /// <summary>Reports events still waiting for an address (end of the stream): they keep their own lines.</summary>
    public void Flush()
    {
        _ssh.DrainPending(_evicted);
        ReportEvicted();
    }

    private void Complete(in MessageInput input, LineFacts facts, int repeated, ReadOnlySpan<byte> line)
    {
        var drafts = _context.Drafts;
        if (_context.ConnectionStarts && input.Pid >= 0)
            _attempts.Forget(input.Host, input.Pid, facts.Program);
        // The line's own drafts are decided before drafts of earlier lines that waited for an address join them.
        for (var i = 0; i < drafts.Count; i++)
            Decide(ref drafts[i], input, facts, repeated);
        if (input.Pid >= 0)
        {
            if (_context.ConnectionStarts)
                _ssh.Reset(input.Host, input.Pid, _evicted);
            if (!_context.ConnectionAddress.IsEmpty)
            {
                var waiting = _ssh.Remember(input.Host, input.Pid, Cap(_context.ConnectionAddress.Slice(input.Text), FieldLimits.Address),
                    _strings, facts.Time, _evicted);
                if (waiting is not null)
                {
                    var address = _strings.Get(Cap(_context.ConnectionAddress.Slice(input.Text), FieldLimits.Address));
                    foreach (var p in waiting)
                    {
                        ref var d = ref drafts.Add(p.Draft.Action, p.Draft.Outcome);
                        d = p.Draft;
                        d.Address = TextRef.FromString(address);
                        d.NeedsConnectionAddress = false;
                    }
                }
            }
        }

        var index = 0;
        for (var i = 0; i < drafts.Count; i++)
        {
            ref var d = ref drafts[i];
            if (d.NeedsConnectionAddress)
            {
                var known = input.Pid >= 0 ? _ssh.AddressOf(input.Host, input.Pid, facts.Time) : null;
                if (known is not null)
                {
                    d.Address = TextRef.FromString(known);
                }
                else
                {
                    if (facts.LineHash == 0)
                        facts = facts with { LineHash = EventIds.LineHash(line) };
                    var pending = new PendingEvent { Draft = EventFactory.Detach(d, input.Text, _strings), Facts = facts, Index = index };
                    index += d.Count;
                    if (input.Pid < 0 || !_ssh.Defer(input.Host, input.Pid, pending, _evicted))
                        _evicted.Add(pending);
                    continue;
                }
            }
            for (var k = 0; k < d.Count && index < _options.MaxEventsPerLine; k++)
                Emit(facts, d, input.Text, index++, k < d.Attempts);
        }
        if (_evicted.Count > 0)
            ReportEvicted();
    }

    /// <summary>
    /// Folds the line's repetitions into the draft's count and decides how many of its events are attempts, in the
    /// conversation the line belongs to: its process (an sshd connection, a sudo run), or for mail its client address.
    /// </summary>
    private void Decide(ref EventDraft d, in MessageInput input, in LineFacts facts, int repeated)
    {
        if (d.Decided)
            return;
        d.Decided = true;
        d.Count = Math.Clamp(d.Count * repeated, 1, _options.MaxEventsPerLine);
        if (d.Attempt is AttemptKind.None or AttemptKind.Success)
        {
            d.Attempts = d.Attempt == AttemptKind.Success ? d.Count : 0;
            return;
        }
        var address = d.Address.Value ?? (d.Address.IsEmpty ? null : _strings.Get(Cap(d.Address.Slice(input.Text), FieldLimits.Address)));
        if (d.Attempt is AttemptKind.MailFront or AttemptKind.MailBack)
        {
            d.Attempts = address is null ? d.Count
                : _attempts.Offer(input.Host, MailConversation, null, address, null, d.Attempt, d.AttemptModule, d.Count, facts.Time);
            return;
        }
        if (input.Pid >= 0)
        {
            // The connection's address tells a reused pid from the same connection's next line.
            address ??= _ssh.AddressOf(input.Host, input.Pid, facts.Time);
            d.Attempts = _attempts.Offer(input.Host, input.Pid, facts.Program, null, address, d.Attempt, d.AttemptModule, d.Count, facts.Time);
            return;
        }
        // No pid (sudo writes none to syslog): the program and the account make the conversation.
        var user = d.User.Value ?? (d.User.IsEmpty ? null : _strings.Get(Cap(d.User.Slice(input.Text), FieldLimits.UserName)));
        if (user is not null)
        {
            d.Attempts = _attempts.Offer(input.Host, -1, facts.Program, user, address, d.Attempt, d.AttemptModule, d.Count, facts.Time);
            return;
        }
        // A line with nothing to join it to stands alone: it counts when it proves an attempt by itself.
        d.Attempts = d.Attempt is AttemptKind.End or AttemptKind.Key or AttemptKind.Restated or AttemptKind.RefusalEcho ? 0 : d.Count;
    }

    /// <summary>The pid of the ledger's mail conversations, which are keyed by client address instead.</summary>
    private const int MailConversation = -2;

    private void ReportEvicted()
    {
        foreach (var p in _evicted)
        {
            var times = Math.Clamp(p.Draft.Count, 1, _options.MaxEventsPerLine);
            for (var k = 0; k < times; k++)
            {
                Stats.WithoutAddress++;
                Emit(p.Facts, p.Draft, default, p.Index + k, k < p.Draft.Attempts);
            }
        }
        _evicted.Clear();
    }

    private void Emit(in LineFacts facts, in EventDraft draft, ReadOnlySpan<byte> text, int index, bool attempt)
    {
        Stats.Events++;
        if (_onEvent is not null)
        {
            _onEvent(_factory.Build(facts.LineHash == 0 ? facts with { LineHash = EventIds.LineHash(text) } : facts, draft, text, index, attempt));
            return;
        }
        if (_batch!.IsFull)
            _batch = _onBatchFull!(_batch);
        _batch.Add(_factory, facts, draft, text, index, attempt);
    }

    private static ReadOnlySpan<byte> Cap(ReadOnlySpan<byte> s, int limit) => s.Length <= limit ? s : s[..limit];

    private static string Original(ReadOnlySpan<byte> line)
    {
        if (line.Length <= FieldLimits.Original)
            return Encoding.UTF8.GetString(line);
        var n = FieldLimits.Original;
        while (n > 0 && (line[n] & 0xC0) == 0x80)
            n--;
        return Encoding.UTF8.GetString(line[..n]);
    }
}

/// <summary>What a first look at a raw line says.</summary>
internal enum LineCheck
{
    Good,
    Garbled,
    Empty,
    Oversize,
}
