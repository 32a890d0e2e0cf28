using System.Buffers;

namespace LogSentinel.Collector.Reading;

/// <summary>A fixed buffer in front of a stream: whatever is written goes out in buffer-sized writes, memory never grows.</summary>
internal sealed class StreamBufferWriter(Stream stream, int size) : IBufferWriter<byte>
{
    private readonly byte[] _buffer = new byte[size];
    private int _used;

    public void Advance(int count) => _used += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => Room(sizeHint);

    public Span<byte> GetSpan(int sizeHint = 0) => Room(sizeHint).Span;

    private Memory<byte> Room(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer.Length - _used < sizeHint)
            Drain();
        if (_buffer.Length < sizeHint)
            throw new ArgumentOutOfRangeException(nameof(sizeHint), sizeHint, "larger than the buffer");
        return _buffer.AsMemory(_used);
    }

    private void Drain()
    {
        stream.Write(_buffer, 0, _used);
        _used = 0;
    }

    /// <summary>Writes out what is buffered and flushes the stream.</summary>
    public void Flush()
    {
        Drain();
        stream.Flush();
    }
}
