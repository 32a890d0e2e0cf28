using System.Text;
using System.Text.Unicode;
using LogSentinel.Contracts;
using LogSentinel.Parsing.Framing;
using LogSentinel.Parsing.Identity;
using LogSentinel.Parsing.Messages;
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
    private long _lineNumber;
    private readonly TimeResolver _times;
    private readonly JournalJsonFramer _journal = new();
    private readonly EventFactory _factory;
    private readonly Utf8StringCache _strings = new();
    private readonly SshSessions _ssh = new();
    private readonly ParseContext _context;
    private readonly List<PendingEvent> _evicted = new();
    private DateTime _lastTime;
    private string? _lastHostName;
    private byte[] _lastHostBytes = new byte[64];
    private int _lastHostLength;
    private string? _lastProgramName;
    private byte[] _lastProgramBytes = new byte[64];
    private int _lastProgramLength;

    /// <summary>Events are built and handed to <paramref name="onEvent"/> as each line is parsed.</summary>
    public LogParser(LogParserOptions options, Action<SecurityEvent> onEvent)
        : this(options)
    {
        _onEvent = onEvent;
    }

    /// <summary>
    /// Events are collected into <paramref name="batch"/>; when it fills up it is handed to
    /// <paramref name="onBatchFull"/>, which returns an empty batch to go on with. The caller builds the events
    /// with <see cref="EventBatch.Build"/>, typically on another thread; call <see cref="Flush"/> at the end and
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
        _lastTime = TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(options.ReferenceTime, DateTimeKind.Unspecified), options.TimeZone);
    }

    public ParseStats Stats { get; } = new();

    /// <summary>Parses one line (without its line feed); <paramref name="offset"/> is where it starts in the stream.</summary>
    public void ParseLine(ReadOnlySpan<byte> line, long offset)
    {
        Stats.Lines++;
        _lineNumber++;
        if (line.Length > 0 && line[^1] == '\r')
            line = line[..^1];
        if (line.IsEmpty)
            return;
        if (line.Length > FieldLimits.Line)
        {
            Stats.Oversize++;
            return;
        }
        // One vectorised pass for the common case: printable-or-tab ASCII without NUL.
        if (line.IndexOfAnyExceptInRange((byte)1, (byte)0x7F) >= 0 && (line.Contains((byte)0) || !Utf8.IsValid(line)))
            Stats.Garbled++;

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
        }
        else
        {
            if (!SyslogFramer.TryFrame(line, _times, ref frame))
            {
                Stats.Unframed++;
                return;
            }
            text = line;
        }
        if (frame.HasTime)
            _lastTime = frame.Utc;

        var message = Bytes.TrimEndSpaces(frame.Message);
        var repeated = RepeatedMessage.Unwrap(ref message);
        _context.Clear();
        var host = frame.Host.IsEmpty ? _options.DefaultHost : HostName(frame.Host);
        var input = new MessageInput(text, message, frame.Tag, host, frame.Pid, _lastTime);
        MessageDispatch.Parse(frame.Program, input, _context);

        if (_context.Drafts.Count == 0 && _context.ConnectionAddress.IsEmpty && !_context.ConnectionStarts)
            return;
        var facts = new LineFacts(
            _lastTime,
            host,
            frame.Program.IsEmpty ? null : ProgramName(frame.Program),
            frame.Pid,
            offset,
            // A syslog line is its own text: the batch hashes its copy later, off this thread (0 = not yet).
            journal ? EventIds.LineHash(line) : 0,
            _options.IncludeOriginal ? Original(line) : null);
        Complete(input, facts, repeated, line);
    }

    /// <summary>Reports events still waiting for an address (end of the stream): they keep their own lines.</summary>
    public void Flush()
    {
        _ssh.DrainPending(_evicted);
        ReportEvicted();
    }

    private void Complete(in MessageInput input, LineFacts facts, int repeated, ReadOnlySpan<byte> line)
    {
        var drafts = _context.Drafts;
        if (input.Pid >= 0)
        {
            if (_context.ConnectionStarts)
                _ssh.Reset(input.Host, input.Pid, _evicted);
            if (!_context.ConnectionAddress.IsEmpty)
            {
                var address = _strings.Get(Cap(_context.ConnectionAddress.Slice(input.Text), FieldLimits.Address));
                var waiting = _ssh.Remember(input.Host, input.Pid, address, facts.Time, _evicted);
                if (waiting is not null)
                {
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
                    index += Math.Clamp(d.Count * repeated, 1, _options.MaxEventsPerLine);
                    if (input.Pid < 0 || !_ssh.Defer(input.Host, input.Pid, pending, _evicted))
                        _evicted.Add(pending);
                    continue;
                }
            }
            var times = Math.Clamp(d.Count * repeated, 1, _options.MaxEventsPerLine);
            for (var k = 0; k < times && index < _options.MaxEventsPerLine; k++)
                Emit(facts, d, input.Text, index++);
        }
        if (_evicted.Count > 0)
            ReportEvicted();
    }

    private void ReportEvicted()
    {
        foreach (var p in _evicted)
        {
            var times = Math.Clamp(p.Draft.Count, 1, _options.MaxEventsPerLine);
            for (var k = 0; k < times; k++)
            {
                Stats.WithoutAddress++;
                Emit(p.Facts, p.Draft, default, p.Index + k);
            }
        }
        _evicted.Clear();
    }

    private void Emit(in LineFacts facts, in EventDraft draft, ReadOnlySpan<byte> text, int index)
    {
        Stats.Events++;
        if (_onEvent is not null)
        {
            _onEvent(_factory.Build(facts.LineHash == 0 ? facts with { LineHash = EventIds.LineHash(text) } : facts, draft, text, index));
            return;
        }
        if (_batch!.IsFull)
            _batch = _onBatchFull!(_batch);
        _batch.Add(_factory, _lineNumber, facts, draft, text, index);
    }

    /// <summary>A file is almost always one host line after line: compare with the last one before hashing.</summary>
    private string HostName(ReadOnlySpan<byte> bytes)
    {
        bytes = Cap(bytes, FieldLimits.Host);
        if (_lastHostName is not null && bytes.SequenceEqual(_lastHostBytes.AsSpan(0, _lastHostLength)))
            return _lastHostName;
        _lastHostName = _strings.Get(bytes);
        if (_lastHostBytes.Length < bytes.Length)
            _lastHostBytes = new byte[bytes.Length];
        bytes.CopyTo(_lastHostBytes);
        _lastHostLength = bytes.Length;
        return _lastHostName;
    }

    private string ProgramName(ReadOnlySpan<byte> bytes)
    {
        bytes = Cap(bytes, FieldLimits.Program);
        if (_lastProgramName is not null && bytes.SequenceEqual(_lastProgramBytes.AsSpan(0, _lastProgramLength)))
            return _lastProgramName;
        _lastProgramName = _strings.Get(bytes);
        if (_lastProgramBytes.Length < bytes.Length)
            _lastProgramBytes = new byte[bytes.Length];
        bytes.CopyTo(_lastProgramBytes);
        _lastProgramLength = bytes.Length;
        return _lastProgramName;
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
