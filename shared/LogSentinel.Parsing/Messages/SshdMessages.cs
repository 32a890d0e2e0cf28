using System.Text;
using LogSentinel.Contracts;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Messages;

/// <summary>
/// OpenSSH's sshd / sshd-session messages, across versions: failed, invalid and accepted logins, refusals by
/// Allow/Deny rules, too many failures, pre-authentication disconnects and timeouts, what clients that never
/// speak proper SSH leave (scanners and health checks, bad banners, failed negotiations, broken packets),
/// tcp_wrappers refusals and sshd's PAM layer.
/// </summary>
internal static class SshdMessages
{
    private const string Ssh = "ssh";

    public static bool Parse(in MessageInput input, ParseContext ctx)
    {
        var m = input.Message;
        // Solaris prefixes a message id: "[ID 800047 auth.info] Failed ..."
        if (m.StartsWith("[ID "u8))
        {
            var close = m.IndexOf("] "u8);
            if (close > 0)
                m = m[(close + 2)..];
        }
        // The journal can put a kernel-style stamp before the message: "kernel:[  970.699396]: Failed ...".
        if (Bytes.TrySkip(ref m, "kernel:"u8))
        {
            m = Bytes.TrimStartSpaces(m);
            if (m.Length > 0 && m[0] == '[')
            {
                var close = m.IndexOf((byte)']');
                if (close > 0)
                    m = m[(close + 1)..];
            }
            Bytes.TrySkip(ref m, ":"u8);
            m = Bytes.TrimStartSpaces(m);
        }
        if (!Bytes.TrySkip(ref m, "error: "u8))
            Bytes.TrySkip(ref m, "fatal: "u8);
        if (m.IsEmpty)
            return false;

        switch (m[0])
        {
            case (byte)'F':
                return m.StartsWith("Failed "u8) && Failed(input, ctx, m[7..]);
            case (byte)'A':
                if (m.StartsWith("Accepted "u8))
                    return Accepted(input, ctx, m[9..]);
                if (m.StartsWith("Address "u8))
                    return false; // reverse-mapping warning ("POSSIBLE BREAK-IN ATTEMPT"): not a failure by the remote
                break;
            case (byte)'I':
                if (m.StartsWith("Invalid user "u8))
                    return InvalidUser(input, ctx, m[13..]);
                if (m.StartsWith("Illegal user "u8))
                    return InvalidUser(input, ctx, m[13..]);
                break;
            case (byte)'U':
                if (m.StartsWith("User "u8))
                    return UserNotAllowed(input, ctx, m[5..]);
                if (m.StartsWith("Unable to negotiate"u8))
                    return UnableToNegotiate(input, ctx, m);
                break;
            case (byte)'R':
                if (m.StartsWith("ROOT LOGIN REFUSED FROM "u8))
                    return AddressEvent(input, ctx, m[24..], EventActions.SshRootLoginRefused, user: "root", attempt: AttemptKind.Refusal);
                if (m.StartsWith("Received disconnect from "u8))
                    return ReceivedDisconnect(input, ctx, m[25..]);
                if (m.StartsWith("Read from socket failed"u8))
                    return ContextEvent(input, ctx, EventActions.SshScan, m);
                break;
            case (byte)'C':
                if (m.StartsWith("Connection closed by "u8))
                    return Closed(input, ctx, m[21..]);
                if (m.StartsWith("Connection reset by "u8))
                    return Closed(input, ctx, m[20..]);
                if (m.StartsWith("Connection from "u8))
                    return ConnectionFrom(input, ctx, m[16..]);
                // The packet layer names no address; newer sshd follow with ssh_dispatch_run_fatal, which does.
                if (m.StartsWith("Corrupted MAC on input"u8) || m.StartsWith("Corrupted padlen "u8))
                    return ContextEvent(input, ctx, EventActions.SshProtocolError, m);
                if (m.StartsWith("Connection timed out during banner exchange"u8))
                    return ContextEvent(input, ctx, EventActions.SshScan, m);
                break;
            case (byte)'D':
                if (m.StartsWith("Disconnected from "u8))
                    return Closed(input, ctx, m[18..]);
                if (m.StartsWith("Disconnecting"u8))
                    return Disconnecting(input, ctx, m[13..]);
                if (m.StartsWith("Did not receive identification string from "u8))
                    return AddressEvent(input, ctx, m[43..], EventActions.SshScan);
                break;
            case (byte)'B':
                if (m.StartsWith("Bad protocol version identification "u8))
                    return LastFromAddress(input, ctx, m, EventActions.SshBadBanner);
                if (m.StartsWith("Bad remote protocol version identification"u8))
                    return ContextEvent(input, ctx, EventActions.SshBadBanner, m);
                if (m.StartsWith("Bad packet length "u8))
                    return ContextEvent(input, ctx, EventActions.SshProtocolError, m);
                break;
            case (byte)'b':
                if (m.StartsWith("banner exchange: Connection from "u8))
                    return BannerExchange(input, ctx, m);
                break;
            case (byte)'k':
                // The detail of a connection whose verdict sshd writes next (OpenSSH 8 and later: "banner exchange: ...
                // invalid format" or "Connection closed by ADDR port N"): the verdict classifies, so a probe counts once.
                if (m.StartsWith("kex_exchange_identification: "u8))
                    return ContextEvent(input, ctx, EventActions.SshScan, m);
                break;
            case (byte)'s':
                if (m.StartsWith("ssh_dispatch_run_fatal: Connection from "u8))
                    return DispatchFatal(input, ctx, m[40..]);
                if (m.StartsWith("scanned from "u8))
                    return AddressEvent(input, ctx, m[13..], EventActions.SshScan, reason: m[..7]);
                break;
            case (byte)'T':
                if (m.StartsWith("Timeout before authentication for "u8))
                    return Timeout(input, ctx, m[34..]);
                break;
            case (byte)'m':
                if (m.StartsWith("maximum authentication attempts exceeded for "u8))
                    return MaxAttempts(input, ctx, m[45..]);
                break;
            case (byte)'n':
                if (m.StartsWith("no matching "u8))
                    return ContextEvent(input, ctx, EventActions.SshNegotiationFailed, m);
                break;
            case (byte)'P':
                if (m.StartsWith("PAM: "u8))
                    return PamError(input, ctx, m[5..]);
                if (m.StartsWith("Protocol major versions differ for "u8))
                    return AddressEvent(input, ctx, m[35..], EventActions.SshBadBanner, reason: m[..30]);
                if (m.StartsWith("Protocol major versions differ"u8))
                    return ContextEvent(input, ctx, EventActions.SshBadBanner, m);
                if (m.StartsWith("PAM "u8))
                    return PamMessages.Parse(input.WithMessage(m), ctx);
                break;
            case (byte)'p':
                if (m.StartsWith("pam_"u8))
                    return PamMessages.Parse(input.WithMessage(m), ctx);
                if (m.StartsWith("probed from "u8))
                    return AddressEvent(input, ctx, m[12..], EventActions.SshScan, reason: m[..6]);
                break;
            case (byte)'r':
                if (m.StartsWith("refused connect from "u8))
                    return RefusedConnect(input, ctx, m[21..]);
                break;
            case (byte)'i':
                if (m.StartsWith("input_userauth_request: invalid user "u8))
                    return InvalidUserWithoutAddress(input, ctx, m[37..]);
                break;
            case (byte)'S':
                if (m.StartsWith("SSH: Server;Ltype: "u8))
                    return RemoteInfo(input, ctx, m);
                break;
        }
        return false;
    }

