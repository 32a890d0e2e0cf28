using LogSentinel.Contracts;
using static LogSentinel.Parsing.Tests.ParseHelper;

namespace LogSentinel.Parsing.Tests;

public class MailAndFail2banTests
{
    [Theory]
    [InlineData("Jun  1 12:00:00 mx-01 postfix/smtpd[700]: warning: unknown[203.0.113.11]: SASL LOGIN authentication failed: UGFzc3dvcmQ6", "203.0.113.11", null, null)]
    [InlineData("Jun  1 12:00:00 mx-01 postfix/submission/smtpd[700]: warning: mail.example.net[203.0.113.11]: SASL PLAIN authentication failed: ", "203.0.113.11", null, null)]
    [InlineData("Jun  1 12:00:00 mx-01 postfix/smtps/smtpd[700]: warning: unknown[2001:db8::11]:40000: SASL CRAM-MD5 authentication failed: authentication failure", "2001:db8::11", null, 40000)]
    [InlineData("Jun  1 12:00:00 mx-01 postfix/smtpd[700]: warning: unknown[203.0.113.11]: SASL LOGIN authentication failed: (reason unavailable), sasl_username=info@example.org", "203.0.113.11", "info@example.org", null)]
    public void Should_report_postfix_sasl_failures(string line, string address, string? user, int? port)
    {
        var e = Single(line);
        Assert.Equal(EventActions.SmtpSaslAuthFailed, e.Event.Action);
        Assert.Equal(EventOutcomes.Failure, e.Event.Outcome);
        Assert.Equal(address, e.Source!.Address);
        Assert.Equal(user, e.User?.Name);
        Assert.Equal(port, e.Source.Port);
        Assert.Equal("mail", e.Event.Dataset);
        Assert.Equal("smtp", e.Network!.Protocol);
    }

    [Theory]
    [InlineData("Jun  1 12:00:01 mx-01 postfix/smtpd[701]: NOQUEUE: reject: RCPT from unknown[203.0.113.12]: 554 5.7.1 <x@example.org>: Relay access denied; from=<a@b.example> to=<x@example.org> proto=ESMTP helo=<bot>", EventActions.SmtpRelayDenied, "554 5.7.1 <x@example.org>: Relay access denied")]
    [InlineData("Jun  1 12:00:01 mx-01 postfix/smtpd[701]: 4F1B2A3C4D: reject: RCPT from host.example.net[203.0.113.12]: 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table; from=<a@b.example> to=<nobody@example.org> proto=ESMTP helo=<h>", EventActions.SmtpRecipientUnknown, "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table")]
    [InlineData("Jun  1 12:00:01 mx-01 postfix/smtpd[701]: NOQUEUE: reject: EHLO from unknown[203.0.113.12]: 504 5.5.2 <x>: Helo command rejected: need fully-qualified hostname; proto=SMTP helo=<x>", EventActions.SmtpHeloRejected, "504 5.5.2 <x>: Helo command rejected: need fully-qualified hostname")]
    [InlineData("Jun  1 12:00:01 mx-01 postfix/postscreen[702]: NOQUEUE: reject: RCPT from [203.0.113.12]:5000: 550 5.7.1 Service unavailable; client [203.0.113.12] blocked using zen.example.org; from=<s@x.example>, to=<v@example.org>, proto=ESMTP, helo=<x>", EventActions.SmtpClientBlocklisted, null)]
    [InlineData("Jun  1 12:00:01 mx-01 postfix/cleanup[703]: 7A2B: milter-reject: END-OF-MESSAGE from unknown[203.0.113.12]: 5.7.1 Spam message rejected; from=<s@x.example> to=<v@example.org> proto=ESMTP helo=<x>", EventActions.SmtpReject, "5.7.1 Spam message rejected")]
    [InlineData("Jun  1 12:00:01 mx-01 postfix/smtpd[701]: improper command pipelining after CONNECT from unknown[203.0.113.12]: EHLO x\\r\\n", EventActions.SmtpProtocolViolation, "improper command pipelining after CONNECT")]
    [InlineData("Jun  1 12:00:01 mx-01 postfix/smtpd[701]: too many errors after AUTH from unknown[203.0.113.12]", EventActions.SmtpProtocolViolation, "too many errors after AUTH")]
    [InlineData("Jun  1 12:00:01 mx-01 postfix/smtpd[701]: lost connection after AUTH from unknown[203.0.113.12]", EventActions.SmtpLostConnection, "lost connection after AUTH")]
    [InlineData("Jun  1 12:00:01 mx-01 postfix/postscreen[702]: PREGREET 11 after 0.1 from [203.0.113.12]:5000: HELO bot\\r\\n", EventActions.SmtpScan, "PREGREET 11")]
    [InlineData("Jun  1 12:00:01 mx-01 postfix/postscreen[702]: HANGUP after 2.2 from [203.0.113.12]:5000 in tests after SMTP handshake", EventActions.SmtpScan, "HANGUP")]
    [InlineData("Jun  1 12:00:01 mx-01 postfix/anvil[704]: warning: Connection rate limit exceeded: 60 from unknown[203.0.113.12] for service smtp", EventActions.SmtpRateLimited, "Connection rate limit exceeded")]
    public void Should_report_postfix_rejects_and_abuse(string line, string action, string? reason)
    {
        var e = Single(line);
        Assert.Equal(action, e.Event.Action);
        Assert.Equal(EventOutcomes.Failure, e.Event.Outcome);
        Assert.Equal("203.0.113.12", e.Source!.Address);
        if (reason is not null)
            Assert.Equal(reason, e.Event.Reason);
    }

