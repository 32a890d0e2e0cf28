using System.Text.Json;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Framing;

/// <summary>
/// Frames one entry of `journalctl -o json` (one JSON object per line). MESSAGE may be a string or, when the
/// program logged bytes that are not UTF-8, an array of byte values. Decoded fields are copied into buffers
/// this instance owns, so the frame's spans stay valid until the next call.
/// </summary>
internal sealed class JournalJsonFramer
{
    private const int MaxMessage = 64 * 1024;
    private const int MaxShortField = 256;

    // One buffer for all decoded fields: message first, then host and program. Spans in the frame point into it.
    private byte[] _buffer = new byte[8 * 1024];

    /// <summary>The buffer the last frame's spans point into.</summary>
    public ReadOnlySpan<byte> Text => _buffer;

    public bool TryFrame(ReadOnlySpan<byte> line, ref LineFrame frame)
    {
        frame = default;
        frame.Pid = -1;
        int messageLength = -1, hostLength = -1, identLength = -1, commLength = -1;
        int pid = -1, syslogPid = -1;
        long realtimeMicros = -1;
        if (_buffer.Length < Math.Min(line.Length, MaxMessage) + 4 * MaxShortField)
            _buffer = new byte[Math.Min(line.Length, MaxMessage) + 4 * MaxShortField];
        var message = _buffer.AsSpan(0, _buffer.Length - 3 * MaxShortField);
        var host = _buffer.AsSpan(message.Length, MaxShortField);
        var ident = _buffer.AsSpan(message.Length + MaxShortField, MaxShortField);
        var comm = _buffer.AsSpan(message.Length + 2 * MaxShortField, MaxShortField);
        try
        {
            var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 4 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("MESSAGE"u8))
                    messageLength = ReadBytes(ref reader, message);
                else if (reader.ValueTextEquals("_HOSTNAME"u8))
                    hostLength = ReadBytes(ref reader, host);
                else if (reader.ValueTextEquals("SYSLOG_IDENTIFIER"u8))
                    identLength = ReadBytes(ref reader, ident);
                else if (reader.ValueTextEquals("_COMM"u8))
                    commLength = ReadBytes(ref reader, comm);
                else if (reader.ValueTextEquals("_PID"u8))
                    pid = ReadInt(ref reader);
                else if (reader.ValueTextEquals("SYSLOG_PID"u8))
                    syslogPid = ReadInt(ref reader);
                else if (reader.ValueTextEquals("__REALTIME_TIMESTAMP"u8))
                    realtimeMicros = ReadLong(ref reader);
                else
                {
                    reader.Read();
                    reader.TrySkip();
                }
            }
        }
        catch (JsonException)
        {
            return false;
        }
        if (messageLength < 0)
            return false;
        frame.Message = message[..messageLength];
        if (hostLength > 0)
            frame.Host = host[..hostLength];
        if (identLength > 0)
            frame.Program = ident[..identLength];
        else if (commLength > 0)
            frame.Program = comm[..commLength];
        frame.Tag = frame.Program;
        frame.Pid = pid >= 0 ? pid : syslogPid;
        if (realtimeMicros >= 0 && realtimeMicros < 253_402_300_799_000_000)
        {
            frame.Utc = new DateTime(DateTime.UnixEpoch.Ticks + realtimeMicros * 10, DateTimeKind.Utc);
            frame.HasTime = true;
        }
        return true;
    }

    /// <summary>A string value (unescaped, truncated to the buffer) or an array of byte values; -1 when neither.</summary>
    private static int ReadBytes(ref Utf8JsonReader reader, Span<byte> into)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String)
        {
            var raw = reader.HasValueSequence ? default : reader.ValueSpan;
            if (!reader.ValueIsEscaped && raw.Length <= into.Length)
            {
                raw.CopyTo(into);
                return raw.Length;
            }
            var text = reader.GetString() ?? "";
            var max = into.Length / 3;
            return System.Text.Encoding.UTF8.GetBytes(text.AsSpan(0, Math.Min(text.Length, max)), into);
        }
        if (reader.TokenType == JsonTokenType.StartArray)
        {
            var n = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.Number)
            {
                if (reader.TryGetInt32(out var b) && b is >= 0 and <= 255 && n < into.Length)
                    into[n++] = (byte)b;
            }
            return n;
        }
        reader.TrySkip();
        return -1;
    }

    private static int ReadInt(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String && Bytes.TryParseInt(reader.ValueSpan, out var v))
            return v;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out v))
            return v;
        reader.TrySkip();
        return -1;
    }

    private static long ReadLong(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.String && System.Buffers.Text.Utf8Parser.TryParse(reader.ValueSpan, out long v, out var used)
            && used == reader.ValueSpan.Length)
            return v;
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out v))
            return v;
        reader.TrySkip();
        return -1;
    }
}
