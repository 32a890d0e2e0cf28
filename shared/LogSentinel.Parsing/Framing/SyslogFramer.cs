using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Framing;

/// <summary>
/// Splits a text log line into time, host, program tag and message. Handles RFC 3164 (with or without a PRI
/// and a host), rsyslog's RFC 3339 stamps, RFC 5424 with structured data, dovecot's and fail2ban's own log
/// files, TAI64N stamps, and lines with no time at all ("host prog[pid]: msg", journal short output).
/// </summary>
internal static class SyslogFramer
{
    private const int MaxTagLength = 256;

    /// <summary>
    /// Fills <paramref name="frame"/> with the timestamp as written (<see cref="LineFrame.Raw"/>; resolving it to UTC
    /// needs the stream's state, see <see cref="TimeResolver"/>); false when the line has no recognisable shape.
    /// </summary>
    public static bool TryFrame(ReadOnlySpan<byte> line, ref LineFrame frame)
    {
        frame = default;
        frame.Pid = -1;
        var s = line;
        if (s.StartsWith("\xEF\xBB\xBF"u8))
            s = s[3..];
        if (s.Length > 0 && s[0] == '<')
        {
            var close = s[..Math.Min(s.Length, 5)].IndexOf((byte)'>');
            if (close < 2 || !Bytes.TryParseInt(s[1..close], out var pri) || pri > 191)
                return false;
            s = s[(close + 1)..];
            if (s.StartsWith("1 "u8))
                return TryFrameRfc5424(s[2..], ref frame);
        }

        var used = TimestampReader.TryRead(s, out frame.Raw);
        if (used > 0)
        {
            frame.HasTime = true;
            s = s[used..];
        }
        s = Bytes.TrimStartSpaces(s);
        if (s.IsEmpty)
            return false;

        if (s.StartsWith("fail2ban."u8))
            return TryFrameFail2banNative(s, ref frame);

        var first = Bytes.Token(s);
        if (!LooksLikeTag(first))
        {
            frame.Host = first;
            s = Bytes.TrimStartSpaces(s[first.Length..]);
            var tag = Bytes.Token(s);
            if (!LooksLikeTag(tag))
            {
                // No tag: with a timestamp the message follows the host; without either it is not a log line.
                frame.Message = s;
                return frame.HasTime && !s.IsEmpty;
            }
            first = tag;
        }
        return SetTag(first, s[first.Length..], ref frame);
    }

    /// <summary>A tag ends with ':' or carries "[pid]"; host names never contain ':' followed by nothing, nor '['.</summary>
    private static bool LooksLikeTag(ReadOnlySpan<byte> token) =>
        token.Length > 0 && token.Length <= MaxTagLength && (token[^1] == ':' || token.Contains((byte)'['));

    private static bool SetTag(ReadOnlySpan<byte> token, ReadOnlySpan<byte> rest, ref LineFrame frame)
    {
        var tag = token[^1] == ':' ? token[..^1] : token;
        frame.Tag = tag;
        if (tag.Length > 2 && tag[0] == '[' && tag[^1] == ']')
        {
            frame.Program = tag[1..^1];
        }
        else
        {
            var open = tag.IndexOfAny((byte)'[', (byte)'(');
            if (open > 0)
            {
                frame.Program = tag[..open];
                var close = tag[open..].IndexOfAny((byte)']', (byte)')');
                if (close > 1 && Bytes.TryParseInt(tag.Slice(open + 1, close - 1), out var pid))
                    frame.Pid = pid;
            }
            else
            {
                frame.Program = tag;
            }
        }
        frame.Message = Bytes.TrimStartSpaces(rest);
        return true;
    }

    /// <summary>fail2ban.log: "2024-01-01 10:00:00,123 fail2ban.actions        [123]: NOTICE  [sshd] Ban 1.2.3.4".</summary>
    private static bool TryFrameFail2banNative(ReadOnlySpan<byte> s, ref LineFrame frame)
    {
        var end = s.IndexOfAny((byte)' ', (byte)':', (byte)'[');
        if (end < 0)
            return false;
        frame.Program = s[..end];
        frame.Tag = frame.Program;
        s = Bytes.TrimStartSpaces(s[end..]);
        if (s.Length > 0 && s[0] == '[')
        {
            var close = s.IndexOf((byte)']');
            if (close > 1 && Bytes.TryParseInt(s[1..close], out var pid))
                frame.Pid = pid;
            s = close < 0 ? default : s[(close + 1)..];
        }
        if (s.Length > 0 && s[0] == ':')
            s = s[1..];
        frame.Message = Bytes.TrimStartSpaces(s);
        return true;
    }

    /// <summary>RFC 5424 after "&lt;PRI&gt;1 ": TIMESTAMP HOST APP PROCID MSGID SD [MSG].</summary>
    private static bool TryFrameRfc5424(ReadOnlySpan<byte> s, ref LineFrame frame)
    {
        var stamp = Bytes.Token(s);
        if (stamp.Length == 0)
            return false;
        if (!(stamp.Length == 1 && stamp[0] == '-'))
        {
            if (TimestampReader.TryRead(stamp, out frame.Raw) != stamp.Length)
                return false;
            frame.HasTime = true;
        }
        s = s[stamp.Length..];
        var host = NextField(ref s);
        var app = NextField(ref s);
        var procId = NextField(ref s);
        var msgId = NextField(ref s);
        if (host.IsEmpty || app.IsEmpty || procId.IsEmpty || msgId.IsEmpty)
            return false;
        if (!IsNil(host))
            frame.Host = host;
        if (!IsNil(app))
        {
            frame.Program = app;
            frame.Tag = app;
        }
        if (Bytes.TryParseInt(procId, out var pid))
            frame.Pid = pid;
        s = Bytes.TrimStartSpaces(s);
        if (!SkipStructuredData(ref s))
            return false;
        s = Bytes.TrimStartSpaces(s);
        if (s.StartsWith("\xEF\xBB\xBF"u8))
            s = s[3..];
        frame.Message = s;
        return true;
    }

    private static bool IsNil(ReadOnlySpan<byte> field) => field.Length == 1 && field[0] == '-';

    private static ReadOnlySpan<byte> NextField(scoped ref ReadOnlySpan<byte> s)
    {
        s = Bytes.TrimStartSpaces(s);
        var field = Bytes.Token(s);
        s = s[field.Length..];
        return field;
    }

    /// <summary>"-" or one or more [id key="value"...] elements; quoted values may hold escaped quotes and ']'.</summary>
    private static bool SkipStructuredData(ref ReadOnlySpan<byte> s)
    {
        if (s.Length > 0 && s[0] == '-')
        {
            s = s[1..];
            return true;
        }
        var i = 0;
        while (i < s.Length && s[i] == '[')
        {
            i++;
            var quoted = false;
            while (true)
            {
                if (i >= s.Length)
                    return false;
                var b = s[i];
                if (quoted && b == '\\')
                    i++;
                else if (b == '"')
                    quoted = !quoted;
                else if (!quoted && b == ']')
                    break;
                i++;
            }
            i++;
        }
        s = s[i..];
        return i > 0 || s.IsEmpty;
    }
}
