using System.Collections.Frozen;

namespace LogSentinel.Contracts;

/// <summary>
/// The closed vocabulary of event.action. Every value, its dataset, ECS category/type and meaning is listed in
/// <see cref="Catalogue"/> and documented in docs/events.md; a parser never invents another.
/// </summary>
public static class EventActions
{
    // sshd / sshd-session
    public const string SshLoginFailed = "ssh_login_failed";
    public const string SshInvalidUser = "ssh_invalid_user";
    public const string SshLoginSucceeded = "ssh_login_succeeded";
    public const string SshRootLoginRefused = "ssh_root_login_refused";
    public const string SshUserNotAllowed = "ssh_user_not_allowed";
    public const string SshTooManyAuthFailures = "ssh_too_many_auth_failures";
    public const string SshPreauthDisconnect = "ssh_preauth_disconnect";
    public const string SshPreauthTimeout = "ssh_preauth_timeout";
    public const string SshProtocolError = "ssh_protocol_error";
    public const string SshNegotiationFailed = "ssh_negotiation_failed";
    public const string SshBadBanner = "ssh_bad_banner";
    public const string SshScan = "ssh_scan";
    public const string SshConnectionRefused = "ssh_connection_refused";

    // PAM and local privilege changes
    public const string PamAuthFailed = "pam_auth_failed";
    public const string SudoAuthFailed = "sudo_auth_failed";
    public const string SudoNotAllowed = "sudo_not_allowed";
    public const string SudoCommand = "sudo_command";
    public const string SuFailed = "su_failed";
    public const string SuSucceeded = "su_succeeded";
    public const string LoginFailed = "login_failed";
    public const string AccountLocked = "account_locked";

    // pkexec and polkitd
    public const string PkexecExploitAttempt = "pkexec_exploit_attempt";
    public const string PkexecCommand = "pkexec_command";
    public const string PkexecNotAuthorized = "pkexec_not_authorized";
    public const string PolkitAuthFailed = "polkit_auth_failed";
    public const string PolkitAuthSucceeded = "polkit_auth_succeeded";

    // postfix
    public const string SmtpSaslAuthFailed = "smtp_sasl_auth_failed";
    public const string SmtpSaslAuthSucceeded = "smtp_sasl_auth_succeeded";
    public const string SmtpReject = "smtp_reject";
    public const string SmtpRelayDenied = "smtp_relay_denied";
    public const string SmtpRecipientUnknown = "smtp_recipient_unknown";
    public const string SmtpHeloRejected = "smtp_helo_rejected";
    public const string SmtpClientBlocklisted = "smtp_client_blocklisted";
    public const string SmtpNonSmtpCommand = "smtp_non_smtp_command";
    public const string SmtpProtocolViolation = "smtp_protocol_violation";
    public const string SmtpLostConnection = "smtp_lost_connection";
    public const string SmtpScan = "smtp_scan";
    public const string SmtpRateLimited = "smtp_rate_limited";

    // dovecot
    public const string ImapAuthFailed = "imap_auth_failed";
    public const string Pop3AuthFailed = "pop3_auth_failed";
    public const string SmtpAuthFailed = "smtp_auth_failed";
    public const string ManagesieveAuthFailed = "managesieve_auth_failed";
    public const string ImapLoginSucceeded = "imap_login_succeeded";
    public const string Pop3LoginSucceeded = "pop3_login_succeeded";
    public const string SmtpAuthSucceeded = "smtp_auth_succeeded";
    public const string ManagesieveLoginSucceeded = "managesieve_login_succeeded";
    public const string MailAuthFailed = "mail_auth_failed";
    public const string MailPreauthDisconnect = "mail_preauth_disconnect";

    // fail2ban
    public const string Fail2banFound = "fail2ban_found";
    public const string Fail2banBan = "fail2ban_ban";
    public const string Fail2banUnban = "fail2ban_unban";

