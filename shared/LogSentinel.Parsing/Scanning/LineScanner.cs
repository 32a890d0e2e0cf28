using LogSentinel.Parsing.Framing;
using LogSentinel.Parsing.Messages;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Scanning;

/// <summary>
/// The stateless half of parsing, for one worker thread: frames every line of a chunk and recognises its
/// message, keeping only what <see cref="LogParser.Complete(ScannedChunk)"/> needs. Several scanners can work
/// on successive chunks of one stream at once; the result is the same as parsing the lines one by one.
/// </summary>
public sealed class LineScanner
{
    private readonly LogFormat _format;
    private readonly ParseContext _context = new(ssh: null);

    public LineScanner(LogParserOptions options) => _format = options.Format;

    public void Scan(ScannedChunk chunk)
    {
        ReadOnlySpan<byte> buffer = chunk.Buffer.AsSpan(0, chunk.Length);
        chunk.Oversize += chunk.DroppedOversize;
        var yearMonth = 0; // month of the last stamp without a year: a change must reach the stream's state
        var start = 0;
        while (start < buffer.Length)
        {
            var nl = buffer[start..].IndexOf((byte)'\n');
            var raw = nl < 0 ? buffer[start..] : buffer.Slice(start, nl);
            var lineStart = start;
            start = nl < 0 ? buffer.Length : start + nl + 1;
            chunk.LinesRead++;
            var line = raw;
            switch (LogParser.Inspect(ref line))
            {
                case LineCheck.Empty:
                    continue;
                case LineCheck.Oversize:
                    chunk.Oversize++;
                    continue;
                case LineCheck.Garbled:
                    chunk.Garbled++;
                    break;
            }
            ScanLine(chunk, line, lineStart, ref yearMonth);
        }
    }

    private void ScanLine(ScannedChunk chunk, ReadOnlySpan<byte> line, int lineStart, ref int yearMonth)
    {
        if (_format == LogFormat.JournalJson || (_format == LogFormat.Auto && line[0] == '{'))
        {
            Reparse(chunk, line, lineStart, ref yearMonth);
            return;
        }
        var frame = new LineFrame();
        if (!SyslogFramer.TryFrame(line, ref frame))
        {
            chunk.Unframed++;
            return;
        }
        var stampMovesYear = false;
        if (frame.HasTime)
        {
            if (!TimeResolver.IsCertainlyValid(frame.Raw))
            {
                Reparse(chunk, line, lineStart, ref yearMonth);
                return;
            }
            if (TimeResolver.UsesYearState(frame.Raw) && frame.Raw.Month != yearMonth)
            {
                stampMovesYear = true;
                yearMonth = frame.Raw.Month;
            }
        }

        var message = Bytes.TrimEndSpaces(frame.Message);
        var repeated = RepeatedMessage.Unwrap(ref message);
        _context.Clear();
        MessageDispatch.Parse(frame.Program, new MessageInput(line, message, frame.Tag, "", frame.Pid, default), _context);
        if (_context.NeedsState)
        {
            Reparse(chunk, line, lineStart, ref yearMonth);
            return;
        }
        else if (_context.Drafts.Count > 0 || !_context.ConnectionAddress.IsEmpty || _context.ConnectionStarts)
        {
            ref var s = ref Add(chunk, ScannedKind.Recognised, line, lineStart);
            s.HasTime = frame.HasTime;
            s.Time = frame.Raw;
            if (!frame.HasTime && chunk.HasLastStamp)
            {
                s.HasPrevious = true;
                s.Previous = chunk.LastStamp;
            }
            if (!frame.Host.IsEmpty)
            {
                s.HostStart = TextRef.Of(line, frame.Host).Start;
                s.HostLength = frame.Host.Length;
            }
            if (!frame.Program.IsEmpty)
            {
                s.ProgramStart = TextRef.Of(line, frame.Program).Start;
                s.ProgramLength = frame.Program.Length;
            }
            s.Pid = frame.Pid;
            s.Repeated = repeated;
            s.DraftCount = _context.Drafts.Count;
            s.FirstDraft = chunk.AddDrafts(_context.Drafts);
            s.ConnectionAddress = _context.ConnectionAddress;
            s.ConnectionStarts = _context.ConnectionStarts;
        }
        else if (stampMovesYear)
        {
            ref var s = ref Add(chunk, ScannedKind.Stamp, line, lineStart);
            s.HasTime = true;
            s.Time = frame.Raw;
        }
        if (frame.HasTime)
        {
            chunk.HasLastStamp = true;
            chunk.LastStamp = frame.Raw;
        }
    }

    /// <summary>
    /// The line will be parsed again in order, with the stream's state. It carries the last stamp before it so
    /// that state is exact when it is parsed; after it, this chunk's own record of stamps starts afresh.
    /// </summary>
    private static void Reparse(ScannedChunk chunk, ReadOnlySpan<byte> line, int lineStart, ref int yearMonth)
    {
        ref var s = ref Add(chunk, ScannedKind.Reparse, line, lineStart);
        s.HasPrevious = chunk.HasLastStamp;
        s.Previous = chunk.LastStamp;
        chunk.HasLastStamp = false;
        yearMonth = 0;
    }

    private static ref ScannedLine Add(ScannedChunk chunk, ScannedKind kind, ReadOnlySpan<byte> line, int lineStart)
    {
        ref var s = ref chunk.AddLine();
        s.Kind = kind;
        s.Start = lineStart;
        s.Length = line.Length;
        s.Offset = chunk.Offset + lineStart;
        return ref s;
    }
}
