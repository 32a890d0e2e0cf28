using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using LogSentinel.Contracts;

namespace LogSentinel.Collector.Output;

/// <summary>
/// Writes a <see cref="SecurityEvent"/> as the exact bytes System.Text.Json writes for it with the contracts'
/// serializer (same field names and order, nulls left out, same escaping, same timestamp format) but without
/// the serializer's per-object machinery: `parse` prints hundreds of thousands of events a second.
/// Strings that need escaping go through <see cref="JsonEncodedText"/>, the encoder the serializer itself uses.
/// A test holds this writer byte-for-byte to <see cref="JsonSerializer"/>.
/// </summary>
public static class EcsJsonWriter
{
    /// <summary>Printable ASCII the default encoder still escapes (HTML-sensitive characters, quote, backslash).</summary>
    private static readonly SearchValues<char> NeedsEscaping = SearchValues.Create("\"\\<>&'+`");

    public static void Write(IBufferWriter<byte> output, SecurityEvent e)
    {
        var w = new Writer(output);
        w.Raw("{\"@timestamp\":\""u8);
        w.Timestamp(e.Timestamp);
        var ev = e.Event;
        w.Raw("\",\"event\":{\"id\":"u8);
        w.String(ev.Id);
        w.Raw(",\"kind\":"u8);
        w.String(ev.Kind);
        w.Raw(",\"action\":"u8);
        w.String(ev.Action);
        w.Raw(",\"outcome\":"u8);
        w.String(ev.Outcome);
        w.Raw(",\"category\":"u8);
        w.Strings(ev.Category);
        if (ev.Type is not null)
        {
            w.Raw(",\"type\":"u8);
            w.Strings(ev.Type);
        }
        w.Raw(",\"dataset\":"u8);
        w.String(ev.Dataset);
        w.Optional(",\"reason\":"u8, ev.Reason);
        w.Optional(",\"original\":"u8, ev.Original);
        w.Raw("},\"host\":{\"name\":"u8);
        w.String(e.Host.Name);
        w.Raw("}"u8);
        if (e.Process is { } p)
        {
            w.Raw(",\"process\":{\"name\":"u8);
            w.String(p.Name);
            if (p.Pid is { } pid)
            {
                w.Raw(",\"pid\":"u8);
                w.Number(pid);
            }
            w.Optional(",\"command_line\":"u8, p.CommandLine);
            w.Raw("}"u8);
        }
        if (e.Source is { } s)
        {
            w.Raw(",\"source\":{\"address\":"u8);
            w.String(s.Address);
            w.Optional(",\"ip\":"u8, s.Ip);
            if (s.Port is { } port)
            {
                w.Raw(",\"port\":"u8);
                w.Number(port);
            }
            w.Raw("}"u8);
        }
        if (e.User is { } u)
        {
            w.Raw(",\"user\":{\"name\":"u8);
            w.String(u.Name);
            if (u.Target is { } t)
            {
                w.Raw(",\"target\":{\"name\":"u8);
                w.String(t.Name);
                w.Raw("}"u8);
            }
            w.Raw("}"u8);
        }
        if (e.Network is { } n)
        {
            w.Raw(",\"network\":{\"protocol\":"u8);
            w.String(n.Protocol);
            w.Raw("}"u8);
        }
        if (e.Rule is { } r)
        {
            w.Raw(",\"rule\":{\"name\":"u8);
            w.String(r.Name);
            w.Raw("}"u8);
        }
        w.Raw(",\"log\":{\"file\":{\"path\":"u8);
        w.String(e.Log.File.Path);
        w.Raw("},\"offset\":"u8);
        w.Number(e.Log.Offset);
        w.Raw("}}"u8);
        w.Commit();
    }

    private ref struct Writer
    {
        private readonly IBufferWriter<byte> _output;
        private Span<byte> _span;
        private int _used;

        public Writer(IBufferWriter<byte> output)
        {
            _output = output;
            _span = output.GetSpan(1024);
            _used = 0;
        }

        public void Commit() => _output.Advance(_used);

        private Span<byte> Room(int size)
        {
            if (_span.Length - _used < size)
            {
                _output.Advance(_used);
                _span = _output.GetSpan(Math.Max(size, 1024));
                _used = 0;
            }
            return _span[_used..];
        }

        public void Raw(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(Room(bytes.Length));
            _used += bytes.Length;
        }

        public void Optional(ReadOnlySpan<byte> name, string? value)
        {
            if (value is null)
                return;
            Raw(name);
            String(value);
        }

        public void Number(long value)
        {
            Utf8Formatter.TryFormat(value, Room(20), out var n);
            _used += n;
        }

        public void Strings(IReadOnlyList<string> values)
        {
            Raw("["u8);
            for (var i = 0; i < values.Count; i++)
            {
                if (i > 0)
                    Raw(","u8);
                String(values[i]);
            }
            Raw("]"u8);
        }

        public void String(string value)
        {
            var chars = value.AsSpan();
            if (chars.IndexOfAnyExceptInRange(' ', '~') < 0 && chars.IndexOfAny(NeedsEscaping) < 0)
            {
                var room = Room(chars.Length + 2);
                room[0] = (byte)'"';
                Ascii.FromUtf16(chars, room.Slice(1, chars.Length), out _);
                room[chars.Length + 1] = (byte)'"';
                _used += chars.Length + 2;
                return;
            }
            // Something needs escaping: let the serializer's own encoder do it.
            var encoded = JsonEncodedText.Encode(value).EncodedUtf8Bytes;
            var into = Room(encoded.Length + 2);
            into[0] = (byte)'"';
            encoded.CopyTo(into[1..]);
            into[encoded.Length + 1] = (byte)'"';
            _used += encoded.Length + 2;
        }

        /// <summary>Round-trip ISO 8601 in UTC, trailing zeros of the fraction dropped, as System.Text.Json writes a UTC DateTime.</summary>
        public void Timestamp(DateTime t)
        {
            var room = Room(28);
            Digits(room, t.Year, 4);
            room[4] = (byte)'-';
            Digits(room[5..], t.Month, 2);
            room[7] = (byte)'-';
            Digits(room[8..], t.Day, 2);
            room[10] = (byte)'T';
            Digits(room[11..], t.Hour, 2);
            room[13] = (byte)':';
            Digits(room[14..], t.Minute, 2);
            room[16] = (byte)':';
            Digits(room[17..], t.Second, 2);
            var n = 19;
            var fraction = (int)(t.Ticks % TimeSpan.TicksPerSecond);
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
            _used += n;
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
}
