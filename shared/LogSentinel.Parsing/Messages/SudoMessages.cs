using LogSentinel.Contracts;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Messages;

/// <summary>
/// sudo's own lines: "USER : [STATUS ; ]TTY=... ; PWD=... ; USER=TARGET ; COMMAND=...", where STATUS is
/// "N incorrect password attempts", "user NOT in sudoers" or "command not allowed".
/// </summary>
internal static class SudoMessages
{
    public static bool Parse(in MessageInput input, ParseContext ctx)
    {
        var m = Bytes.TrimStartSpaces(input.Message);
        var sep = m.IndexOf(" : "u8);
        if (sep <= 0 || sep > FieldLimits.UserName)
            return false;
        var user = m[..sep];
        if (user.Contains((byte)' '))
            return false;
        var rest = m[(sep + 3)..];
        var target = Field(rest, "USER="u8);
        var commandAt = rest.IndexOf(" COMMAND="u8);
        var command = commandAt < 0 ? default : rest[(commandAt + 9)..];

        string action, outcome;
        var count = 1;
        ReadOnlySpan<byte> reason = default;
        if (rest.StartsWith("TTY="u8) || rest.StartsWith("HOST="u8) || rest.StartsWith("PWD="u8))
        {
            if (command.IsEmpty)
                return false;
            action = EventActions.SudoCommand;
            outcome = EventOutcomes.Success;
        }
        else
        {
            var status = rest.IndexOf(" ; "u8);
            reason = status < 0 ? rest : rest[..status];
            var n = Bytes.ReadInt(reason, out count);
            if (n > 0 && reason[n..].StartsWith(" incorrect password attempt"u8))
            {
                action = EventActions.SudoAuthFailed;
            }
            else if (reason.SequenceEqual("user NOT in sudoers"u8) || reason.SequenceEqual("command not allowed"u8)
                     || reason.SequenceEqual("user NOT authorized on host"u8))
            {
                action = EventActions.SudoNotAllowed;
                count = 1;
            }
            else
            {
                return false;
            }
            outcome = EventOutcomes.Failure;
        }
        ref var d = ref ctx.Drafts.Add(action, outcome);
        // "N incorrect password attempts" counts guesses; PAM's line of the same run says the same (the ledger keeps one).
        d.Attempt = action == EventActions.SudoAuthFailed ? AttemptKind.Guess : AttemptKind.None;
        d.User = input.Ref(user);
        d.Count = Math.Max(count, 1);
        if (!target.IsEmpty)
            d.TargetUser = input.Ref(target);
        if (!command.IsEmpty)
            d.Command = input.Ref(command);
        if (!reason.IsEmpty)
            d.Reason = input.Ref(reason);
        return true;
    }

    /// <summary>Value of "KEY=value" in sudo's " ; "-separated list (COMMAND excluded: it is always last).</summary>
    private static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> rest, ReadOnlySpan<byte> key)
    {
        var commandAt = rest.IndexOf(" COMMAND="u8);
        var head = commandAt < 0 ? rest : rest[..commandAt];
        var at = 0;
        while (true)
        {
            var i = head[at..].IndexOf(key);
            if (i < 0)
                return default;
            i += at;
            if (i == 0 || head[i - 1] == ' ')
            {
                var v = head[(i + key.Length)..];
                var end = v.IndexOf(" ;"u8);
                return end < 0 ? Bytes.TrimEndSpaces(v) : v[..end];
            }
            at = i + 1;
        }
    }
}