    /// <summary>Everything known about each action: where it comes from and how ECS classifies it.</summary>
    public static readonly FrozenDictionary<string, ActionInfo> Catalogue = new ActionInfo[]
    {
        new(SshLoginFailed, EventDatasets.Auth, ["authentication"], ["start"], "sshd: Failed <method> for [invalid user] USER from ADDR; dropbear: Bad password attempt for 'USER' from ADDR:PORT"),
        new(SshInvalidUser, EventDatasets.Auth, ["authentication"], ["info"], "sshd: Invalid/Illegal user USER from ADDR; dropbear: Login attempt for nonexistent user: a login name that does not exist"),
        new(SshLoginSucceeded, EventDatasets.Auth, ["authentication", "session"], ["start"], "sshd: Accepted <method> for USER from ADDR; dropbear: Password/Pubkey auth succeeded"),
        new(SshRootLoginRefused, EventDatasets.Auth, ["authentication"], ["denied"], "sshd: ROOT LOGIN REFUSED FROM ADDR"),
        new(SshUserNotAllowed, EventDatasets.Auth, ["authentication"], ["denied"], "sshd: User USER from ADDR not allowed because (not) listed in Allow/DenyUsers/Groups, or the account is locked"),
        new(SshTooManyAuthFailures, EventDatasets.Auth, ["authentication"], ["end"], "sshd: maximum authentication attempts exceeded / Too many authentication failures; dropbear: Max auth tries reached"),
        new(SshPreauthDisconnect, EventDatasets.Auth, ["authentication", "network"], ["end"], "sshd: connection closed, reset or disconnected before authentication completed"),
        new(SshPreauthTimeout, EventDatasets.Auth, ["authentication", "network"], ["end"], "sshd: Timeout before authentication for ADDR (LoginGraceTime ran out; many in a row are the CVE-2024-6387 'regreSSHion' race)"),
        new(SshProtocolError, EventDatasets.Auth, ["network"], ["protocol"], "sshd: the client broke the SSH packet layer: ssh_dispatch_run_fatal (message authentication code incorrect, Connection corrupted...), Corrupted MAC on input, Bad packet length"),
        new(SshNegotiationFailed, EventDatasets.Auth, ["network"], ["protocol", "denied"], "sshd: Unable to negotiate with ADDR / a key exchange method, no matching key exchange method, host key type, cipher or MAC"),
        new(SshBadBanner, EventDatasets.Auth, ["network"], ["protocol"], "sshd: the client sent something other than an SSH identification: banner exchange: ... invalid format (sshd's verdict after kex_exchange_identification's detail), Bad protocol version identification, Protocol major versions differ"),
        new(SshScan, EventDatasets.Auth, ["network"], ["connection", "protocol"], "sshd: a connection that never got to SSH, as health checks and port scanners leave it: no identification string, connection closed or reset during the banner exchange, Read from socket failed"),
        new(SshConnectionRefused, EventDatasets.Auth, ["network"], ["connection", "denied"], "sshd (tcp_wrappers): refused connect from ADDR"),
        new(PamAuthFailed, EventDatasets.Auth, ["authentication"], ["start"], "PAM module (pam_unix, pam_sss, ... or sshd's PAM layer) reports an authentication failure; one per failure, N for 'PAM N more authentication failures'"),
        new(SudoAuthFailed, EventDatasets.Auth, ["authentication"], ["start"], "sudo: N incorrect password attempts (one event per attempt)"),
        new(SudoNotAllowed, EventDatasets.Auth, ["iam"], ["denied"], "sudo: user NOT in sudoers / command not allowed"),
        new(SudoCommand, EventDatasets.Auth, ["process"], ["start"], "sudo: USER ran COMMAND as the target user"),
        new(SuFailed, EventDatasets.Auth, ["authentication"], ["start"], "su: FAILED SU / FAILED su for TARGET by USER"),
        new(SuSucceeded, EventDatasets.Auth, ["authentication", "session"], ["start"], "su: (to TARGET) USER on TTY / Successful su"),
        new(LoginFailed, EventDatasets.Auth, ["authentication"], ["start"], "login: FAILED LOGIN on a console or from a remote host"),
        new(AccountLocked, EventDatasets.Auth, ["authentication", "iam"], ["user", "change"], "pam_faillock: Consecutive login failures for user USER account temporarily locked; pam_tally2/pam_tally: user USER (UID) tally N, deny M with N over M"),
        new(PkexecExploitAttempt, EventDatasets.Auth, ["intrusion_detection"], ["info"], "pkexec: the environment a caller gave was refused (SHELL not in /etc/shells, suspicious content in a variable) or its parent was dead: the CVE-2021-4034 'PwnKit' signatures"),
        new(PkexecCommand, EventDatasets.Auth, ["process"], ["start"], "pkexec: USER: Executing command [USER=TARGET] ... [COMMAND=...]"),
        new(PkexecNotAuthorized, EventDatasets.Auth, ["iam"], ["denied"], "pkexec: USER: Error executing command as another user: Not authorized"),
        new(PolkitAuthFailed, EventDatasets.Auth, ["authentication"], ["start"], "polkitd: Operator of SUBJECT FAILED to authenticate to gain authorization for action ACTION (the reason); the user is the one owning the process"),
        new(PolkitAuthSucceeded, EventDatasets.Auth, ["authentication"], ["start"], "polkitd: Operator of SUBJECT successfully authenticated as TARGET to gain ONE-SHOT/TEMPORARY authorization for action ACTION (the reason)"),
        new(SmtpSaslAuthFailed, EventDatasets.Mail, ["authentication", "email"], ["start"], "postfix smtpd: SASL <mech> authentication failed (not when the server lost its own authentication backend)"),
        new(SmtpSaslAuthSucceeded, EventDatasets.Mail, ["authentication", "email"], ["start"], "postfix smtpd: client=HOST[ADDR], sasl_method=..., sasl_username=USER"),
        new(SmtpReject, EventDatasets.Mail, ["email", "network"], ["denied"], "postfix: NOQUEUE/queue-id reject or milter-reject of a client command that no finer action names"),
        new(SmtpRelayDenied, EventDatasets.Mail, ["email", "network"], ["denied"], "postfix: reject ... <RCPT>: Relay access denied"),
        new(SmtpRecipientUnknown, EventDatasets.Mail, ["email", "network"], ["denied"], "postfix: reject ... <RCPT>: Recipient address rejected: User unknown in ... table / undeliverable address"),
        new(SmtpHeloRejected, EventDatasets.Mail, ["email", "network"], ["denied"], "postfix: reject ... <HELO>: Helo command rejected: ..."),
        new(SmtpClientBlocklisted, EventDatasets.Mail, ["email", "network"], ["denied"], "postfix: reject ... Service unavailable; Client host [ADDR] blocked using ZONE; postscreen: DNSBL rank N for [ADDR]:PORT"),
        new(SmtpNonSmtpCommand, EventDatasets.Mail, ["email", "network"], ["protocol"], "postfix smtpd: warning: non-SMTP command from CLIENT: TEXT (the text is the reason); postscreen: NON-SMTP COMMAND from [ADDR]:PORT"),
        new(SmtpProtocolViolation, EventDatasets.Mail, ["email", "network"], ["protocol"], "postfix smtpd: improper command pipelining, too many errors"),
        new(SmtpLostConnection, EventDatasets.Mail, ["email", "network"], ["end"], "postfix smtpd: lost connection before any mail was sent (after CONNECT, EHLO, HELO, STARTTLS or AUTH)"),
        new(SmtpScan, EventDatasets.Mail, ["email", "network"], ["protocol"], "postfix postscreen: PREGREET, HANGUP, COMMAND TIME/COUNT/LENGTH LIMIT, COMMAND PIPELINING, BARE NEWLINE"),
        new(SmtpRateLimited, EventDatasets.Mail, ["email", "network"], ["denied"], "postfix anvil limits: connection or request rate limit exceeded"),
        new(ImapAuthFailed, EventDatasets.Mail, ["authentication", "email"], ["start"], "dovecot imap-login: auth failed (one event per attempt the line counts)"),
        new(Pop3AuthFailed, EventDatasets.Mail, ["authentication", "email"], ["start"], "dovecot pop3-login: auth failed (one event per attempt the line counts)"),
        new(SmtpAuthFailed, EventDatasets.Mail, ["authentication", "email"], ["start"], "dovecot submission-login: auth failed (one event per attempt the line counts)"),
        new(ManagesieveAuthFailed, EventDatasets.Mail, ["authentication", "email"], ["start"], "dovecot managesieve-login: auth failed (one event per attempt the line counts)"),
        new(ImapLoginSucceeded, EventDatasets.Mail, ["authentication", "email"], ["start"], "dovecot imap-login: Login"),
        new(Pop3LoginSucceeded, EventDatasets.Mail, ["authentication", "email"], ["start"], "dovecot pop3-login: Login"),
        new(SmtpAuthSucceeded, EventDatasets.Mail, ["authentication", "email"], ["start"], "dovecot submission-login: Login"),
        new(ManagesieveLoginSucceeded, EventDatasets.Mail, ["authentication", "email"], ["start"], "dovecot managesieve-login: Login"),
        new(MailAuthFailed, EventDatasets.Mail, ["authentication", "email"], ["start"], "dovecot auth process: a passdb (pam, sql, ldap, passwd-file) rejected one attempt: unknown user, password mismatch"),
        new(MailPreauthDisconnect, EventDatasets.Mail, ["email", "network"], ["end"], "dovecot *-login: disconnected with no auth attempts, during TLS handshake, or before finishing SASL"),
        new(Fail2banFound, EventDatasets.Fail2ban, ["intrusion_detection"], ["info"], "fail2ban.filter: [JAIL] Found ADDR"),
        new(Fail2banBan, EventDatasets.Fail2ban, ["intrusion_detection", "network"], ["denied"], "fail2ban.actions: [JAIL] Ban / Restore Ban ADDR"),
        new(Fail2banUnban, EventDatasets.Fail2ban, ["intrusion_detection", "network"], ["allowed"], "fail2ban.actions: [JAIL] Unban ADDR"),
    }.ToFrozenDictionary(a => a.Action, StringComparer.Ordinal);
}

/// <summary>What one event.action means and how it is classified.</summary>
public sealed record ActionInfo(
    string Action,
    string Dataset,
    IReadOnlyList<string> Category,
    IReadOnlyList<string> Type,
    string Description);
