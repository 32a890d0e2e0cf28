using LogSentinel.Contracts;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Messages;

/// <summary>
/// PAM authentication failures from any program: pam_unix and friends ("pam_unix(sshd:auth): authentication
/// failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=ADDR  user=USER"), the old "(pam_unix)" and
/// "pam_unix:" forms, and sshd's "PAM 2 more authentication failures; ..."; and the accounts pam_faillock,
/// pam_tally2 and pam_tally lock after too many of them.
/// </summary>
internal static class PamMessages
{
    public static bool Parse(in MessageInput input, ParseContext ctx)
    {
        var m = input.Message;
        var count = 1;
        ReadOnlySpan<byte> service = default;
        ReadOnlySpan<byte> module = default;
        if (m.StartsWith("pam_"u8))
        {
            // pam_MODULE(SERVICE:TYPE): or pam_MODULE: -- only the auth type reports failures.
            var colon = m.IndexOf(": "u8);
            if (colon < 0 || colon > 64)
                return false;
            var head = m[..colon];
            if (IsLockoutModule(head) && Lockout(input, ctx, m[(colon + 2)..]))
                return true;
            if (head.Contains((byte)'(') && !head.EndsWith(":auth)"u8) && !head.EndsWith("(auth)"u8))
                return false;
            var open = head.IndexOf((byte)'(');
            if (open > 0 && head.EndsWith(":auth)"u8))
                service = head[(open + 1)..^6];
            module = open > 0 ? head[..open] : head;
            m = m[(colon + 2)..];
        }
        else if (m.StartsWith("(pam_"u8))
        {
            var close = m.IndexOf(") "u8);
            if (close < 0 || close > 32)
                return false;
            m = m[(close + 2)..];
        }
        else if (m.StartsWith("PAM "u8))
        {
            // "PAM 2 more authentication failures; ..." counts failures beyond the first one pam_unix logged.
            var n = Bytes.ReadInt(m[4..], out count);
            if (n == 0 || !m[(4 + n)..].StartsWith(" more authentication failure"u8))
                return false;
        }
        else if (input.Tag.IndexOf("(pam_"u8) < 0)
        {
            return false;
        }
        if (!m.StartsWith("authentication failure;"u8) && !m.StartsWith("PAM "u8))
            return false;
        return AddFailure(input, ctx, m, count, LogsItsOwnAttempts(service.IsEmpty ? Program(input.Tag) : service)
            ? AttemptKind.Restated : AttemptKind.PamModule, module);
    }

    private static bool AddFailure(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m, int count, AttemptKind attempt,
        ReadOnlySpan<byte> module)
    {
        Bytes.TrimPreauth(ref m);
        FindRemote(m, out var rhost, out var user, out var ruser);
        ref var d = ref ctx.Drafts.Add(EventActions.PamAuthFailed, EventOutcomes.Failure);
        d.Attempt = attempt;
        // "PAM N more authentication failures" is pam_unix's own summary (its first failure was logged as pam_unix).
        d.AttemptModule = AttemptModules.Of(module.IsEmpty ? "pam_unix"u8 : module);
        d.Count = Math.Max(count, 1);
        if (!rhost.IsEmpty)
            d.Address = input.Ref(rhost);
        // A local request (no rhost) by one user for another account -- su's "ruser=bob ... user=root" -- is bob's
        // attempt to become root. Remotely, ruser is whatever the client claimed: the account is user=.
        if (rhost.IsEmpty && !user.IsEmpty && !ruser.IsEmpty && !user.SequenceEqual(ruser))
        {
            d.User = input.Ref(ruser);
            d.TargetUser = input.Ref(user);
            return true;
        }
        var who = !user.IsEmpty ? user : ruser;
        if (!who.IsEmpty)
            d.User = input.Ref(who);
        return true;
    }

    /// <summary>"pam_faillock(...)", "pam_tally2(...)", "pam_tally(...)": the modules that lock accounts.</summary>
    private static bool IsLockoutModule(ReadOnlySpan<byte> head) =>
        head.StartsWith("pam_faillock"u8) || head.StartsWith("pam_tally"u8);