    /// <summary>"Failed METHOD for [invalid user ]USER from ADDR[ port N][ sshN][: extra]".</summary>
    private static bool Failed(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var method = Bytes.Token(m);
        var rest = m[method.Length..];
        if (!Bytes.TrySkip(ref rest, " for "u8))
            return false;
        var invalid = Bytes.TrySkip(ref rest, "invalid user "u8) || Bytes.TrySkip(ref rest, "illegal user "u8);
        if (!TryFindFrom(input, ctx, rest, out var user, out var address, out var port))
            return false;
        ref var d = ref ctx.Drafts.Add(EventActions.SshLoginFailed, EventOutcomes.Failure);
        d.Address = input.Ref(address);
        d.Port = port;
        d.Protocol = Ssh;
        d.Reason = input.Ref(method);
        d.Attempt = !IsKeyMethod(method) ? AttemptKind.Guess : invalid ? AttemptKind.KeyInvalid : AttemptKind.Key;
        if (!(user.Length == 0 || user.SequenceEqual("<invalid username>"u8)))
            d.User = input.Ref(user);
        ctx.SetConnectionAddress(d.Address);
        return true;
    }

    /// <summary>
    /// Methods whose failure is no guess: a client offers its keys (or 'none') in turn before the one that works, so
    /// their refusal is not a failed login by itself (fail2ban's sshd filter treats it the same way).
    /// </summary>
    private static bool IsKeyMethod(ReadOnlySpan<byte> method) =>
        method.SequenceEqual("publickey"u8) || method.SequenceEqual("none"u8) || method.SequenceEqual("hostbased"u8)
        || method.StartsWith("gssapi"u8);

