using System.Buffers;
using LogSentinel.Contracts;
using LogSentinel.Parsing.Json;
using LogSentinel.Parsing.Messages;

namespace LogSentinel.Parsing;

/// <summary>
/// Events a <see cref="LogParser"/> found, kept as drafts over a private copy of their lines, to be turned into
/// JSON later on another thread with <see cref="WriteJsonLines"/>: the parser never waits for serialisation.
/// Batches are recycled; one batch is only ever used by one thread at a time.
/// </summary>
public sealed class EventBatch
{
    public const int DefaultCapacity = 1024;
    private const int ArenaSize = 128 * 1024;

    private readonly Entry[] _entries;
    private byte[] _arena = new byte[ArenaSize];
    private int _arenaUsed;
    private long _lastLineOffset = -1;
    private EventFactory? _lastLineFactory;
    private int _lastTextStart;
    private int _lastTextLength;
    private EventFactory? _factory;

    public EventBatch(int capacity = DefaultCapacity) => _entries = new Entry[capacity];

    public int Count { get; private set; }

    /// <summary>No room for another line's events.</summary>
    public bool IsFull => Count + 64 >= _entries.Length || _arenaUsed + FieldLimits.Line > _arena.Length && _arenaUsed > 0;

    /// <summary>
    /// Writes every event as one line of JSON (the same bytes System.Text.Json writes for the
    /// <see cref="SecurityEvent"/> the parser would have built) and empties the batch.
    /// </summary>
    public void WriteJsonLines(IBufferWriter<byte> output)
    {
        var w = new JsonText(output);
        var hashes = new LineHashes();
        for (var i = 0; i < Count; i++)
        {
            ref var e = ref _entries[i];
            var text = e.TextLength < 0 ? default : _arena.AsSpan(e.TextStart, e.TextLength);
            _factory!.WriteJson(ref w, hashes.Complete(e.Facts, text, e.TextStart), e.Draft, text, e.Index, e.Attempt);
            w.Byte((byte)'\n');
            e = default;
        }
        w.Commit();
        Clear();
    }

    /// <summary>
    /// The parser leaves the hash of a syslog line (which is its own text) to be computed here, once per line:
    /// the events of one line share its copy in the arena.
    /// </summary>
    private struct LineHashes
    {
        private int _textStart;
        private uint _hash;
        private bool _known;

        public LineFacts Complete(in LineFacts facts, ReadOnlySpan<byte> text, int textStart)
        {
            if (facts.LineHash != 0 || text.IsEmpty)
                return facts;
            if (!_known || textStart != _textStart)
            {
                _hash = Identity.EventIds.LineHash(text);
                _textStart = textStart;
                _known = true;
            }
            return facts with { LineHash = _hash };
        }
    }

    public void Clear()
    {
        Count = 0;
        _arenaUsed = 0;
        _lastLineOffset = -1;
        _lastLineFactory = null;
    }

    internal void Add(EventFactory factory, in LineFacts facts, in EventDraft draft, ReadOnlySpan<byte> text, int index, bool attempt)
    {
        _factory = factory;
        ref var e = ref _entries[Count++];
        e.Facts = facts;
        e.Draft = draft;
        e.Index = index;
        e.Attempt = attempt;
        if (text.IsEmpty)
        {
            e.TextStart = 0;
            e.TextLength = -1;
            return;
        }
        // Events of one line share one copy of it; a line is its stream (factory) and offset.
        if (facts.Offset != _lastLineOffset || !ReferenceEquals(factory, _lastLineFactory))
        {
            if (_arenaUsed + text.Length > _arena.Length)
                Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + text.Length));
            text.CopyTo(_arena.AsSpan(_arenaUsed));
            _lastTextStart = _arenaUsed;
            _lastTextLength = text.Length;
            _arenaUsed += text.Length;
            _lastLineOffset = facts.Offset;
            _lastLineFactory = factory;
        }
        e.TextStart = _lastTextStart;
        e.TextLength = _lastTextLength;
    }

    private struct Entry
    {
        public LineFacts Facts;
        public EventDraft Draft;
        public int Index;
        public bool Attempt;
        public int TextStart;
        public int TextLength;
    }
}
