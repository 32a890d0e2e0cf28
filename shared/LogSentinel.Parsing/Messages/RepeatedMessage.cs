using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Messages;

/// <summary>rsyslog's reduction of identical lines: "message repeated 3 times: [ Failed password for ...]".</summary>
internal static class RepeatedMessage
{
    /// <summary>Unwraps the inner message; returns how many times it occurred (1 when not wrapped).</summary>
    public static int Unwrap(ref ReadOnlySpan<byte> message)
    {
        var s = message;
        if (!Bytes.TrySkip(ref s, "message repeated "u8))
            return 1;
        var n = Bytes.ReadInt(s, out var times);
        if (n == 0 || times < 1)
            return 1;
        s = s[n..];
        if (!Bytes.TrySkip(ref s, " times: ["u8) && !Bytes.TrySkip(ref s, " time: ["u8))
            return 1;
        s = Bytes.TrimStartSpaces(s);
        if (s.Length > 0 && s[^1] == ']')
            s = s[..^1];
        message = Bytes.TrimEndSpaces(s);
        return times;
    }
}
