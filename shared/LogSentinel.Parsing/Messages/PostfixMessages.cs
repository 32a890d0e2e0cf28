using LogSentinel.Contracts;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Messages;

/// <summary>
/// postfix smtpd and postscreen: SASL failures and successes, NOQUEUE / queue-id rejects and milter rejects,
/// protocol violations, connections lost before mail, postscreen's bot verdicts and anvil rate limits.
/// The client is always "NAME[ADDR]" (or "[ADDR]:PORT" in postscreen); the address is inside the brackets.
/// </summary>
internal static class PostfixMessages
{
    private const string Smtp = "smtp";

    public static bool Parse(in MessageInput input, ParseContext ctx)
    {
        var m = input.Message;
        if (Bytes.TrySkip(ref m, "warning: "u8))
            return Warning(input, ctx, m);

        // Optional queue id ("NOQUEUE: " or "4F1B2A3C: ") before the verb.
        var colon = m.IndexOf(": "u8);
        if (colon > 0 && colon <= 32 && IsQueueId(m[..colon]))
        {
            var rest = m[(colon + 2)..];
            if (rest.StartsWith("reject: "u8))
                return Reject(input, ctx, rest[8..]);
            if (rest.StartsWith("milter-reject: "u8))
                return Reject(input, ctx, rest[15..]);
            if (rest.StartsWith("client="u8))
                return SaslLogin(input, ctx, rest[7..]);
            if (rest.StartsWith("lost connection after "u8))
                return LostConnection(input, ctx, rest, 22);
            return false;
        }
        if (m.StartsWith("improper command pipelining after "u8))
            return AfterCommand(input, ctx, m[34..], EventActions.SmtpProtocolViolation, m);
        if (m.StartsWith("too many errors after "u8))
            return AfterCommand(input, ctx, m[22..], EventActions.SmtpProtocolViolation, m);
        if (m.StartsWith("lost connection after "u8))
            return LostConnection(input, ctx, m, 22);
        if (m.StartsWith("timeout after "u8))
            return LostConnection(input, ctx, m, 14);
        if (m.StartsWith("PREGREET "u8) || m.StartsWith("HANGUP "u8) || m.StartsWith("COMMAND TIME LIMIT "u8)
            || m.StartsWith("COMMAND COUNT LIMIT "u8) || m.StartsWith("COMMAND LENGTH LIMIT "u8)
            || m.StartsWith("BARE NEWLINE "u8) || m.StartsWith("NON-SMTP COMMAND "u8) || m.StartsWith("COMMAND PIPELINING "u8))
            return PostscreenVerdict(input, ctx, m);
        return false;
    }

    private static bool IsQueueId(ReadOnlySpan<byte> s)
    {
        foreach (var b in s)
        {
            if (!(Bytes.IsDigit(b) || (uint)((b | 0x20) - 'a') <= 'z' - 'a'))
                return false;
        }
        return true;
    }

    private static bool Warning(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        // "HOST[ADDR][:PORT]: SASL MECH authentication failed: TEXT[, sasl_username=USER]"
        if (TryClient(m, out var address, out var port, out var used))
        {
            var rest = m[used..];
            if (!rest.StartsWith(": SASL "u8))
                return rest.StartsWith(": non-SMTP command"u8) && Add(input, ctx, EventActions.SmtpScan, address, port, rest[2..]);
            var failed = rest.IndexOf(" authentication failed"u8);
            if (failed < 0)
                return false;
            // The server lost its own authentication backend: no attempt by the client was judged.
            if (rest[(failed + 22)..].IndexOf("Connection lost to authentication server"u8) >= 0)
                return false;
            ref var d = ref ctx.Drafts.Add(EventActions.SmtpSaslAuthFailed, EventOutcomes.Failure);
            d.Attempt = AttemptKind.MailFront;
            d.Address = input.Ref(address);
            d.Port = port;
            d.Protocol = Smtp;
            var text = rest[(failed + 22)..];
            Bytes.TrySkip(ref text, ": "u8);
            var userAt = text.LastIndexOf(", sasl_username="u8);
            if (userAt >= 0)
            {
                d.User = input.Ref(text[(userAt + 16)..]);
                text = text[..userAt];
            }
            d.Reason = input.Ref(rest[2..(failed + 22)]);
            return true;
        }
        // "Connection rate limit exceeded: 31 from HOST[ADDR] for service smtpd" and other anvil limits
        var limit = m.IndexOf(" limit exceeded: "u8);
        if (limit > 0 && limit < 64)
        {
            var from = m.IndexOf(" from "u8);
            if (from > limit && TryClient(m[(from + 6)..], out address, out port, out _))
                return Add(input, ctx, EventActions.SmtpRateLimited, address, port, m[..(limit + 15)]);
        }
        return false;
    }

