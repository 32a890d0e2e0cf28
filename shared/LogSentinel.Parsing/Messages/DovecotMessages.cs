using System.Text;
using LogSentinel.Contracts;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Messages;

/// <summary>
/// dovecot, through syslog or its own log file. Two kinds of line:
/// login processes (imap-login, pop3-login, submission-login, managesieve-login) summarise a connection:
/// "Disconnected (auth failed, 3 attempts in 16 secs): user=&lt;u&gt;, method=PLAIN, rip=ADDR, lip=..."; and the auth
/// process reports each rejected attempt: "auth-worker(123): pam(user,ADDR,&lt;session&gt;): unknown user".
/// Both are parsed; their actions differ so a rule counts one kind or the other, never both.
/// </summary>
internal static class DovecotMessages
{
    public static bool Parse(in MessageInput input, ParseContext ctx)
    {
        var m = input.Message;
        ReadOnlySpan<byte> login = LoginProcess(input.Tag);
        var auth = IsAuthProcess(input.Tag);
        // Peel the prefixes dovecot and syslog stack up: "dovecot: ", "imap-login: ", "auth-worker(1): ", "Info: ", "conn ...: auth-worker<2>: ".
        for (var guard = 0; guard < 6; guard++)
        {
            if (Bytes.TrySkip(ref m, "Info: "u8) || Bytes.TrySkip(ref m, "Warning: "u8) || Bytes.TrySkip(ref m, "Error: "u8)
                || Bytes.TrySkip(ref m, "dovecot: "u8))
                continue;
            if (m.StartsWith("conn "u8))
            {
                var inner = m.IndexOf("): "u8);
                if (inner < 0)
                    break;
                m = m[(inner + 3)..];
                auth = true;
                continue;
            }
            var colon = m.IndexOf(": "u8);
            if (colon <= 0 || colon > 64)
                break;
            var head = m[..colon];
            var name = LoginProcess(head);
            if (!name.IsEmpty)
            {
                login = name;
                m = m[(colon + 2)..];
                continue;
            }
            if (IsAuthProcess(head))
            {
                auth = true;
                m = m[(colon + 2)..];
                continue;
            }
            break;
        }
        if (!login.IsEmpty)
            return LoginLine(input, ctx, login, m);
        if (auth || input.Tag.StartsWith("dovecot"u8))
            return AuthLine(input, ctx, m);
        return false;
    }

    /// <summary>"imap-login" → "imap"; anything else → empty.</summary>
    private static ReadOnlySpan<byte> LoginProcess(ReadOnlySpan<byte> name)
    {
        var open = name.IndexOfAny((byte)'[', (byte)'(');
        if (open > 0)
            name = name[..open];
        return name.EndsWith("-login"u8) && name.Length > 6 && !name.Contains((byte)' ') ? name[..^6] : default;
    }

    /// <summary>"auth", "auth-worker(123)", "auth(default)", "auth-worker&lt;7&gt;", "dovecot-auth", "auth(user,ADDR,...)&lt;session&gt;".</summary>
    private static bool IsAuthProcess(ReadOnlySpan<byte> name) =>
        name.StartsWith("auth"u8) && (name.Length == 4 || name[4] is (byte)'-' or (byte)'(' or (byte)'<')
        || name.SequenceEqual("dovecot-auth"u8);

    private static bool LoginLine(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> process, ReadOnlySpan<byte> m)
    {
        ReadOnlySpan<byte> reasonZone, kv;
        var success = false;
        if (m.StartsWith("Login: "u8))
        {
            success = true;
            reasonZone = default;
            kv = m[7..];
        }
        else
        {
            // The key=value list starts after the last parenthesis of dovecot's own reason text; user=<...>, which
            // the client chose, comes after that point and so can never pass for a reason.
            var start = FirstOf(m, "): user=<"u8, "): method="u8, "): rip="u8);
            if (start < 0)
                return false;
            reasonZone = m[..(start + 1)];
            kv = m[(start + 3)..];
        }
        var rip = LastKey(kv, "rip="u8);
        if (rip.IsEmpty || !Addresses.IsIp(rip))
            return false;

        string action, outcome;
        var count = 1;
        string reason;
        if (success)
        {
            if (Succeeded(process) is not { } succeeded)
                return false;
            action = succeeded;
            outcome = EventOutcomes.Success;
            reason = "login";
        }
        else if (LastParen(reasonZone, "(auth failed, "u8, out var after))
        {
            if (Bytes.ReadInt(after, out count) == 0)
                count = 1;
            action = Failed(process);
            outcome = EventOutcomes.Failure;
            reason = "auth failed";
        }
        else if (LastParen(reasonZone, "(tried to use "u8, out _) || LastParen(reasonZone, "(proxy dest auth failed)"u8, out _)
                 || LastParen(reasonZone, "(auth_failed)"u8, out _))
        {
            action = Failed(process);
            outcome = EventOutcomes.Failure;
            reason = LastParen(reasonZone, "(tried to use "u8, out _) ? "disallowed auth mechanism" : "auth failed";
        }
        else if (LastParen(reasonZone, "(no auth attempts"u8, out _) || LastParen(reasonZone, "(disconnected before auth was ready"u8, out _)
                 || LastParen(reasonZone, "(client didn't finish SASL auth"u8, out _)
                 || LastParen(reasonZone, "(disconnected during TLS handshake)"u8, out _)
                 || LastParen(reasonZone, "(tls_handshake_not_finished)"u8, out _)
                 || LastParen(reasonZone, "(no_auth_attempts)"u8, out _))
        {
            action = EventActions.MailPreauthDisconnect;
            outcome = EventOutcomes.Failure;
            reason = "no auth attempts";
        }
        else
        {
            return false;
        }
        ref var d = ref ctx.Drafts.Add(action, outcome);
        d.Attempt = outcome == EventOutcomes.Success ? AttemptKind.Success
            : action == EventActions.MailPreauthDisconnect ? AttemptKind.None : AttemptKind.MailFront;
        d.Address = input.Ref(rip);
        d.Count = Math.Max(count, 1);
        d.Protocol = Protocol(process);
        d.Reason = TextRef.FromString(reason);
        var user = UserValue(kv);
        if (!user.IsEmpty)
            d.User = input.Ref(user);
        return true;
    }

