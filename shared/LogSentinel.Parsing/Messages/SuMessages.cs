using LogSentinel.Contracts;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Messages;

/// <summary>
/// su from util-linux ("(to root) carol on pts/0", "FAILED SU (to root) carol on pts/0") and from shadow
/// ("Successful su for root by carol", "FAILED su for root by carol", "+ pts/0 carol:root", "- pts/0 carol:root").
/// </summary>
internal static class SuMessages
{
    public static bool Parse(in MessageInput input, ParseContext ctx)
    {
        var m = input.Message;
        var failed = Bytes.TrySkip(ref m, "FAILED SU "u8);
        if (m.StartsWith("(to "u8))
        {
            var close = m.IndexOf(") "u8);
            if (close < 0)
                return false;
            var target = m[4..close];
            var rest = m[(close + 2)..];
            var on = rest.LastIndexOf(" on "u8);
            var user = on < 0 ? rest : rest[..on];
            return Add(input, ctx, failed, user, target);
        }
        if (failed)
            return false;
        var ok = Bytes.TrySkip(ref m, "Successful su for "u8);
        if (ok || Bytes.TrySkip(ref m, "FAILED su for "u8))
        {
            var by = m.IndexOf(" by "u8);
            return by > 0 && Add(input, ctx, !ok, m[(by + 4)..], m[..by]);
        }
        if (m.Length > 2 && (m[0] == '+' || m[0] == '-') && m[1] == ' ')
        {
            // "+ TTY USER:TARGET"
            var sp = m[2..].IndexOf((byte)' ');
            if (sp < 0)
                return false;
            var pair = m[(3 + sp)..];
            var colon = pair.IndexOf((byte)':');
            return colon > 0 && Add(input, ctx, m[0] == '-', pair[..colon], pair[(colon + 1)..]);
        }
        return false;
    }

    private static bool Add(in MessageInput input, ParseContext ctx, bool failed, ReadOnlySpan<byte> user, ReadOnlySpan<byte> target)
    {
        user = Bytes.TrimEndSpaces(user);
        ref var d = ref ctx.Drafts.Add(failed ? EventActions.SuFailed : EventActions.SuSucceeded,
            failed ? EventOutcomes.Failure : EventOutcomes.Success);
        d.Attempt = failed ? AttemptKind.Guess : AttemptKind.Success;
        if (!user.IsEmpty)
            d.User = input.Ref(user);
        if (!target.IsEmpty)
            d.TargetUser = input.Ref(target);
        return true;
    }
}
