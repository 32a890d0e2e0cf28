using LogSentinel.Contracts;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Messages;

/// <summary>
/// postfix smtpd and postscreen: SASL failures and successes, NOQUEUE / queue-id rejects and milter rejects (told
/// apart by postfix's own text: relay, unknown recipient, HELO, DNS blocklist), non-SMTP commands, protocol
/// violations, connections lost before mail, postscreen's bot verdicts and DNSBL ranks, and anvil rate limits.
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
            || m.StartsWith("BARE NEWLINE "u8) || m.StartsWith("COMMAND PIPELINING "u8))
            return PostscreenVerdict(input, ctx, m);
        if (m.StartsWith("NON-SMTP COMMAND from ["u8))
            return PostscreenNonSmtp(input, ctx, m[22..]);
        if (m.StartsWith("DNSBL rank "u8))
            return DnsblRank(input, ctx, m);
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
        // "non-SMTP command from HOST[ADDR][:PORT]: TEXT": the client spoke another protocol (an HTTP request, a proxy probe).
        if (m.StartsWith("non-SMTP command from "u8))
        {
            if (!TryClient(m[22..], out var client, out var clientPort, out var clientUsed))
                return false;
            var text = m[(22 + clientUsed)..];
            Bytes.TrySkip(ref text, ": "u8);
            return Add(input, ctx, EventActions.SmtpNonSmtpCommand, client, clientPort, text);
        }
        // "HOST[ADDR][:PORT]: SASL MECH authentication failed: TEXT[, sasl_username=USER]"
        if (TryClient(m, out var address, out var port, out var used))
        {
            var rest = m[used..];
            if (!rest.StartsWith(": SASL "u8))
                return false;
            var failed = rest.IndexOf(" authentication failed"u8);
            if (failed < 0)
                return false;
            var why = rest[(failed + 22)..];
            // The server lost its own authentication backend: no attempt by the client was judged.
            if (why.IndexOf("Connection lost to authentication server"u8) >= 0)
                return false;
            ref var d = ref ctx.Drafts.Add(EventActions.SmtpSaslAuthFailed, EventOutcomes.Failure);
            // A mechanism the server does not offer was refused before any credential was looked at.
            d.Attempt = why.StartsWith(": Invalid authentication mechanism"u8) ? AttemptKind.None : AttemptKind.MailFront;
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
        var action = RejectAction(text[..EnvelopeStart(text)]);
        // Envelope addresses and HELO after "; from=" are the client's words: keep the reason to postfix's own.
        var envelope = text.IndexOf("; from="u8);
        if (envelope < 0)
            envelope = text.IndexOf("; proto="u8);
        if (envelope >= 0)
            text = text[..envelope];
        return Add(input, ctx, action, address, port, text);
    }

    /// <summary>
    /// Tells a reject apart by postfix's own words in the reply "CODE [X.Y.Z ][&lt;ITEM&gt;: ]TEXT", the envelope cut off.
    /// Only a client blocklist reply starts right after the status codes; the others follow the client's ITEM (a
    /// recipient, a HELO name), which may hold any text, "&gt;: Relay access denied" included. Every place after a
    /// "&gt;: " where one of postfix's texts could start is looked at: the reply is classified only when exactly one class
    /// of them holds. Text a client writes into its ITEM can then turn its own reject into a plain smtp_reject, or name a
    /// class for a reject postfix gave none; it cannot move a reject from one class postfix gave to another.
    /// </summary>
    private static string RejectAction(ReadOnlySpan<byte> reply)
    {
        var text = SkipStatus(reply);
        // smtpd's reject_rbl_client, postscreen's: "Service unavailable; Client host [ADDR] blocked using ZONE[; TEXT]".
        if (Bytes.TrySkip(ref text, "Service unavailable; Client host ["u8) || Bytes.TrySkip(ref text, "Service unavailable; client ["u8))
        {
            var close = text.IndexOf((byte)']');
            return close > 0 && text[close..].StartsWith("] blocked using "u8) ? EventActions.SmtpClientBlocklisted : EventActions.SmtpReject;
        }
        // No ITEM, or an empty one written without its brackets: postfix's text is at a place the client cannot move.
        if (text.IsEmpty || text[0] != '<')
            return TextAction(text.StartsWith(": "u8) ? text[2..] : text) ?? EventActions.SmtpReject;
        string? found = null;
        var at = 1;
        while (true)
        {
            var i = text[at..].IndexOf(">: "u8);
            if (i < 0)
                break;
            at += i + 3;
            var action = TextAction(text[at..]);
            if (action is null)
                continue;
            if (found is not null && !ReferenceEquals(found, action))
                return EventActions.SmtpReject;
            found = action;
        }
        return found ?? EventActions.SmtpReject;
    }

    /// <summary>
    /// Where the envelope postfix appends to a reject ("; from=&lt;S&gt; to=&lt;R&gt; proto=P helo=&lt;H&gt;", each part
    /// only when known) starts: it follows postfix's text, so text a client wrote into it never passes for postfix's.
    /// </summary>
    private static int EnvelopeStart(ReadOnlySpan<byte> text) =>
        Earlier(Earlier(Earlier(text.Length, text.IndexOf("; from=<"u8)), text.IndexOf("; to=<"u8)), text.IndexOf("; proto="u8));

    private static int Earlier(int end, int at) => at >= 0 && at < end ? at : end;

    /// <summary>Skips "CODE " and "X.Y.Z " at the start of a reply (milter replies may lack the first).</summary>
    private static ReadOnlySpan<byte> SkipStatus(ReadOnlySpan<byte> reply)
    {
        var n = Bytes.ReadInt(reply, out _);
        if (n == 3 && reply.Length > 3 && reply[3] == ' ')
            reply = reply[4..];
        var dsn = Bytes.Token(reply);
        if (dsn.Length >= 5 && dsn.Length < reply.Length && Bytes.IsDigit(dsn[0]) && dsn[1] == '.')
            reply = reply[(dsn.Length + 1)..];
        return reply;
    }

    /// <summary>The action postfix's text after a reply's ITEM stands for, or null for one no finer action names.</summary>
    private static string? TextAction(ReadOnlySpan<byte> text)
    {
        if (text.StartsWith("Relay access denied"u8))
        {
            var end = text[19..];
            return end.IsEmpty || end.StartsWith("; "u8) ? EventActions.SmtpRelayDenied : null;
        }
        if (text.StartsWith("Helo command rejected: "u8))
            return EventActions.SmtpHeloRejected;
        if (Bytes.TrySkip(ref text, "Recipient address rejected: "u8))
            return text.StartsWith("User unknown"u8) || text.StartsWith("undeliverable address"u8) ? EventActions.SmtpRecipientUnknown : null;
        return text.StartsWith("User unknown in "u8) ? EventActions.SmtpRecipientUnknown : null;
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

    /// <summary>postscreen: "NON-SMTP COMMAND from [ADDR]:PORT after CMD: TEXT"; the reason is the client's TEXT, as smtpd's.</summary>
    private static bool PostscreenNonSmtp(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        if (!TryClient(m, out var address, out var port, out var used))
            return false;
        var rest = m[used..];
        ReadOnlySpan<byte> text = default;
        if (Bytes.TrySkip(ref rest, " after "u8))
        {
            // postscreen's state name ("CONNECT", "RCPT") is one word; the client's text follows its ": ".
            var colon = rest.IndexOf(": "u8);
            if (colon >= 0 && !rest[..colon].Contains((byte)' '))
                text = rest[(colon + 2)..];
        }
        return Add(input, ctx, EventActions.SmtpNonSmtpCommand, address, port, text);
    }

    /// <summary>postscreen: "DNSBL rank N for [ADDR]:PORT": the client is listed by the configured DNS blocklists.</summary>
    private static bool DnsblRank(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var n = Bytes.ReadInt(m[11..], out _);
        if (n == 0 || !m[(11 + n)..].StartsWith(" for ["u8) || !TryClient(m[(11 + n + 5)..], out var address, out var port, out _))
            return false;
        return Add(input, ctx, EventActions.SmtpClientBlocklisted, address, port, m[..(11 + n)]);
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