    /// <summary>"Accepted METHOD for USER from ADDR port N sshN[: key]".</summary>
    private static bool Accepted(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var method = Bytes.Token(m);
        var rest = m[method.Length..];
        if (!Bytes.TrySkip(ref rest, " for "u8) || !TryFindFrom(input, ctx, rest, out var user, out var address, out var port))
            return false;
        ref var d = ref ctx.Drafts.Add(EventActions.SshLoginSucceeded, EventOutcomes.Success);
        d.Attempt = AttemptKind.Success;
        d.Address = input.Ref(address);
        d.Port = port;
        d.Protocol = Ssh;
        d.Reason = input.Ref(method);
        d.User = input.Ref(user);
        ctx.SetConnectionAddress(d.Address);
        return true;
    }

    /// <summary>
    /// Finds "USER from ADDR[ port N][ on ADDR port N][ sshN]" followed by the end or ": ". The user name is the
    /// client's text and may itself hold " from X port Y ssh2"; among several readings the one naming the address
    /// this connection already gave wins, else the first (the user name precedes the real address).
    /// </summary>
    private static bool TryFindFrom(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> user,
        out ReadOnlySpan<byte> address, out int port)
    {
        user = default;
        address = default;
        port = -1;
        var found = false;
        var at = 0;
        while (at < rest.Length)
        {
            var i = rest[at..].IndexOf(" from "u8);
            if (i < 0)
                break;
            i += at;
            at = i + 1;
            var s = rest[(i + 6)..];
            var a = AddressReader.Read(s);
            if (a.IsEmpty)
                continue;
            s = s[a.Length..];
            s = s[AddressReader.ReadPort(s, out var p)..];
            if (s.StartsWith(" on "u8))
            {
                var local = AddressReader.Read(s[4..]);
                if (!local.IsEmpty)
                {
                    s = s[(4 + local.Length)..];
                    s = s[AddressReader.ReadPort(s, out _)..];
                }
            }
            if (s.StartsWith(" ssh"u8))
            {
                var v = 4;
                while (v < s.Length && Bytes.IsDigit(s[v]))
                    v++;
                s = s[v..];
            }
            if (!(s.IsEmpty || s.StartsWith(": "u8) || Bytes.TrimEndSpaces(s).IsEmpty || s.SequenceEqual(" [preauth]"u8)))
                continue;
            if (!found || IsKnownAddress(input, ctx, a))
            {
                user = rest[..i];
                address = a;
                port = p;
                if (found)
                    break;
                found = true;
            }
        }
        return found;
    }

    private static bool IsKnownAddress(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> candidate)
    {
        var known = ctx.KnownConnectionAddress(input);
        if (known is null || known.Length != candidate.Length)
            return false;
        for (var i = 0; i < candidate.Length; i++)
        {
            if (known[i] != candidate[i])
                return false;
        }
        return true;
    }

