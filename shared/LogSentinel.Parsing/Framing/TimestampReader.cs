using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Framing;

/// <summary>
/// Reads the timestamp at the start of a line: RFC 3164 ("Feb  5 14:34:10"), RFC 3339 / ISO 8601 with 'T' or a
/// space and an optional fraction (',' or '.') and zone, and TAI64N ("@4000000049...") from daemontools.
/// </summary>
internal static class TimestampReader
{
    /// <summary>Returns the bytes consumed (0 when no timestamp starts here).</summary>
    public static int TryRead(ReadOnlySpan<byte> s, out RawTime t)
    {
        t = default;
        t.OffsetMinutes = RawTime.NoOffset;
        if (s.Length < 14)
            return 0;
        if (s[0] == '@')
            return ReadTai64N(s, ref t);
        if (Bytes.IsDigit(s[0]))
            return ReadIso(s, ref t);
        return ReadRfc3164(s, ref t);
    }

    private static int ReadRfc3164(ReadOnlySpan<byte> s, ref RawTime t)
    {
        t.Month = MonthOf(s);
        if (t.Month == 0 || s[3] != ' ')
            return 0;
        var i = 4;
        if (s[i] == ' ')
            i++;
        var n = Bytes.ReadInt(s[i..], out t.Day);
        if (n is 0 or > 2)
            return 0;
        i += n;
        if (i >= s.Length || s[i] != ' ')
            return 0;
        i++;
        var c = ReadClock(s[i..], ref t);
        if (c == 0)
            return 0;
        i += c;
        return Finish(s, i);
    }

    private static int ReadIso(ReadOnlySpan<byte> s, ref RawTime t)
    {
        if (s.Length < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != ' '))
            return 0;
        if (!Bytes.TryParseInt(s[..4], out t.Year) || !Bytes.TryParseInt(s.Slice(5, 2), out t.Month)
            || !Bytes.TryParseInt(s.Slice(8, 2), out t.Day))
            return 0;
        var c = ReadClock(s[11..], ref t);
        if (c == 0)
            return 0;
        var i = 11 + c;
        if (i < s.Length && s[i] == 'Z')
        {
            t.OffsetMinutes = 0;
            i++;
        }
        else if (i + 5 <= s.Length && (s[i] == '+' || s[i] == '-'))
        {
            var sign = s[i] == '-' ? -1 : 1;
            var zone = s[(i + 1)..];
            int zh, zm;
            if (zone.Length >= 5 && zone[2] == ':' && Bytes.TryParseInt(zone[..2], out zh) && Bytes.TryParseInt(zone.Slice(3, 2), out zm))
                i += 6;
            else if (zone.Length >= 4 && Bytes.TryParseInt(zone[..2], out zh) && Bytes.TryParseInt(zone.Slice(2, 2), out zm))
                i += 5;
            else
                return 0;
            if (zh > 14 || zm > 59)
                return 0;
            t.OffsetMinutes = sign * (zh * 60 + zm);
        }
        return Finish(s, i);
    }

    /// <summary>HH:MM:SS with an optional ',' or '.' fraction; returns bytes read.</summary>
    private static int ReadClock(ReadOnlySpan<byte> s, ref RawTime t)
    {
        if (s.Length < 8 || s[2] != ':' || s[5] != ':'
            || !Bytes.TryParseInt(s[..2], out t.Hour) || !Bytes.TryParseInt(s.Slice(3, 2), out t.Minute)
            || !Bytes.TryParseInt(s.Slice(6, 2), out t.Second))
            return 0;
        var i = 8;
        if (i + 1 < s.Length && (s[i] == '.' || s[i] == ',') && Bytes.IsDigit(s[i + 1]))
        {
            i++;
            long ticks = 0;
            var digits = 0;
            while (i < s.Length && Bytes.IsDigit(s[i]))
            {
                if (digits < 7)
                {
                    ticks = ticks * 10 + (s[i] - '0');
                    digits++;
                }
                i++;
            }
            for (; digits < 7; digits++)
                ticks *= 10;
            t.FractionTicks = ticks;
        }
        return i;
    }

    private static int ReadTai64N(ReadOnlySpan<byte> s, ref RawTime t)
    {
        // '@' + 16 hex digits of seconds (2^62 + TAI seconds) + 8 hex digits of nanoseconds
        if (s.Length < 25)
            return 0;
        ulong label = 0;
        for (var i = 1; i <= 16; i++)
        {
            var h = Hex(s[i]);
            if (h < 0)
                return 0;
            label = (label << 4) | (uint)h;
        }
        uint nanos = 0;
        for (var i = 17; i <= 24; i++)
        {
            var h = Hex(s[i]);
            if (h < 0)
                return 0;
            nanos = (nanos << 4) | (uint)h;
        }
        const ulong Epoch = 1UL << 62;
        if (label < Epoch || nanos >= 1_000_000_000)
            return 0;
        // TAI was 10 s ahead of UTC in 1972 and libtai labels count from there; later leap seconds are ignored
        // as multilog itself does.
        var unixSeconds = (long)(label - Epoch) - 10;
        if (unixSeconds is < 0 or > 253_402_300_799)
            return 0;
        t.UnixTicksUtc = DateTime.UnixEpoch.Ticks + unixSeconds * TimeSpan.TicksPerSecond + nanos / 100;
        return Finish(s, 25);
    }

    private static int Hex(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>A timestamp is followed by a space (or ends the line).</summary>
    private static int Finish(ReadOnlySpan<byte> s, int i)
    {
        if (i == s.Length)
            return i;
        if (s[i] != ' ')
            return 0;
        return i + 1;
    }

    private static int MonthOf(ReadOnlySpan<byte> s)
    {
        // Lower-case the three letters into one int and compare: no branches per month name.
        var key = ((s[0] | 0x20) << 16) | ((s[1] | 0x20) << 8) | (s[2] | 0x20);
        return key switch
        {
            ('j' << 16) | ('a' << 8) | 'n' => 1,
            ('f' << 16) | ('e' << 8) | 'b' => 2,
            ('m' << 16) | ('a' << 8) | 'r' => 3,
            ('a' << 16) | ('p' << 8) | 'r' => 4,
            ('m' << 16) | ('a' << 8) | 'y' => 5,
            ('j' << 16) | ('u' << 8) | 'n' => 6,
            ('j' << 16) | ('u' << 8) | 'l' => 7,
            ('a' << 16) | ('u' << 8) | 'g' => 8,
            ('s' << 16) | ('e' << 8) | 'p' => 9,
            ('o' << 16) | ('c' << 8) | 't' => 10,
            ('n' << 16) | ('o' << 8) | 'v' => 11,
            ('d' << 16) | ('e' << 8) | 'c' => 12,
            _ => 0,
        };
    }
}
