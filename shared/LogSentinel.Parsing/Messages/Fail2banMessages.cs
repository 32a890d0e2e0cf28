using LogSentinel.Contracts;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Messages;

/// <summary>
/// fail2ban.log and fail2ban through syslog/journald: "[fail2ban.actions [PID]: ]LEVEL [JAIL] Ban|Restore Ban|Unban ADDR"
/// and "[JAIL] Found ADDR - TIME".
/// </summary>
internal static class Fail2banMessages
{
    public static bool Parse(in MessageInput input, ParseContext ctx)
    {
        var m = input.Message;
        if (m.StartsWith("fail2ban."u8))
        {
            var colon = m.IndexOf((byte)':');
            if (colon < 0)
                return false;
            m = Bytes.TrimStartSpaces(m[(colon + 1)..]);
        }
        if (m.Length > 0 && m[0] != '[')
        {
            var level = Bytes.Token(m);
            if (!(level.SequenceEqual("NOTICE"u8) || level.SequenceEqual("INFO"u8) || level.SequenceEqual("WARNING"u8)))
                return false;
            m = Bytes.TrimStartSpaces(m[level.Length..]);
        }
        if (m.Length < 3 || m[0] != '[')
            return false;
        var close = m.IndexOf((byte)']');
        if (close < 2 || close > 64)
            return false;
        var jail = m[1..close];
        m = Bytes.TrimStartSpaces(m[(close + 1)..]);
        string action, outcome = EventOutcomes.Failure;
        ReadOnlySpan<byte> reason = default;
        if (Bytes.TrySkip(ref m, "Ban "u8))
        {
            action = EventActions.Fail2banBan;
        }
        else if (Bytes.TrySkip(ref m, "Restore Ban "u8))
        {
            action = EventActions.Fail2banBan;
            reason = "restore"u8;
        }
        else if (Bytes.TrySkip(ref m, "Unban "u8))
        {
            action = EventActions.Fail2banUnban;
            outcome = EventOutcomes.Unknown;
        }
        else if (Bytes.TrySkip(ref m, "Found "u8))
        {
            action = EventActions.Fail2banFound;
        }
        else
        {
            return false;
        }
        var address = AddressReader.Read(m);
        if (address.IsEmpty)
            return false;
        ref var d = ref ctx.Drafts.Add(action, outcome);
        d.Address = input.Ref(address);
        d.Rule = input.Ref(jail);
        if (!reason.IsEmpty)
            d.Reason = TextRef.FromString("restore");
        return true;
    }
}