    /// <summary>"Invalid user USER from ADDR[ port N]"; the user name may be empty or hold spaces.</summary>
    private static bool InvalidUser(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var i = m.LastIndexOf(" from "u8);
        // "Invalid user  from 1.2.3.4": an empty name leaves "from" right at the start.
        if (m.StartsWith("from "u8) && (i < 0 || AddressReader.Read(m[(i + 6)..]).IsEmpty))
            i = -1;
        ReadOnlySpan<byte> user, tail;
        if (i >= 0)
        {
            user = m[..i];
            tail = m[(i + 6)..];
        }
        else if (m.StartsWith("from "u8))
        {
            user = default;
            tail = m[5..];
        }
        else
        {
            return false;
        }
        var address = AddressReader.Read(tail);
        if (address.IsEmpty)
            return false;
        AddressReader.ReadPort(tail[address.Length..], out var port);
        ref var d = ref ctx.Drafts.Add(EventActions.SshInvalidUser, EventOutcomes.Failure);
        d.Attempt = AttemptKind.Refusal;
        d.Address = input.Ref(address);
        d.Port = port;
        d.Protocol = Ssh;
        if (!user.IsEmpty)
            d.User = input.Ref(user);
        ctx.SetConnectionAddress(d.Address);
        return true;
    }

    private static bool InvalidUserWithoutAddress(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        Bytes.TrimPreauth(ref m);
        ref var d = ref ctx.Drafts.Add(EventActions.SshInvalidUser, EventOutcomes.Failure);
        d.Attempt = AttemptKind.RefusalEcho;
        d.NeedsConnectionAddress = true;
        d.Protocol = Ssh;
        if (!m.IsEmpty)
            d.User = input.Ref(m);
        return true;
    }

    /// <summary>"User USER from ADDR not allowed because ..." or "User USER not allowed because account is locked".</summary>
    private static bool UserNotAllowed(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var because = m.LastIndexOf(" not allowed because "u8);
        if (because < 0)
            return false;
        var head = m[..because];
        var reason = Bytes.TrimEndSpaces(m[(because + 21)..]);
        Bytes.TrimPreauth(ref reason);
        ref var d = ref ctx.Drafts.Add(EventActions.SshUserNotAllowed, EventOutcomes.Failure);
        d.Attempt = AttemptKind.Refusal;
        d.Protocol = Ssh;
        d.Reason = input.Ref(reason);
        var from = head.LastIndexOf(" from "u8);
        var address = from < 0 ? default : AddressReader.Read(head[(from + 6)..]);
        if (!address.IsEmpty && from + 6 + address.Length == head.Length)
        {
            d.Address = input.Ref(address);
            d.User = input.Ref(head[..from]);
            ctx.SetConnectionAddress(d.Address);
        }
        else
        {
            d.User = input.Ref(head);
            d.NeedsConnectionAddress = true;
        }
        return true;
    }

    /// <summary>"Connection closed by / reset by / Disconnected from [authenticating|invalid user USER ]ADDR[ port N][ [preauth]]".</summary>
    private static bool Closed(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var preauth = Bytes.TrimPreauth(ref m);
        if (!AddressReader.TryReadTail(m, out var head, out var address, out var port))
            return false;
        ReadOnlySpan<byte> user = default;
        var hasUser = false;
        if (Bytes.TrySkip(ref head, "authenticating user "u8) || Bytes.TrySkip(ref head, "invalid user "u8))
        {
            user = head;
            hasUser = true;
        }
        else if (head.SequenceEqual("authenticating user"u8) || head.SequenceEqual("invalid user"u8))
        {
            hasUser = true; // empty user name: "invalid user  1.2.3.4"
        }
        else if (head.StartsWith("user "u8))
        {
            user = head[5..]; // a session that ended normally
            hasUser = true;
        }
        else if (!head.IsEmpty)
        {
            return false;
        }
        ctx.SetConnectionAddress(input.Ref(address));
        if (!preauth)
            return true; // a normal close: only tells which address this connection was
        ref var d = ref ctx.Drafts.Add(EventActions.SshPreauthDisconnect, EventOutcomes.Failure);
        // "by authenticating user root": the client asked for an account and left without getting in (key-only servers).
        d.Attempt = hasUser ? AttemptKind.EndNamed : AttemptKind.End;
        d.Address = input.Ref(address);
        d.Port = port;
        d.Protocol = Ssh;
        if (hasUser && !user.IsEmpty)
            d.User = input.Ref(user);
        return true;
    }

