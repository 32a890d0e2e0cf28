namespace LogSentinel.Parsing.Messages;

/// <summary>
/// What a line says about authentication attempts, before the <see cref="AttemptLedger"/> decides whether its
/// event is the one that counts the attempt (docs/events.md, "Counting"). Programs report one attempt on several
/// lines (sshd's "Invalid user" then "Failed password for invalid user", PAM's line beside sshd's, dovecot's auth
/// process and its login process): each kind is one account of the attempts, and an event counts when its
/// account is ahead of what the others already counted.
/// </summary>
internal enum AttemptKind : byte
{
    /// <summary>Not about an authentication attempt: scans, rejects, bans, commands.</summary>
    None,

    /// <summary>A successful authentication: always an attempt.</summary>
    Success,

    /// <summary>The program's own line for each rejected credential (sshd "Failed password", sudo, su, login).</summary>
    Guess,

    /// <summary>The account does not exist or may not log in (sshd "Invalid user", "not allowed because", ROOT LOGIN REFUSED).</summary>
    Refusal,

    /// <summary>An older sshd's second line for the same refusal ("input_userauth_request: invalid user").</summary>
    RefusalEcho,

    /// <summary>sshd's own PAM error line ("PAM: Authentication failure for USER from ADDR").</summary>
    PamError,

    /// <summary>A PAM module's line (pam_unix "authentication failure", "PAM N more authentication failures").</summary>
    PamModule,

    /// <summary>
    /// A failure line of a program that logs every attempt itself (pam_unix for sshd, for dovecot or a mail
    /// service): never counted, but it shows that authentication began.
    /// </summary>
    Restated,

    /// <summary>A key (or 'none') a valid account's client offered was refused: an agent trying its keys, not a failure by itself.</summary>
    Key,

    /// <summary>A key offered for an account that does not exist: one attempt per connection at most.</summary>
    KeyInvalid,

    /// <summary>The connection ended unauthenticated without naming the account: an attempt only if authentication had begun.</summary>
    End,

    /// <summary>The connection ended unauthenticated for a named account (key-only servers): one attempt when nothing else counted.</summary>
    EndNamed,

    /// <summary>A mail front end's failure line (postfix SASL, a dovecot login process's "auth failed, N attempts"): front ends add up.</summary>
    MailFront,

    /// <summary>dovecot's auth process rejecting one attempt: the same attempts the front ends report, seen from behind.</summary>
    MailBack,
}