    /// <summary>
    /// An account locked after too many failures: pam_faillock's "Consecutive login failures for user USER account
    /// temporarily locked", pam_tally2's and pam_tally's "user USER (UID) tally N, deny M" (which they log past the
    /// limit, or at every failure with 'debug': only N over M is a lock). The user name is read from the right: it
    /// is the one part of the line a caller of PAM chose. No attempt: the failures before it were counted already.
    /// </summary>
    private static bool Lockout(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        ReadOnlySpan<byte> user;
        if (Bytes.TrySkip(ref m, "Consecutive login failures for user "u8))
        {
            if (!m.EndsWith(" account temporarily locked"u8))
                return false;
            user = m[..^27];
        }
        else if (Bytes.TrySkip(ref m, "user "u8))
        {
            var deny = m.LastIndexOf(", deny "u8);
            if (deny < 0 || !Bytes.TryParseInt(m[(deny + 7)..], out var limit))
                return false;
            var tally = m[..deny].LastIndexOf(" tally "u8);
            if (tally < 0 || !Bytes.TryParseInt(m[(tally + 7)..deny], out var count) || limit == 0 || count <= limit)
                return false;
            var head = m[..tally];
            var open = head.LastIndexOf(" ("u8);
            if (open < 0 || head[^1] != ')' || !IsNumber(head[(open + 2)..^1]))
                return false;
            user = head[..open];
        }
        else
        {
            return false;
        }
        ref var d = ref ctx.Drafts.Add(EventActions.AccountLocked, EventOutcomes.Failure);
        d.Attempt = AttemptKind.None;
        if (!user.IsEmpty)
            d.User = input.Ref(user);
        return true;
    }

    private static bool IsNumber(ReadOnlySpan<byte> s) => !s.IsEmpty && s.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;

    /// <summary>
    /// Services whose program logs every attempt itself, so that PAM's line is a second account of it: sshd (its
    /// "Failed password" lines, in the same log), dovecot and the mail services (their own lines go to mail.log,
    /// where no parser of auth.log can pair them), polkit (polkitd reports the outcome). Other programs' PAM lines
    /// count, once per attempt together with the program's own ("N incorrect password attempts").
    /// </summary>
    internal static bool LogsItsOwnAttempts(ReadOnlySpan<byte> service) =>
        service.StartsWith("sshd"u8) || service.StartsWith("dovecot"u8) || service.SequenceEqual("imap"u8)
        || service.SequenceEqual("pop3"u8) || service.SequenceEqual("smtp"u8) || service.SequenceEqual("submission"u8)
        || service.SequenceEqual("sieve"u8) || service.SequenceEqual("managesieve"u8) || service.StartsWith("polkit"u8)
        || service.SequenceEqual("auth"u8); // dovecot's auth process, when PAM's line carries no service

    /// <summary>The program of a syslog tag ("sshd[123]" → "sshd").</summary>
    private static ReadOnlySpan<byte> Program(ReadOnlySpan<byte> tag)
    {
        var open = tag.IndexOfAny((byte)'[', (byte)'(');
        return open > 0 ? tag[..open] : tag;
    }

    /// <summary>
    /// pam_unix writes "... ruser=R rhost=H  user=U" in that order; R and U can be chosen by the client and
    /// may contain " rhost=". H never contains a space, so the real rhost is the first one whose value is an
    /// address (or empty) followed by the end or by " user=".
    /// </summary>
    internal static void FindRemote(ReadOnlySpan<byte> m, out ReadOnlySpan<byte> rhost, out ReadOnlySpan<byte> user, out ReadOnlySpan<byte> ruser)
    {
        rhost = default;
        user = default;
        ruser = default;
        var rhostKey = -1;
        var at = 0;
        while (true)
        {
            var i = m[at..].IndexOf(" rhost="u8);
            if (i < 0)
                break;
            i += at;
            var value = Bytes.Token(m[(i + 7)..]);
            var after = Bytes.TrimStartSpaces(m[(i + 7 + value.Length)..]);
            if ((after.IsEmpty || after.StartsWith("user="u8)) && (value.IsEmpty || Addresses.IsAddress(value)))
            {
                rhost = value;
                rhostKey = i;
                if (!after.IsEmpty)
                    user = Bytes.TrimEndSpaces(after[5..]);
                break;
            }
            at = i + 1;
        }
        var head = rhostKey < 0 ? m : m[..rhostKey];
        var r = head.IndexOf(" ruser="u8);
        if (r >= 0)
            ruser = head[(r + 7)..];
    }
}