    /// <summary>"Received disconnect from ADDR[ port N]:CODE: TEXT[ [preauth]]".</summary>
    private static bool ReceivedDisconnect(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var preauth = Bytes.TrimPreauth(ref m);
        var address = AddressReader.Read(m);
        if (address.IsEmpty)
            return false;
        var s = m[address.Length..];
        s = s[AddressReader.ReadPort(s, out var port)..];
        if (s.Length > 0 && s[0] == ':')
            s = Bytes.TrimStartSpaces(s[1..]);
        Bytes.ReadInt(s, out var code);
        ctx.SetConnectionAddress(input.Ref(address));
        // Code 3 (SSH2_DISCONNECT_... "Auth fail") means the client gave up authenticating even after login time.
        if (!preauth && code != 3 && s.IndexOf("Auth fail"u8) < 0)
            return true;
        ref var d = ref ctx.Drafts.Add(EventActions.SshPreauthDisconnect, EventOutcomes.Failure);
        // 3 (auth failed) and 14 (no authentication method the client could use): the client tried to log in and gave up.
        d.Attempt = code is 3 or 14 || s.IndexOf("Auth fail"u8) >= 0 ? AttemptKind.EndNamed : AttemptKind.End;
        d.Address = input.Ref(address);
        d.Port = port;
        d.Protocol = Ssh;
        var colon = s.IndexOf((byte)':');
        if (colon >= 0)
            d.Reason = input.Ref(Bytes.TrimStartSpaces(s[(colon + 1)..]));
        return true;
    }

    /// <summary>
    /// "Disconnecting: Too many authentication failures[ for USER]" (no address) and
    /// "Disconnecting invalid|authenticating user USER ADDR port N: REASON".
    /// </summary>
    private static bool Disconnecting(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        Bytes.TrimPreauth(ref m);
        if (Bytes.TrySkip(ref m, ": "u8))
        {
            // Older sshd disconnected with the packet layer's complaint ("Disconnecting: Bad packet length 1349676916.").
            if (IsPacketCorruption(m))
                return ContextEvent(input, ctx, EventActions.SshProtocolError, m);
            if (!m.StartsWith("Too many authentication failures"u8))
                return false;
            ref var t = ref ctx.Drafts.Add(EventActions.SshTooManyAuthFailures, EventOutcomes.Failure);
            t.Attempt = AttemptKind.EndNamed;
            t.NeedsConnectionAddress = true;
            t.Protocol = Ssh;
            var rest = m[32..];
            if (Bytes.TrySkip(ref rest, " for "u8))
            {
                Bytes.TrySkip(ref rest, "invalid user "u8);
                if (!rest.IsEmpty)
                    t.User = input.Ref(rest);
            }
            return true;
        }
        if (!Bytes.TrySkip(ref m, " "u8))
            return false;
        // The reason follows the last ": " after the port; the user name before the address is the client's text.
        var portAt = m.LastIndexOf(" port "u8);
        if (portAt < 0)
            return false;
        var colon = m[portAt..].IndexOf(": "u8);
        if (colon < 0)
            return false;
        var reason = m[(portAt + colon + 2)..];
        if (!AddressReader.TryReadTail(m[..(portAt + colon)], out var head, out var address, out var port))
            return false;
        if (!Bytes.TrySkip(ref head, "invalid user "u8) && !Bytes.TrySkip(ref head, "authenticating user "u8)
            && !Bytes.TrySkip(ref head, "user "u8))
        {
            if (!(head.SequenceEqual("invalid user"u8) || head.SequenceEqual("authenticating user"u8)))
                return false;
            head = default;
        }
        var action = reason.StartsWith("Too many authentication failures"u8)
            ? EventActions.SshTooManyAuthFailures
            : EventActions.SshPreauthDisconnect;
        ref var d = ref ctx.Drafts.Add(action, EventOutcomes.Failure);
        d.Attempt = AttemptKind.EndNamed;
        d.Address = input.Ref(address);
        d.Port = port;
        d.Protocol = Ssh;
        d.Reason = input.Ref(reason);
        if (!head.IsEmpty)
            d.User = input.Ref(head);
        ctx.SetConnectionAddress(d.Address);
        return true;
    }

