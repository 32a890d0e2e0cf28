using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace LogSentinel.Parsing.Json;

/// <summary>
/// Writes JSON values exactly as System.Text.Json's default encoder writes them: printable ASCII copied,
/// everything else (quotes, backslash, HTML-sensitive characters, controls, non-ASCII) escaped by the
/// serializer's own <see cref="JsonEncodedText"/>. Text that is not valid UTF-8 is read the way
/// <see cref="Encoding.UTF8"/> reads it (U+FFFD for each bad sequence), as the contract's strings are.
/// </summary>
internal ref struct JsonText
{
    private static readonly SearchValues<byte> NeedsEscapingBytes = SearchValues.Create("\"\\<>&'+`"u8);
    private static readonly SearchValues<char> NeedsEscapingChars = SearchValues.Create("\"\\<>&'+`");

    private readonly IBufferWriter<byte> _output;
    private Span<byte> _span;
    private int _used;

    public JsonText(IBufferWriter<byte> output)
    {
        _output = output;
        _span = output.GetSpan(2048);
        _used = 0;
    }

    /// <summary>The JSON string (quotes included) of <paramref name="value"/>, as its own byte array.</summary>
    public static byte[] Quote(string value)
    {
        var chars = value.AsSpan();
        if (chars.IndexOfAnyExceptInRange(' ', '~') < 0 && chars.IndexOfAny(NeedsEscapingChars) < 0)
        {
            var plain = new byte[chars.Length + 2];
            plain[0] = plain[^1] = (byte)'"';
            Ascii.FromUtf16(chars, plain.AsSpan(1, chars.Length), out _);
            return plain;
        }
        var encoded = JsonEncodedText.Encode(value).EncodedUtf8Bytes;
        var quoted = new byte[encoded.Length + 2];
        quoted[0] = quoted[^1] = (byte)'"';
        encoded.CopyTo(quoted.AsSpan(1));
        return quoted;
    }

    public void Commit()
    {
        _output.Advance(_used);
        _used = 0;
        _span = default;
    }

    private Span<byte> Room(int size)
    {
        if (_span.Length - _used < size)
        {
            _output.Advance(_used);
            _span = _output.GetSpan(Math.Max(size, 2048));
            _used = 0;
        }
        return _span[_used..];
    }

    public void Raw(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Room(bytes.Length));
        _used += bytes.Length;
    }

    public void Byte(byte b)
    {
        Room(1)[0] = b;
        _used++;
    }

    public void Number(long value)
    {
        Utf8Formatter.TryFormat(value, Room(20), out var n);
        _used += n;
    }

    public void String(string value)
    {
        var chars = value.AsSpan();
        if (chars.IndexOfAnyExceptInRange(' ', '~') < 0 && chars.IndexOfAny(NeedsEscapingChars) < 0)
        {
            var room = Room(chars.Length + 2);
            room[0] = (byte)'"';
            Ascii.FromUtf16(chars, room.Slice(1, chars.Length), out _);
            room[chars.Length + 1] = (byte)'"';
            _used += chars.Length + 2;
            return;
        }
        Escaped(JsonEncodedText.Encode(value).EncodedUtf8Bytes);
    }

    /// <summary>A string given as UTF-8 bytes (possibly invalid): the same output as for <c>Encoding.UTF8.GetString(bytes)</c>.</summary>
    public void String(ReadOnlySpan<byte> utf8)
    {
        if (utf8.IndexOfAnyExceptInRange((byte)' ', (byte)'~') < 0 && utf8.IndexOfAny(NeedsEscapingBytes) < 0)
        {
            var room = Room(utf8.Length + 2);
            room[0] = (byte)'"';
            utf8.CopyTo(room[1..]);
            room[utf8.Length + 1] = (byte)'"';
            _used += utf8.Length + 2;
            return;
        }
        Escaped(JsonEncodedText.Encode(Encoding.UTF8.GetString(utf8)).EncodedUtf8Bytes);
    }

    private void Escaped(ReadOnlySpan<byte> encoded)
    {
        var room = Room(encoded.Length + 2);
        room[0] = (byte)'"';
        encoded.CopyTo(room[1..]);
        room[encoded.Length + 1] = (byte)'"';
        _used += encoded.Length + 2;
    }

    /// <summary>Lower-case hex digits of the low <paramref name="digits"/> nibbles of <paramref name="value"/>.</summary>
    public void Hex(ulong value, int digits)
    {
        var room = Room(digits);
        for (var i = digits - 1; i >= 0; i--)
        {
            room[i] = (byte)"0123456789abcdef"[(int)(value & 0xF)];
            value >>= 4;
        }
        _used += digits;
    }

    /// <summary>A UTC DateTime the way System.Text.Json writes one: round-trip ISO 8601, fraction trailing zeros dropped.</summary>
    public void Timestamp(DateTime t, ref TimestampDay day)
    {
        var room = Room(30);
        var dayNumber = t.Ticks / TimeSpan.TicksPerDay;
        if (dayNumber != day.Number)
            day = new TimestampDay(t);
        var timeOfDay = t.Ticks % TimeSpan.TicksPerDay;
        var seconds = (int)(timeOfDay / TimeSpan.TicksPerSecond);
        day.Text.CopyTo(room);
        Digits(room[12..], seconds / 3600, 2);
        room[14] = (byte)':';
        Digits(room[15..], seconds / 60 % 60, 2);
        room[17] = (byte)':';
        Digits(room[18..], seconds % 60, 2);
        var n = 20;
        var fraction = (int)(timeOfDay % TimeSpan.TicksPerSecond);
        if (fraction != 0)
        {
            var digits = 7;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }
            room[n++] = (byte)'.';
            Digits(room[n..], fraction, digits);
            n += digits;
        }
        if (t.Kind == DateTimeKind.Utc)
            room[n++] = (byte)'Z';
        room[n++] = (byte)'"';
        _used += n;
    }

    /// <summary>"\"yyyy-MM-ddT" of one day, kept while events of that day follow one another.</summary>
    public readonly struct TimestampDay
    {
        public readonly long Number;
        public readonly byte[] Text;

        public TimestampDay(DateTime t)
        {
            Number = t.Ticks / TimeSpan.TicksPerDay;
            Text = new byte[12];
            t.Deconstruct(out int year, out int month, out int day);
            Text[0] = (byte)'"';
            Digits(Text.AsSpan(1), year, 4);
            Text[5] = (byte)'-';
            Digits(Text.AsSpan(6), month, 2);
            Text[8] = (byte)'-';
            Digits(Text.AsSpan(9), day, 2);
            Text[11] = (byte)'T';
        }
    }

    private static void Digits(Span<byte> into, int value, int count)
    {
        for (var i = count - 1; i >= 0; i--)
        {
            into[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }
}