    /// <summary>"CMD from HOST[ADDR][:PORT]: CODE TEXT; from=&lt;...&gt; to=&lt;...&gt; proto=... helo=&lt;...&gt;".</summary>
    private static bool Reject(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var from = m.IndexOf(" from "u8);
        if (from <= 0 || from > 16 || !TryClient(m[(from + 6)..], out var address, out var port, out var used))
            return false;
        var text = m[(from + 6 + used)..];
        Bytes.TrySkip(ref text, ": "u8);
        // Envelope addresses and HELO after "; from=" are the client's words: keep the reason to postfix's own.
        var envelope = text.IndexOf("; from="u8);
        if (envelope < 0)
            envelope = text.IndexOf("; proto="u8);
        if (envelope >= 0)
            text = text[..envelope];
        return Add(input, ctx, EventActions.SmtpReject, address, port, text);
    }

    private static bool AfterCommand(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m, string action, ReadOnlySpan<byte> reason)
    {
        var from = m.IndexOf(" from "u8);
        if (from <= 0 || from > 24 || !TryClient(m[(from + 6)..], out var address, out var port, out _))
            return false;
        var end = reason.IndexOf(" from "u8);
        return Add(input, ctx, action, address, port, end < 0 ? reason : reason[..end]);
    }

    /// <summary>Only a connection lost before any mail (CONNECT, EHLO, HELO, STARTTLS, AUTH) is a probe; after DATA it is lawful traffic.</summary>
    private static bool LostConnection(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> message, int prefix)
    {
        var m = message[prefix..];
        var command = Bytes.Token(m);
        if (!(command.SequenceEqual("CONNECT"u8) || command.SequenceEqual("EHLO"u8) || command.SequenceEqual("HELO"u8)
              || command.SequenceEqual("STARTTLS"u8) || command.SequenceEqual("AUTH"u8)))
            return false;
        var from = m.IndexOf(" from "u8);
        if (from < 0 || !TryClient(m[(from + 6)..], out var address, out var port, out _))
            return false;
        return Add(input, ctx, EventActions.SmtpLostConnection, address, port, message[..(prefix + from)]);
    }

    /// <summary>postscreen: "PREGREET 14 after 0.08 from [ADDR]:PORT: EHLO ...", "HANGUP after 16 from [ADDR]:PORT in tests ...".</summary>
    private static bool PostscreenVerdict(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var from = m.IndexOf(" from ["u8);
        if (from < 0 || from > 40 || !TryClient(m[(from + 6)..], out var address, out var port, out _))
            return false;
        var verdict = m[..from];
        var after = verdict.IndexOf(" after "u8);
        return Add(input, ctx, EventActions.SmtpScan, address, port, after > 0 && !verdict.StartsWith("COMMAND"u8) ? verdict[..after] : verdict);
    }

    /// <summary>Successful SASL login: "client=HOST[ADDR], sasl_method=PLAIN, sasl_username=USER".</summary>
    private static bool SaslLogin(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var userAt = m.LastIndexOf(", sasl_username="u8);
        if (userAt < 0 || !TryClient(m, out var address, out var port, out _))
            return false;
        ref var d = ref ctx.Drafts.Add(EventActions.SmtpSaslAuthSucceeded, EventOutcomes.Success);
        d.Attempt = AttemptKind.Success;
        d.Address = input.Ref(address);
        d.Port = port;
        d.Protocol = Smtp;
        d.User = input.Ref(m[(userAt + 16)..]);
        return true;
    }

    private static bool Add(in MessageInput input, ParseContext ctx, string action, ReadOnlySpan<byte> address, int port, ReadOnlySpan<byte> reason)
    {
        ref var d = ref ctx.Drafts.Add(action, EventOutcomes.Failure);
        d.Address = input.Ref(address);
        d.Port = port;
        d.Protocol = Smtp;
        reason = Bytes.TrimEndSpaces(reason);
        if (!reason.IsEmpty)
            d.Reason = input.Ref(reason);
        return true;
    }

    /// <summary>Reads "NAME[ADDR]" or "[ADDR]" with an optional ":PORT"; <paramref name="used"/> is what it spans.</summary>
    internal static bool TryClient(ReadOnlySpan<byte> s, out ReadOnlySpan<byte> address, out int port, out int used)
    {
        address = default;
        port = -1;
        used = 0;
        var open = s.IndexOf((byte)'[');
        if (open < 0 || open > FieldLimits.Host || s[..open].Contains((byte)' '))
            return false;
        var close = s[open..].IndexOf((byte)']');
        if (close < 2)
            return false;
        var inside = s.Slice(open + 1, close - 1);
        if (inside.StartsWith("IPv6:"u8))
            inside = inside[5..];
        if (!Addresses.IsIp(inside))
            return false;
        address = inside;
        used = open + close + 1;
        if (used < s.Length && s[used] == ':')
        {
            var n = Bytes.ReadInt(s[(used + 1)..], out var p);
            if (n > 0 && p <= 65535)
            {
                port = p;
                used += 1 + n;
            }
        }
        return true;
    }
}
