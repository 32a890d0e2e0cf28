using System.Buffers;
using LogSentinel.Contracts;

namespace LogSentinel.Collector.Output;

/// <summary>Writes events as JSON Lines: one ECS object per line, in the contracts' JSON (see <see cref="EcsJsonWriter"/>).</summary>
public sealed class JsonLinesWriter : IDisposable
{
    private const int FlushThreshold = 1 << 20;
    private readonly Stream _stream;
    private readonly ArrayBufferWriter<byte> _buffer = new(FlushThreshold + 64 * 1024);

    public JsonLinesWriter(Stream stream) => _stream = stream;

    public void Write(SecurityEvent e)
    {
        EcsJsonWriter.Write(_buffer, e);
        _buffer.GetSpan(1)[0] = (byte)'\n';
        _buffer.Advance(1);
        if (_buffer.WrittenCount >= FlushThreshold)
            Flush();
    }

    public void Flush()
    {
        _stream.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
        _stream.Flush();
    }

    public void Dispose() => Flush();
}