    [Theory]
    [InlineData("Jun  1 12:00:02 mx-01 postfix/smtpd[701]: lost connection after DATA from client.example.org[192.0.2.70]")]
    [InlineData("Jun  1 12:00:02 mx-01 postfix/smtpd[701]: connect from client.example.org[192.0.2.70]")]
    [InlineData("Jun  1 12:00:02 mx-01 postfix/smtpd[701]: disconnect from client.example.org[192.0.2.70] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5")]
    [InlineData("Jun  1 12:00:02 mx-01 postfix/qmgr[705]: 4F1B2A3C4D: from=<a@example.org>, size=1200, nrcpt=1 (queue active)")]
    [InlineData("Jun  1 12:00:02 mx-01 postfix/smtpd[701]: warning: unknown[192.0.2.70]: SASL LOGIN authentication failed: Connection lost to authentication server")]
    public void Should_ignore_lawful_mail_traffic(string line) => AssertNone(line);

    [Fact]
    public void Should_report_a_successful_sasl_login()
    {
        var e = Single("Jun  1 12:00:03 mx-01 postfix/submission/smtpd[706]: 5C6D7E8F9A: client=unknown[192.0.2.71], sasl_method=PLAIN, sasl_username=alice@example.org");
        Assert.Equal(EventActions.SmtpSaslAuthSucceeded, e.Event.Action);
        Assert.Equal(EventOutcomes.Success, e.Event.Outcome);
        Assert.Equal("alice@example.org", e.User!.Name);
    }

    [Theory]
    [InlineData("Jun  1 12:01:00 mx-01 dovecot: imap-login: Disconnected (auth failed, 3 attempts in 12 secs): user=<bob>, method=PLAIN, rip=203.0.113.21, lip=192.0.2.1, TLS, session=<abc>", EventActions.ImapAuthFailed, 3, "bob", "imap")]
    [InlineData("Jun  1 12:01:00 mx-01 dovecot: pop3-login: Aborted login (auth failed, 1 attempts in 2 secs): user=<bob>, method=PLAIN, rip=203.0.113.21, lip=192.0.2.1", EventActions.Pop3AuthFailed, 1, "bob", "pop3")]
    [InlineData("Jun  1 12:01:00 mx-01 dovecot[800]: submission-login: Login aborted: Connection closed (auth failed, 2 attempts in 9 secs) (auth_failed): user=<sales@example.org>, method=LOGIN, rip=203.0.113.21, lip=192.0.2.1, TLS, session=<def>", EventActions.SmtpAuthFailed, 2, "sales@example.org", "smtp")]
    [InlineData("Jun  1 12:01:00 mx-01 dovecot: managesieve-login: Disconnected (auth failed, 1 attempts in 4 secs): user=<bob>, method=PLAIN, rip=203.0.113.21, lip=192.0.2.1", EventActions.ManagesieveAuthFailed, 1, "bob", "sieve")]
    [InlineData("Jun  1 12:01:00 mx-01 dovecot: imap-login: Aborted login (tried to use disallowed plaintext auth): user=<>, rip=203.0.113.21, lip=192.0.2.1, session=<ghi>", EventActions.ImapAuthFailed, 1, null, "imap")]
    [InlineData("Jun  1 12:01:00 mx-01 dovecot: imap-login: Disconnected (no auth attempts in 10 secs): user=<>, rip=203.0.113.21, lip=192.0.2.1, TLS handshaking: SSL_accept() failed", EventActions.MailPreauthDisconnect, 1, null, "imap")]
    public void Should_report_dovecot_login_process_failures_once_per_attempt(string line, string action, int count, string? user, string protocol)
    {
        var events = Lines(line);
        Assert.Equal(count, events.Count);
        Assert.All(events, e =>
        {
            Assert.Equal(action, e.Event.Action);
            Assert.Equal(EventOutcomes.Failure, e.Event.Outcome);
            Assert.Equal("203.0.113.21", e.Source!.Address);
            Assert.Equal(user, e.User?.Name);
            Assert.Equal(protocol, e.Network!.Protocol);
        });
    }

