using LogSentinel.Contracts;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Messages;

/// <summary>
/// pkexec and polkitd. pkexec logs "USER: MESSAGE [USER=TARGET] [TTY=TTY] [CWD=DIR] [COMMAND=COMMAND]": the commands
/// it runs, the ones polkit refused, and the environments it rejects, which is what the CVE-2021-4034 "PwnKit"
/// exploits leave. polkitd logs whether the operator of a session authenticated to gain an authorization
/// ("Operator of SUBJECT FAILED to authenticate ... (owned by unix-user:USER)"). polkit-agent-helper-1 only logs
/// through PAM.
/// </summary>
internal static class PolkitMessages
{
    public static bool Parse(in MessageInput input, ParseContext ctx)
    {
        var m = input.Message;
        if (m.StartsWith("Operator of "u8))
            return Operator(input, ctx, m[12..]);
        // pkexec's parent died before it asked polkit (the PwnKit exploits' way to run it with no argv); printed on
        // stderr, so only a journal that keeps stderr shows it, with no user or fields.
        if (m.StartsWith("Refusing to render service to dead parents"u8))
        {
            ref var d = ref ctx.Drafts.Add(EventActions.PkexecExploitAttempt, EventOutcomes.Failure);
            d.Reason = input.Ref(Bytes.TrimEndSpaces(m));
            return true;
        }
        return Pkexec(input, ctx, m);
    }

    /// <summary>
    /// "USER: MESSAGE [USER=TARGET] [TTY=TTY] [CWD=DIR] [COMMAND=COMMAND]". USER (the caller's own account name), MESSAGE
    /// (pkexec's own text), TARGET and TTY come first and are pkexec's; the caller chose DIR and COMMAND, and under PwnKit
    /// COMMAND is the environment the exploit planted. So the fields are read from the left, where nothing a caller
    /// wrote stands before them, and only the last two are the caller's.
    /// </summary>
    private static bool Pkexec(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var sep = m.IndexOf(": "u8);
        if (sep <= 0 || sep > FieldLimits.UserName)
            return false;
        var user = m[..sep];
        if (user.Contains((byte)' '))
            return false;
        var rest = m[(sep + 2)..];
        string action, outcome;
        int length;
        if (rest.StartsWith("Executing command"u8))
        {
            (action, outcome, length) = (EventActions.PkexecCommand, EventOutcomes.Success, 17);
        }
        else if (rest.StartsWith("Error executing command as another user: Not authorized"u8))
        {
            // "Request dismissed", the other refusal pkexec logs, is the user closing the dialog: nothing was refused.
            (action, outcome, length) = (EventActions.PkexecNotAuthorized, EventOutcomes.Failure, 55);
        }
        else if (rest.StartsWith("The value for the SHELL variable was not found"u8))
        {
            // "... found the /etc/shells file" (0.105, which Debian shipped when PwnKit was published) or "... found in the ...".
            var tail = rest[46..];
            var end = tail.StartsWith(" the /etc/shells file"u8) ? 21 : tail.StartsWith(" in the /etc/shells file"u8) ? 24 : -1;
            if (end < 0)
                return false;
            (action, outcome, length) = (EventActions.PkexecExploitAttempt, EventOutcomes.Failure, 46 + end);
        }
        else if (rest.StartsWith("The value for environment variable "u8))
        {
            // The variable's name is one of the few pkexec keeps (LANG, TERM, XAUTHORITY...): one word.
            var name = Bytes.Token(rest[35..]);
            if (name.IsEmpty || !rest[(35 + name.Length)..].StartsWith(" contains suspicious content"u8))
                return false;
            (action, outcome, length) = (EventActions.PkexecExploitAttempt, EventOutcomes.Failure, 35 + name.Length + 28);
        }
        else
        {
            return false;
        }
        var fields = rest[length..];
        ref var d = ref ctx.Drafts.Add(action, outcome);
        d.User = input.Ref(user);
        if (action != EventActions.PkexecCommand)
            d.Reason = input.Ref(rest[..length]);
        if (!Bytes.TrySkip(ref fields, " [USER="u8))
            return true;
        var close = fields.IndexOf((byte)']');
        if (close < 0)
            return true;
        if (close > 0)
            d.TargetUser = input.Ref(fields[..close]);
        // TTY comes from ttyname(), CWD is a directory the caller may have named "x] [COMMAND=y": the first
        // "] [COMMAND=" after it is pkexec's unless the directory holds one, and then the command read still ends with
        // the real one.
        var cwd = fields.IndexOf("] [CWD="u8);
        if (cwd < 0)
            return true;
        var after = fields[(cwd + 7)..];
        var command = after.IndexOf("] [COMMAND="u8);
        if (command < 0)
            return true;
        var value = after[(command + 11)..];
        // A line syslog cut short loses the closing bracket; the command is kept as far as it goes.
        if (value.Length > 0 && value[^1] == ']')
            value = value[..^1];
        if (!value.IsEmpty)
            d.Command = input.Ref(value);
        return true;
    }

    /// <summary>
    /// polkitd: "Operator of SUBJECT FAILED to authenticate to gain authorization for action ACTION for SUBJECT
    /// [CMDLINE] (owned by unix-user:USER)" and "Operator of SUBJECT successfully authenticated as unix-user:TARGET to
    /// gain ONE-SHOT|TEMPORARY authorization for action ...". The command line in brackets is the caller's; the owner
    /// polkitd names last, so it is read from the right. The subjects, the identity and the action are polkit's.
    /// </summary>
    private static bool Operator(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var scope = Bytes.Token(m);
        var rest = m[scope.Length..];
        string action, outcome;
        ReadOnlySpan<byte> target = default;
        if (Bytes.TrySkip(ref rest, " FAILED to authenticate to gain authorization for action "u8))
        {
            (action, outcome) = (EventActions.PolkitAuthFailed, EventOutcomes.Failure);
        }
        else if (Bytes.TrySkip(ref rest, " successfully authenticated as "u8))
        {
            target = Bytes.Token(rest);
            rest = rest[target.Length..];
            if (!Bytes.TrySkip(ref rest, " to gain ONE-SHOT authorization for action "u8)
                && !Bytes.TrySkip(ref rest, " to gain TEMPORARY authorization for action "u8))
                return false;
            (action, outcome) = (EventActions.PolkitAuthSucceeded, EventOutcomes.Success);
        }
        else
        {
            return false;
        }
        var polkitAction = Bytes.Token(rest);
        var tail = Bytes.TrimEndSpaces(rest);
        var owned = tail.LastIndexOf(" (owned by "u8);
        if (polkitAction.IsEmpty || owned < 0 || tail[^1] != ')')
            return false;
        var owner = tail[(owned + 11)..^1];
        ref var d = ref ctx.Drafts.Add(action, outcome);
        d.Attempt = action == EventActions.PolkitAuthFailed ? AttemptKind.Guess : AttemptKind.Success;
        d.Reason = input.Ref(polkitAction);
        Bytes.TrySkip(ref owner, "unix-user:"u8);
        if (!owner.IsEmpty)
            d.User = input.Ref(owner);
        Bytes.TrySkip(ref target, "unix-user:"u8);
        if (!target.IsEmpty)
            d.TargetUser = input.Ref(target);
        return true;
    }
}