    /// <summary>"maximum authentication attempts exceeded for [invalid user ]USER from ADDR port N ssh2".</summary>
    private static bool MaxAttempts(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        Bytes.TrimPreauth(ref m);
        if (!Bytes.TrySkip(ref m, "invalid user "u8))
            Bytes.TrySkip(ref m, "illegal user "u8);
        ref var d = ref ctx.Drafts.Add(EventActions.SshTooManyAuthFailures, EventOutcomes.Failure);
        d.Attempt = AttemptKind.EndNamed;
        d.Protocol = Ssh;
        if (TryFindFrom(input, ctx, m, out var user, out var address, out var port))
        {
            d.Address = input.Ref(address);
            d.Port = port;
            if (!user.IsEmpty)
                d.User = input.Ref(user);
            ctx.SetConnectionAddress(d.Address);
        }
        else
        {
            d.NeedsConnectionAddress = true;
        }
        return true;
    }

    /// <summary>
    /// A message that names the address right after its fixed prefix: "... from ADDR[ port N]...". Unless
    /// <paramref name="ownConnection"/> is false (the listener reporting on a child), the address is the line's connection's.
    /// </summary>
    private static bool AddressEvent(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> afterPrefix, string action,
        string? user = null, ReadOnlySpan<byte> reason = default, AttemptKind attempt = AttemptKind.None, bool ownConnection = true)
    {
        var address = AddressReader.Read(afterPrefix);
        if (address.IsEmpty)
            return false;
        AddressReader.ReadPort(afterPrefix[address.Length..], out var port);
        ref var d = ref ctx.Drafts.Add(action, EventOutcomes.Failure);
        d.Attempt = attempt;
        d.Address = input.Ref(address);
        d.Port = port;
        d.Protocol = Ssh;
        if (user is not null)
            d.User = TextRef.FromString(user);
        if (!reason.IsEmpty)
            d.Reason = input.Ref(Bytes.TrimEndSpaces(reason));
        if (ownConnection)
            ctx.SetConnectionAddress(d.Address);
        return true;
    }

    /// <summary>"Bad protocol version identification 'CLIENT TEXT' from ADDR port N": the last " from " is sshd's.</summary>
    private static bool LastFromAddress(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m, string action)
    {
        Bytes.TrimPreauth(ref m);
        var i = m.LastIndexOf(" from "u8);
        if (i < 0)
            return false;
        var tail = m[(i + 6)..];
        var address = AddressReader.Read(tail);
        if (address.IsEmpty)
            return false;
        var after = tail[address.Length..];
        after = after[AddressReader.ReadPort(after, out var port)..];
        if (!Bytes.TrimEndSpaces(after).IsEmpty)
            return false;
        ref var d = ref ctx.Drafts.Add(action, EventOutcomes.Failure);
        d.Address = input.Ref(address);
        d.Port = port;
        d.Protocol = Ssh;
        ctx.SetConnectionAddress(d.Address);
        return true;
    }

    /// <summary>A message without an address ("kex_exchange_identification: ...", "Bad packet length N."): the connection gives it.</summary>
    private static bool ContextEvent(in MessageInput input, ParseContext ctx, string action, ReadOnlySpan<byte> m)
    {
        ref var d = ref ctx.Drafts.Add(action, EventOutcomes.Failure);
        d.NeedsConnectionAddress = true;
        d.Protocol = Ssh;
        Bytes.TrimPreauth(ref m);
        d.Reason = input.Ref(m);
        return true;
    }