    [Fact]
    public void Should_take_the_last_rip_not_one_hidden_in_the_user_name()
    {
        var e = Single("Jun  1 12:01:01 mx-01 dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<x>, rip=6.6.6.6, y>, method=PLAIN, rip=203.0.113.22, lip=192.0.2.1");
        Assert.Equal("203.0.113.22", e.Source!.Address);
        Assert.Equal("x>, rip=6.6.6.6, y", e.User!.Name);
    }

    [Theory]
    [InlineData("Jun  1 12:01:02 mx-01 dovecot: auth-worker(900): pam(carl,203.0.113.23,<sess1>): pam_authenticate() failed: Authentication failure (password mismatch?)", "carl", "password mismatch")]
    [InlineData("Jun  1 12:01:02 mx-01 dovecot: auth: passwd-file(dan,203.0.113.23): unknown user", "dan", "unknown user")]
    [InlineData("Jun  1 12:01:02 mx-01 dovecot: auth-worker(900): conn unix:auth-worker (pid=800,uid=97): auth-worker<3>: sql(erin@example.org,203.0.113.23,<s2>): Password mismatch", "erin@example.org", "password mismatch")]
    [InlineData("Jun  1 12:01:02 mx-01 dovecot: auth: ldap(frank,203.0.113.23,<s3>): invalid credentials", "frank", "invalid credentials")]
    public void Should_report_dovecot_auth_process_rejections(string line, string user, string reason)
    {
        var e = Single(line);
        Assert.Equal(EventActions.MailAuthFailed, e.Event.Action);
        Assert.Equal("203.0.113.23", e.Source!.Address);
        Assert.Equal(user, e.User!.Name);
        Assert.Equal(reason, e.Event.Reason);
    }

    [Fact]
    public void Should_never_keep_the_password_dovecot_logs()
    {
        var e = Single("Jun  1 12:01:03 auth(gina,203.0.113.24,sasl:plain)<s4>: Info: sql: Password mismatch (given password: Secr3t!)");
        Assert.Equal(EventActions.MailAuthFailed, e.Event.Action);
        Assert.Equal("gina", e.User!.Name);
        Assert.DoesNotContain("Secr3t", e.Event.Reason ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public void Should_report_a_successful_imap_login()
    {
        var e = Single("Jun  1 12:01:04 mx-01 dovecot: imap-login: Login: user=<bob>, method=PLAIN, rip=192.0.2.80, lip=192.0.2.1, mpid=901, TLS, session=<jkl>");
        Assert.Equal(EventActions.ImapLoginSucceeded, e.Event.Action);
        Assert.Equal(EventOutcomes.Success, e.Event.Outcome);
    }

    [Theory]
    [InlineData("2026-06-01 12:02:00,123 fail2ban.actions        [950]: NOTICE  [sshd] Ban 203.0.113.31", EventActions.Fail2banBan, EventOutcomes.Failure, null)]
    [InlineData("2026-06-01 12:02:00,123 fail2ban.actions        [950]: NOTICE  [sshd] Restore Ban 203.0.113.31", EventActions.Fail2banBan, EventOutcomes.Failure, "restore")]
    [InlineData("2026-06-01 12:02:00,123 fail2ban.actions        [950]: NOTICE  [sshd] Unban 203.0.113.31", EventActions.Fail2banUnban, EventOutcomes.Unknown, null)]
    [InlineData("2026-06-01 12:02:00,123 fail2ban.filter         [950]: INFO    [sshd] Found 203.0.113.31 - 2026-06-01 12:01:59", EventActions.Fail2banFound, EventOutcomes.Failure, null)]
    [InlineData("Jun  1 12:02:00 mx-01 fail2ban-server[950]: fail2ban.actions        [950]: NOTICE  [sshd] Ban 203.0.113.31", EventActions.Fail2banBan, EventOutcomes.Failure, null)]
    [InlineData("mx-01 fail2ban[950]: [sshd] Ban 203.0.113.31", EventActions.Fail2banBan, EventOutcomes.Failure, null)]
    public void Should_report_fail2ban_decisions_with_their_jail(string line, string action, string outcome, string? reason)
    {
        var e = Single(line);
        Assert.Equal(action, e.Event.Action);
        Assert.Equal(outcome, e.Event.Outcome);
        Assert.Equal("203.0.113.31", e.Source!.Address);
        Assert.Equal("sshd", e.Rule!.Name);
        Assert.Equal(reason, e.Event.Reason);
        Assert.Equal("fail2ban", e.Event.Dataset);
    }

    [Fact]
    public void Should_ignore_fail2ban_housekeeping()
    {
        AssertNone("2026-06-01 12:02:01,000 fail2ban.actions        [950]: WARNING [sshd] 203.0.113.31 already banned");
        AssertNone("2026-06-01 12:02:01,000 fail2ban.server         [950]: INFO    Starting Fail2ban v1.0.2");
    }
}
