using LogSentinel.Parsing;
using LogSentinel.Parsing.Scanning;

namespace LogSentinel.Collector.Reading;

/// <summary>
/// Cuts a byte stream into chunks of whole lines, each with the stream offset it starts at. A line that does
/// not fit in a chunk is dropped whole and counted (it is far over <see cref="FieldLimits.Line"/>, so the parser
/// would drop it anyway); a last line without a line feed is kept, as every Unix tool reads a file.
/// </summary>
public sealed class ChunkReader
{
    private readonly Stream _stream;
    private byte[] _carry = [];
    private int _carryLength;
    private long _carryOffset;
    private bool _discarding;
    private bool _ended;

    public ChunkReader(Stream stream, long startOffset = 0)
    {
        _stream = stream;
        _carryOffset = startOffset;
    }

    /// <summary>
    /// Fills a reset <paramref name="chunk"/> with whole lines; false when the stream had nothing more (the chunk
    /// may still report oversize lines it dropped).
    /// </summary>
    public bool Fill(ScannedChunk chunk)
    {
        var buffer = chunk.Buffer;
        if (_carry.Length < buffer.Length)
            Array.Resize(ref _carry, buffer.Length);
        if (_ended)
            return false;
        _carry.AsSpan(0, _carryLength).CopyTo(buffer);
        var used = _carryLength;
        var offset = _carryOffset;
        var eof = ReadMore(buffer, ref used);
        while (true)
        {
            if (_discarding)
            {
                // The rest of an oversize line, up to its line feed, is dropped too.
                var nl = buffer.AsSpan(0, used).IndexOf((byte)'\n');
                if (nl < 0)
                {
                    offset += used;
                    used = 0;
                    if (eof)
                        return End(chunk, offset);
                    eof = ReadMore(buffer, ref used);
                    continue;
                }
                _discarding = false;
                buffer.AsSpan(nl + 1, used - nl - 1).CopyTo(buffer);
                used -= nl + 1;
                offset += nl + 1;
                if (!eof)
                    eof = ReadMore(buffer, ref used);
            }
            var last = buffer.AsSpan(0, used).LastIndexOf((byte)'\n');
            if (last < 0)
            {
                if (eof)
                {
                    chunk.Offset = offset;
                    chunk.Length = used;
                    _ended = true;
                    return used > 0 || chunk.DroppedOversize > 0;
                }
                // A full chunk without a line feed: the line is oversize.
                chunk.DroppedOversize++;
                _discarding = true;
                continue;
            }
            var end = last + 1;
            chunk.Offset = offset;
            chunk.Length = end;
            _carryLength = used - end;
            buffer.AsSpan(end, _carryLength).CopyTo(_carry);
            _carryOffset = offset + end;
            _ended = eof && _carryLength == 0;
            return true;
        }
    }

    private bool End(ScannedChunk chunk, long offset)
    {
        chunk.Offset = offset;
        chunk.Length = 0;
        _carryLength = 0;
        _ended = true;
        return chunk.DroppedOversize > 0;
    }

    /// <summary>Reads until the buffer is full or the stream ends; true at the end of the stream.</summary>
    private bool ReadMore(byte[] buffer, ref int used)
    {
        while (used < buffer.Length)
        {
            var n = _stream.Read(buffer, used, buffer.Length - used);
            if (n == 0)
                return true;
            used += n;
        }
        return false;
    }
}