    /// <summary>
    /// "Unable to negotiate with ADDR port N: no matching ... found. Their offer: ..." or, without an address,
    /// "... a key exchange method". After a rekey sshd names the account first ("with authenticating user U ADDR
    /// port N"); the user name and the offer are both the client's words, so the connection gives the address then.
    /// </summary>
    private static bool UnableToNegotiate(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        if (m.StartsWith("Unable to negotiate with "u8))
        {
            var tail = m[25..];
            if (!tail.StartsWith("authenticating user "u8) && !tail.StartsWith("invalid user "u8))
            {
                var colon = tail.IndexOf(": "u8);
                return AddressEvent(input, ctx, tail, EventActions.SshNegotiationFailed, reason: colon < 0 ? default : tail[(colon + 2)..]);
            }
        }
        return ContextEvent(input, ctx, EventActions.SshNegotiationFailed, m);
    }

    /// <summary>
    /// "banner exchange: Connection from ADDR port N: REASON": sshd's verdict on the client's identification ("invalid
    /// format", "could not read protocol version"), unless the connection itself failed ("Broken pipe").
    /// </summary>
    private static bool BannerExchange(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var tail = m[33..];
        var address = AddressReader.Read(tail);
        var after = tail[address.Length..];
        after = after[AddressReader.ReadPort(after, out _)..];
        Bytes.TrySkip(ref after, ": "u8);
        var action = IsConnectionFailure(after) ? EventActions.SshScan : EventActions.SshBadBanner;
        return AddressEvent(input, ctx, tail, action, reason: m);
    }

    /// <summary>errno texts sshd reports when the connection failed under it: what a port scan leaves.</summary>
    private static bool IsConnectionFailure(ReadOnlySpan<byte> reason) =>
        reason.StartsWith("Broken pipe"u8) || reason.StartsWith("Connection reset"u8) || reason.StartsWith("Connection timed out"u8)
        || reason.StartsWith("No route to host"u8) || reason.StartsWith("Network is unreachable"u8);

    /// <summary>The packet layer's own complaints about what the client sent (OpenSSH's packet.c, old and new).</summary>
    private static bool IsPacketCorruption(ReadOnlySpan<byte> reason) =>
        reason.StartsWith("Bad packet length"u8) || reason.StartsWith("Corrupted MAC on input"u8) || reason.StartsWith("Corrupted padlen"u8)
        || reason.StartsWith("Packet corrupt"u8) || reason.StartsWith("Packet integrity error"u8);

    /// <summary>
    /// "ssh_dispatch_run_fatal: Connection from [authenticating user USER ]ADDR port N: REASON": the packet layer gave
    /// up on what the client sent (a MAC that does not verify, a corrupt packet, bytes that do not parse).
    /// </summary>
    private static bool DispatchFatal(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        Bytes.TrimPreauth(ref m);
        var portAt = m.LastIndexOf(" port "u8);
        if (portAt < 0)
            return false;
        var colon = m[portAt..].IndexOf(": "u8);
        var end = colon < 0 ? m.Length : portAt + colon;
        if (!AddressReader.TryReadTail(m[..end], out var head, out var address, out var port))
            return false;
        ref var d = ref ctx.Drafts.Add(EventActions.SshProtocolError, EventOutcomes.Failure);
        d.Address = input.Ref(address);
        d.Port = port;
        d.Protocol = Ssh;
        if (colon >= 0)
            d.Reason = input.Ref(m[(portAt + colon + 2)..]);
        if (Bytes.TrySkip(ref head, "authenticating user "u8) || Bytes.TrySkip(ref head, "invalid user "u8))
            d.User = input.Ref(head);
        ctx.SetConnectionAddress(d.Address);
        return true;
    }