    /// <summary>
    /// "DRIVER(USER,ADDR[,&lt;session&gt;][,...]): RESULT" (or the same in the tag: "auth(USER,ADDR,sasl:login)&lt;s&gt;: Info: sql: RESULT").
    /// dovecot's username character set excludes ',' and ')' by default; the address is still found from the right.
    /// </summary>
    private static bool AuthLine(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        ReadOnlySpan<byte> user, address, result, driver;
        if (TryDriverPrefix(m, out user, out address, out var used))
        {
            result = m[used..];
            driver = m[..m.IndexOf((byte)'(')];
        }
        else if (TryDriverPrefix(input.Tag, out user, out address, out _))
        {
            // Tag carried the request; the message is "DRIVER: RESULT" (dovecot 2.4: "request [N]: DRIVER: RESULT").
            if (m.StartsWith("request ["u8) && m.IndexOf("]: "u8) is var close and > 0)
                m = m[(close + 3)..];
            var colon = m.IndexOf(": "u8);
            result = colon > 0 && colon < 32 ? m[(colon + 2)..] : m;
            driver = colon > 0 && colon < 32 ? m[..colon] : default;
        }
        else
        {
            return false;
        }
        var reason = FailureReason(result);
        if (reason is null)
            return false;
        ref var d = ref ctx.Drafts.Add(EventActions.MailAuthFailed, EventOutcomes.Failure);
        d.Attempt = AttemptKind.MailBack;
        // A chain of passdbs (passwd-file, then pam) rejects one attempt once per driver: each driver is tallied apart.
        d.AttemptModule = AttemptModules.Of(driver);
        d.Address = input.Ref(address);
        d.Reason = TextRef.FromString(reason);
        if (!user.IsEmpty)
            d.User = input.Ref(user);
        return true;
    }

    /// <summary>Normalised reason, or null when the result is not a rejected attempt. The given password is never kept.</summary>
    private static string? FailureReason(ReadOnlySpan<byte> result)
    {
        if (result.StartsWith("unknown user"u8) || result.IndexOf("User not known"u8) >= 0)
            return "unknown user";
        if (Ascii.EqualsIgnoreCase(result[..Math.Min(result.Length, 17)], "Password mismatch"u8) || result.IndexOf("password mismatch"u8) >= 0
            || result.IndexOf("Password mismatch"u8) >= 0)
            return "password mismatch";
        if (result.StartsWith("invalid credentials"u8) || result.StartsWith("Invalid password"u8))
            return "invalid credentials";
        if (result.StartsWith("pam_authenticate() failed"u8))
            return "pam_authenticate failed";
        return null;
    }

    /// <summary>Reads "driver(user,ADDR,...)" at the start of <paramref name="s"/>; <paramref name="used"/> spans through "): ".</summary>
    private static bool TryDriverPrefix(ReadOnlySpan<byte> s, out ReadOnlySpan<byte> user, out ReadOnlySpan<byte> address, out int used)
    {
        user = default;
        address = default;
        used = 0;
        var open = s.IndexOf((byte)'(');
        if (open <= 0 || open > 32)
            return false;
        foreach (var b in s[..open])
        {
            if (!(b == '-' || b == '_' || Bytes.IsDigit(b) || (uint)((b | 0x20) - 'a') <= 'z' - 'a'))
                return false;
        }
        var at = open + 1;
        while (at < s.Length)
        {
            var close = s[at..].IndexOf((byte)')');
            if (close < 0)
                return false;
            close += at;
            if (TrySplitRequest(s[(open + 1)..close], out user, out address))
            {
                used = close + 1;
                if (used < s.Length && s[used] == '<')
                {
                    var end = s[used..].IndexOf((byte)'>');
                    used = end < 0 ? used : used + end + 1;
                }
                if (used < s.Length && s[used] == ':')
                    used++;
                while (used < s.Length && s[used] == ' ')
                    used++;
                return true;
            }
            at = close + 1;
        }
        return false;
    }

