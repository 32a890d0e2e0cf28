namespace LogSentinel.Parsing.Messages;

/// <summary>
/// Sends a message to the parser of the program that wrote it. Messages are matched from their start, so text
/// an attacker gets into the middle of a line (a user name, a client banner) is never read as a message of
/// its own. A line whose program is missing or unfamiliar is tried as PAM, then by every family in turn.
/// </summary>
internal static class MessageDispatch
{
    public static void Parse(ReadOnlySpan<byte> program, in MessageInput input, ParseContext ctx)
    {
        var handled = Classify(program) switch
        {
            Family.Sshd => SshdMessages.Parse(input, ctx),
            Family.Dropbear => DropbearMessages.Parse(input, ctx),
            Family.Sudo => SudoMessages.Parse(input, ctx),
            Family.Su => SuMessages.Parse(input, ctx),
            Family.Login => LoginMessages.Parse(input, ctx),
            Family.Postfix => PostfixMessages.Parse(input, ctx),
            Family.Dovecot => DovecotMessages.Parse(input, ctx),
            Family.Fail2ban => Fail2banMessages.Parse(input, ctx),
            Family.Polkit => PolkitMessages.Parse(input, ctx),
            // cron only logs the sessions it opens; an authentication failure would still come through PAM.
            Family.Cron => false,
            _ => UnknownProgram(program, input, ctx),
        };
        if (!handled)
            PamMessages.Parse(input, ctx);
    }

    /// <summary>
    /// A program we do not know only gets the PAM parser; a line with no program at all (RFC 5424 nil app,
    /// a bare message) is tried by every family.
    /// </summary>
    private static bool UnknownProgram(ReadOnlySpan<byte> program, in MessageInput input, ParseContext ctx) =>
        program.IsEmpty && (SshdMessages.Parse(input, ctx) || DovecotMessages.Parse(input, ctx)
                            || PostfixMessages.Parse(input, ctx) || Fail2banMessages.Parse(input, ctx));

    internal enum Family
    {
        Other,
        Sshd,
        Dropbear,
        Sudo,
        Su,
        Login,
        Postfix,
        Dovecot,
        Fail2ban,
        Polkit,
        Cron,
    }

    internal static Family Classify(ReadOnlySpan<byte> program)
    {
        if (program.IsEmpty)
            return Family.Other;
        switch (program[0] | 0x20)
        {
            case 's':
                if (program.StartsWith("sshd"u8))
                    return Family.Sshd;
                if (program.SequenceEqual("sudo"u8))
                    return Family.Sudo;
                if (program.SequenceEqual("su"u8) || program.SequenceEqual("su-l"u8))
                    return Family.Su;
                break;
            case 'c':
                if (program.SequenceEqual("CRON"u8) || program.SequenceEqual("cron"u8) || program.SequenceEqual("crond"u8))
                    return Family.Cron;
                break;
            case 'l':
                if (program.SequenceEqual("login"u8))
                    return Family.Login;
                break;
            case 'd':
                if (program.StartsWith("dovecot"u8))
                    return Family.Dovecot;
                if (program.SequenceEqual("dropbear"u8))
                    return Family.Dropbear;
                break;
            case 'a':
                if (program.StartsWith("auth"u8))
                    return Family.Dovecot;
                break;
            case 'f':
                if (program.StartsWith("fail2ban"u8))
                    return Family.Fail2ban;
                break;
            case 'p':
                if (program.StartsWith("postfix"u8))
                    return Family.Postfix;
                // "polkitd(authority=local)" is one journal identifier; polkit-agent-helper-1 only writes PAM lines.
                if (program.SequenceEqual("pkexec"u8) || program.StartsWith("polkitd"u8))
                    return Family.Polkit;
                break;
        }
        if (program.EndsWith("-login"u8))
            return Family.Dovecot;
        if (program.EndsWith("/smtpd"u8) || program.EndsWith("/postscreen"u8) || program.SequenceEqual("smtpd"u8)
            || program.SequenceEqual("postscreen"u8))
            return Family.Postfix;
        return Family.Other;
    }
}