    /// <summary>
    /// "Timeout before authentication for ADDR port N" (the connection's own process) or, from OpenSSH 9.8's listener,
    /// "... for connection from ADDR to ADDR, pid = N": the listener's pid is no connection, so the address is not its.
    /// </summary>
    private static bool Timeout(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var listener = Bytes.TrySkip(ref m, "connection from "u8);
        return AddressEvent(input, ctx, m, EventActions.SshPreauthTimeout, attempt: AttemptKind.End, ownConnection: !listener);
    }

    /// <summary>"Connection from ADDR port N on ADDR port 22[ rdomain ...]": a new connection starts.</summary>
    private static bool ConnectionFrom(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var address = AddressReader.Read(m);
        if (address.IsEmpty)
            return false;
        ctx.SetConnectionAddress(input.Ref(address), starts: true);
        return true;
    }

    /// <summary>"SSH: Server;Ltype: Version;Remote: ADDR-PORT;...": only names the connection's address.</summary>
    private static bool RemoteInfo(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var i = m.IndexOf(";Remote: "u8);
        if (i < 0)
            return false;
        var tail = m[(i + 9)..];
        var end = tail.IndexOf((byte)';');
        if (end >= 0)
            tail = tail[..end];
        var dash = tail.LastIndexOf((byte)'-');
        if (dash > 0)
            tail = tail[..dash];
        if (!Addresses.IsIp(tail))
            return false;
        ctx.SetConnectionAddress(input.Ref(tail));
        return true;
    }

    /// <summary>tcp_wrappers: "refused connect from NAME (ADDR)"; the address in parentheses is the one that connected.</summary>
    private static bool RefusedConnect(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        m = Bytes.TrimEndSpaces(m);
        ReadOnlySpan<byte> address;
        if (m.Length > 2 && m[^1] == ')')
        {
            var open = m.LastIndexOf((byte)'(');
            if (open < 0)
                return false;
            address = m[(open + 1)..^1];
        }
        else
        {
            address = m;
        }
        if (!Addresses.IsAddress(address))
            return false;
        ref var d = ref ctx.Drafts.Add(EventActions.SshConnectionRefused, EventOutcomes.Failure);
        d.Address = input.Ref(address);
        d.Protocol = Ssh;
        ctx.SetConnectionAddress(d.Address);
        return true;
    }

    /// <summary>
    /// sshd's own PAM errors: "PAM: Authentication failure for [illegal user ]USER from ADDR[ via ADDR]",
    /// "PAM: authentication error for ...", "PAM: User not known to the underlying authentication module for ...".
    /// </summary>
    private static bool PamError(in MessageInput input, ParseContext ctx, ReadOnlySpan<byte> m)
    {
        var forAt = m.IndexOf(" for "u8);
        if (forAt < 0)
            return false;
        var what = m[..forAt];
        if (!(Ascii.EqualsIgnoreCase(what, "Authentication failure"u8) || Ascii.EqualsIgnoreCase(what, "authentication error"u8)
              || what.StartsWith("User not known"u8)))
            return false;
        var rest = m[(forAt + 5)..];
        if (!Bytes.TrySkip(ref rest, "illegal user "u8))
            Bytes.TrySkip(ref rest, "invalid user "u8);
        var via = rest.LastIndexOf(" via "u8);
        if (via >= 0 && Addresses.IsAddress(Bytes.TrimEndSpaces(rest[(via + 5)..])))
            rest = rest[..via];
        if (!AddressReader.TryReadTail(rest, out var head, out var address, out _))
            return false;
        if (!head.EndsWith(" from"u8) && !head.SequenceEqual("from"u8))
            return false;
        ref var d = ref ctx.Drafts.Add(EventActions.PamAuthFailed, EventOutcomes.Failure);
        d.Attempt = AttemptKind.PamError;
        d.Address = input.Ref(address);
        d.Protocol = Ssh;
        var user = head.Length > 5 ? head[..^5] : default;
        if (!user.IsEmpty)
            d.User = input.Ref(user);
        ctx.SetConnectionAddress(d.Address);
        return true;
    }
}
