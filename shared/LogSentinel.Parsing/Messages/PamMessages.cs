using LogSentinel.Contracts;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Messages;

/// <summary>
/// PAM authentication failures from any program: pam_unix and friends ("pam_unix(sshd:auth): authentication
/// failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=ADDR  user=USER"), the old "(pam_unix)" and
/// "pam_unix:" forms, and sshd's "PAM 2 more authentication failures; ...".
/// </summary>
internal static class PamMessages
{
    public static bool Parse(in MessageInput input, ParseContext ctx)
    {
        var m = input.Message;
        var count = 1;
        ReadOnlySpan<byte> service = default;
        if (m.StartsWith("pam_"u8))
        {
            // pam_MODULE(SERVICE:TYPE): or pam_MODULE: -- only the auth type reports failures.
            var colon = m.IndexOf(": "u8);
            if (colon < 0 || colon > 64)
                return false;
            var head = m[..colon];
            if (head.Contains((byte)'(') && !head.EndsWith(":auth)"u8) && !head.EndsWith("(auth)"u8))
                return false;
            var open = head.IndexOf((byte)'(');
            if (open > 0 && head.EndsWith(":auth)"u8))
                service = head[(open + 1)..^6];
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
            ? AttemptKind.Restated : AttemptKind.PamModule);
    }

    private static bool AddFailure(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m, int count, AttemptKind attempt)
    {
        Bytes.TrimPreauth(ref m);
        FindRemote(m, out var rhost, out var user, out var ruser);
        ref var d = ref ctx.Drafts.Add(EventActions.PamAuthFailed, EventOutcomes.Failure);
        d.Attempt = attempt;
        d.Count = Math.Max(count, 1);
        if (!rhost.IsEmpty)
            d.Address = input.Ref(rhost);
        var who = !user.IsEmpty ? user : ruser;
        if (!who.IsEmpty)
            d.User = input.Ref(who);
        return true;
    }

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
