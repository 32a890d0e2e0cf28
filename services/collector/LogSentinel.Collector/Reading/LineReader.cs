using LogSentinel.Parsing;

namespace LogSentinel.Collector.Reading;

/// <summary>
/// Splits a byte stream into lines with the byte offset each starts at. A line longer than
/// <see cref="FieldLimits.Line"/> is dropped whole (counted, never buffered); a final line without a line feed
/// is delivered at the end of the stream, as every Unix tool reads a file.
/// </summary>
public sealed class LineReader
{
    public delegate void LineHandler(ReadOnlySpan<byte> line, long offset);

    private readonly byte[] _buffer;

    public LineReader(int bufferSize = 256 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, FieldLimits.Line + 1);
        _buffer = new byte[bufferSize];
    }

    /// <summary>Reads <paramref name="stream"/> to its end; returns how many oversize lines were dropped.</summary>
    public long ReadAll(Stream stream, LineHandler onLine, long startOffset = 0)
    {
        var buffer = _buffer;
        var start = 0;
        var end = 0;
        var bufferOffset = startOffset;
        var discarding = false;
        long oversize = 0;
        while (true)
        {
            var n = stream.Read(buffer, end, buffer.Length - end);
            if (n == 0)
            {
                if (end > start && !discarding)
                    onLine(buffer.AsSpan(start, end - start), bufferOffset + start);
                return oversize;
            }
            var scanFrom = end;
            end += n;
            while (true)
            {
                var nl = buffer.AsSpan(scanFrom, end - scanFrom).IndexOf((byte)'\n');
                if (nl < 0)
                    break;
                var lineEnd = scanFrom + nl;
                if (discarding)
                    discarding = false;
                else
                    onLine(buffer.AsSpan(start, lineEnd - start), bufferOffset + start);
                start = lineEnd + 1;
                scanFrom = start;
            }
            if (end - start > FieldLimits.Line)
            {
                // No line feed within the limit: drop what we have and everything up to the next line feed.
                if (!discarding)
                    oversize++;
                discarding = true;
                bufferOffset += end;
                start = end = 0;
                continue;
            }
            if (start > 0)
            {
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                bufferOffset += start;
                end -= start;
                start = 0;
            }
        }
    }
}
