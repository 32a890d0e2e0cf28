using LogSentinel.Parsing;

namespace LogSentinel.Cli.Scan;

/// <summary>How far a scan's readers are, updated as they go (read by the progress bar from another thread).</summary>
public sealed class ScanProgress
{
    private long _bytes;
    private long _lines;
    private long _events;

    public long TotalBytes { get; init; }

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Lines of finished files, and of the files being parsed (their parsers' counts, read as they go).</summary>
    public long Lines
    {
        get
        {
            lock (_parsing)
                return Interlocked.Read(ref _lines) + _parsing.Sum(s => s.Lines);
        }
    }

    private readonly List<ParseStats> _parsing = [];

    public void Follow(ParseStats stats)
    {
        lock (_parsing)
            _parsing.Add(stats);
    }

    public void Unfollow(ParseStats stats)
    {
        lock (_parsing)
        {
            _parsing.Remove(stats);
            _lines += stats.Lines;
        }
    }

    public long Events => Interlocked.Read(ref _events);

    public void AddBytes(long count) => Interlocked.Add(ref _bytes, count);

    public void AddEvents(long count) => Interlocked.Add(ref _events, count);
}

/// <summary>Counts what is read through it, for the progress bar (compressed bytes for .gz files, as their sizes are).</summary>
internal sealed class CountingStream(Stream inner, ScanProgress progress) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        progress.AddBytes(read);
        return read;
    }

    public override int Read(Span<byte> buffer)
    {
        var read = inner.Read(buffer);
        progress.AddBytes(read);
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
            inner.Dispose();
        base.Dispose(disposing);
    }
}