    /// <summary>"user,ADDR[,&lt;session&gt;][,sasl:login][,]": the last element that is an IP is the address.</summary>
    private static bool TrySplitRequest(ReadOnlySpan<byte> inside, out ReadOnlySpan<byte> user, out ReadOnlySpan<byte> address)
    {
        user = default;
        address = default;
        var end = inside.Length;
        while (end > 0)
        {
            var comma = inside[..end].LastIndexOf((byte)',');
            if (comma < 0)
                return false;
            var element = inside[(comma + 1)..end];
            if (Addresses.IsIp(element))
            {
                address = element;
                user = inside[..comma];
                return true;
            }
            if (!(element.IsEmpty || element[0] == '<' || element.StartsWith("sasl:"u8) || element.StartsWith("session="u8)))
                return false;
            end = comma;
        }
        return false;
    }

    private static int FirstOf(ReadOnlySpan<byte> s, ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c)
    {
        var best = -1;
        foreach (var i in (ReadOnlySpan<int>)[s.IndexOf(a), s.IndexOf(b), s.IndexOf(c)])
        {
            if (i >= 0 && (best < 0 || i < best))
                best = i;
        }
        return best;
    }

    /// <summary>The last "KEY=value" of a ", "-separated list; later keys are dovecot's own, earlier ones may be the client's.</summary>
    private static ReadOnlySpan<byte> LastKey(ReadOnlySpan<byte> kv, ReadOnlySpan<byte> key)
    {
        var end = kv.Length;
        while (true)
        {
            var i = kv[..end].LastIndexOf(key);
            if (i < 0)
                return default;
            if (i == 0 || (i >= 2 && kv[i - 2] == ',' && kv[i - 1] == ' '))
            {
                var v = kv[(i + key.Length)..];
                var stop = v.IndexOf((byte)',');
                return stop < 0 ? Bytes.TrimEndSpaces(v) : v[..stop];
            }
            end = i;
        }
    }

    /// <summary>user=&lt;...&gt;: the client's name ends at the last "&gt;, " before rip=.</summary>
    private static ReadOnlySpan<byte> UserValue(ReadOnlySpan<byte> kv)
    {
        if (!kv.StartsWith("user=<"u8))
            return default;
        var rip = kv.LastIndexOf(", rip="u8);
        var head = rip < 0 ? kv : kv[..rip];
        var end = head.LastIndexOf(">, "u8);
        if (end < 0)
            end = head.Length > 0 && head[^1] == '>' ? head.Length - 1 : -1;
        return end < 6 ? default : kv[6..end];
    }

    private static bool LastParen(ReadOnlySpan<byte> zone, ReadOnlySpan<byte> marker, out ReadOnlySpan<byte> after)
    {
        var i = zone.LastIndexOf(marker);
        after = i < 0 ? default : zone[(i + marker.Length)..];
        return i >= 0;
    }

    private static string Failed(ReadOnlySpan<byte> process) => process switch
    {
        _ when process.SequenceEqual("imap"u8) => EventActions.ImapAuthFailed,
        _ when process.SequenceEqual("pop3"u8) => EventActions.Pop3AuthFailed,
        _ when process.SequenceEqual("submission"u8) => EventActions.SmtpAuthFailed,
        _ when process.SequenceEqual("managesieve"u8) => EventActions.ManagesieveAuthFailed,
        _ => EventActions.MailAuthFailed,
    };

    private static string? Succeeded(ReadOnlySpan<byte> process) => process switch
    {
        _ when process.SequenceEqual("imap"u8) => EventActions.ImapLoginSucceeded,
        _ when process.SequenceEqual("pop3"u8) => EventActions.Pop3LoginSucceeded,
        _ when process.SequenceEqual("submission"u8) => EventActions.SmtpAuthSucceeded,
        _ when process.SequenceEqual("managesieve"u8) => EventActions.ManagesieveLoginSucceeded,
        _ => null,
    };

    private static string? Protocol(ReadOnlySpan<byte> process) => process switch
    {
        _ when process.SequenceEqual("imap"u8) => "imap",
        _ when process.SequenceEqual("pop3"u8) => "pop3",
        _ when process.SequenceEqual("submission"u8) => "smtp",
        _ when process.SequenceEqual("managesieve"u8) => "sieve",
        _ => null,
    };
}
