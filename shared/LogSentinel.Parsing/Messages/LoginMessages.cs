using LogSentinel.Contracts;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Messages;

/// <summary>
/// login(1) from shadow: "FAILED LOGIN (1) on '/dev/tty1'[ from 'HOST'] FOR 'USER', REASON" and
/// "TOO MANY LOGIN TRIES (5) on '/dev/tty1'[ from 'HOST'] FOR 'USER'".
/// </summary>
internal static class LoginMessages
{
    public static bool Parse(in MessageInput input, ParseContext ctx)
    {
        var m = input.Message;
        if (!Bytes.TrySkip(ref m, "FAILED LOGIN "u8) && !Bytes.TrySkip(ref m, "TOO MANY LOGIN TRIES "u8))
            return false;
        var forAt = m.LastIndexOf(" FOR '"u8);
        if (forAt < 0)
            return false;
        var head = m[..forAt];
        var tail = m[(forAt + 6)..];
        var close = tail.LastIndexOf((byte)'\'');
        var user = close < 0 ? tail : tail[..close];
        ref var d = ref ctx.Drafts.Add(EventActions.LoginFailed, EventOutcomes.Failure);
        d.Attempt = AttemptKind.Guess;
        if (!user.IsEmpty && !user.SequenceEqual("UNKNOWN"u8))
            d.User = input.Ref(user);
        if (close >= 0 && tail[(close + 1)..].StartsWith(", "u8))
            d.Reason = input.Ref(tail[(close + 3)..]);
        var from = head.IndexOf(" from '"u8);
        if (from >= 0)
        {
            var host = head[(from + 7)..];
            var end = host.IndexOf((byte)'\'');
            if (end > 0 && Addresses.IsAddress(host[..end]))
                d.Address = input.Ref(host[..end]);
        }
        return true;
    }
}
