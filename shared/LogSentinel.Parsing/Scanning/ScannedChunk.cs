using LogSentinel.Parsing.Framing;
using LogSentinel.Parsing.Messages;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Scanning;

/// <summary>
/// A run of whole lines of one stream, and what a <see cref="LineScanner"/> recognised in them ahead of the
/// stream's state: framing and message parsing, which need no state, done on any thread; what does need it
/// (the year of a stamp, sshd connections, waiting events) is left to <see cref="LogParser.Complete(ScannedChunk)"/>,
/// which takes chunks in stream order. Only lines that matter to that second step are kept.
/// Chunks are recycled: <see cref="Reset"/> before filling one again.
/// </summary>
public sealed class ScannedChunk
{
    private ScannedLine[] _lines = new ScannedLine[256];
    private EventDraft[] _drafts = new EventDraft[256];

    public ScannedChunk(int capacity = 1 << 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, FieldLimits.Line + 1);
        Buffer = new byte[capacity];
    }

    /// <summary>Whole lines, each ended by a line feed except possibly the last one of the stream.</summary>
    public byte[] Buffer { get; }

    /// <summary>How many bytes of <see cref="Buffer"/> hold lines.</summary>
    public int Length { get; set; }

    /// <summary>Stream offset of <c>Buffer[0]</c>.</summary>
    public long Offset { get; set; }

    /// <summary>Lines longer than <see cref="FieldLimits.Line"/> the reader dropped before filling this chunk.</summary>
    public long DroppedOversize { get; set; }

    internal int LineCount { get; private set; }
    internal int DraftCount { get; private set; }
    internal long LinesRead;
    internal long Unframed;
    internal long Oversize;
    internal long Garbled;
    internal bool HasLastStamp;
    internal RawTime LastStamp;

    internal ReadOnlySpan<ScannedLine> Lines => _lines.AsSpan(0, LineCount);

    internal ReadOnlySpan<EventDraft> Drafts => _drafts.AsSpan(0, DraftCount);

    public void Reset()
    {
        Length = 0;
        Offset = 0;
        DroppedOversize = 0;
        LineCount = 0;
        DraftCount = 0;
        LinesRead = Unframed = Oversize = Garbled = 0;
        HasLastStamp = false;
    }

    internal ref ScannedLine AddLine()
    {
        if (LineCount == _lines.Length)
            Array.Resize(ref _lines, _lines.Length * 2);
        ref var line = ref _lines[LineCount++];
        line = default;
        line.HostLength = -1;
        line.ProgramLength = -1;
        line.ConnectionAddress = TextRef.None;
        return ref line;
    }

    internal int AddDrafts(DraftBuffer drafts)
    {
        var first = DraftCount;
        if (DraftCount + drafts.Count > _drafts.Length)
            Array.Resize(ref _drafts, Math.Max(_drafts.Length * 2, DraftCount + drafts.Count));
        for (var i = 0; i < drafts.Count; i++)
            _drafts[DraftCount++] = drafts[i];
        return first;
    }
}

internal enum ScannedKind : byte
{
    /// <summary>Needs the stream's state to be recognised at all (journal entries, ambiguous sshd lines, odd stamps): parse it again in order.</summary>
    Reparse,
    /// <summary>Nothing to report, but its stamp may move the stream's year.</summary>
    Stamp,
    /// <summary>Recognised: drafts and/or the address of an sshd connection.</summary>
    Recognised,
}

internal struct ScannedLine
{
    public ScannedKind Kind;
    public int Start;
    public int Length;
    public long Offset;
    public bool HasTime;
    public RawTime Time;
    /// <summary>For a line without a stamp: the last stamp before it in the chunk.</summary>
    public bool HasPrevious;
    public RawTime Previous;
    public int HostStart;
    public int HostLength;
    public int ProgramStart;
    public int ProgramLength;
    public int Pid;
    public int Repeated;
    public int FirstDraft;
    public int DraftCount;
    public TextRef ConnectionAddress;
    public bool ConnectionStarts;
}
