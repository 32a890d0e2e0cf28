using LogSentinel.Contracts;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Messages;

/// <summary>
/// Dropbear, the small SSH server (initramfs unlock, embedded hosts): "Bad password attempt for 'USER' from ADDR:PORT",
/// "Login attempt for nonexistent user from ADDR:PORT", "Exit before auth (user 'USER', N fails): Max auth tries reached
/// - user 'USER' from ADDR:PORT", "Password auth succeeded for 'USER' from ADDR:PORT".
/// </summary>
internal static class DropbearMessages
{
    private const string Ssh = "ssh";

    public static bool Parse(in MessageInput input, ParseContext ctx)
    {
        var m = input.Message;
        // Some builds repeat their own pid and stamp: "[825] Jul 10 23:53:52 Bad password attempt ...".
        if (m.Length > 0 && m[0] == '[')
        {
            var close = m.IndexOf("] "u8);
            if (close > 0)
            {
                m = m[(close + 2)..];
                var stamp = Framing.TimestampReader.TryRead(m, out _);
                m = m[stamp..];
            }
        }
        string action, outcome = EventOutcomes.Failure;
        AttemptKind attempt;
        if (StartsWithIgnoreCase(m, "bad password attempt for "u8))
            (action, attempt) = (EventActions.SshLoginFailed, AttemptKind.Guess);
        else if (StartsWithIgnoreCase(m, "login attempt for nonexistent user"u8))
            (action, attempt) = (EventActions.SshInvalidUser, AttemptKind.Refusal);
        else if (m.StartsWith("Exit before auth"u8) && m.IndexOf("Max auth tries reached"u8) >= 0)
            (action, attempt) = (EventActions.SshTooManyAuthFailures, AttemptKind.EndNamed);
        else if (m.IndexOf(" auth succeeded for '"u8) is > 0 and < 16)
        {
            (action, attempt) = (EventActions.SshLoginSucceeded, AttemptKind.Success);
            outcome = EventOutcomes.Success;
        }
        else
            return false;

        // The remote is "ADDR:PORT" after the last " from ".
        var from = m.LastIndexOf(" from "u8);
        if (from < 0)
            return false;
        var tail = Bytes.TrimEndSpaces(m[(from + 6)..]);
        var colon = tail.LastIndexOf((byte)':');
        var port = -1;
        if (colon > 0 && Bytes.TryParseInt(tail[(colon + 1)..], out var p) && p <= 65535 && Addresses.IsIp(tail[..colon]))
        {
            port = p;
            tail = tail[..colon];
        }
        if (!Addresses.IsAddress(tail))
            return false;
        ref var d = ref ctx.Drafts.Add(action, outcome);
        d.Attempt = attempt;
        d.Address = input.Ref(tail);
        d.Port = port;
        d.Protocol = Ssh;
        var user = QuotedUser(m[..from]);
        if (!user.IsEmpty)
            d.User = input.Ref(user);
        return true;
    }

    /// <summary>The last 'quoted' name before the address: dropbear quotes the user it talks about.</summary>
    private static ReadOnlySpan<byte> QuotedUser(ReadOnlySpan<byte> head)
    {
        if (head.Length < 2 || head[^1] != '\'')
            return default;
        var open = head[..^1].LastIndexOf((byte)'\'');
        return open < 0 ? default : head[(open + 1)..^1];
    }

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> s, ReadOnlySpan<byte> prefix) =>
        s.Length >= prefix.Length && System.Text.Ascii.EqualsIgnoreCase(s[..prefix.Length], prefix);
}
