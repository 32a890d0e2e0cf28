using LogSentinel.Contracts;
using static LogSentinel.Parsing.Tests.ParseHelper;

namespace LogSentinel.Parsing.Tests;

/// <summary>
/// One attempt, one count: of the several lines programs write for one authentication attempt, exactly one event is
/// marked as the attempt (docs/events.md, "Counting"), in message shapes taken from OpenSSH, PAM, sudo and dovecot.
/// </summary>
public class AttemptCountingTests
{
    private static int Attempts(IEnumerable<SecurityEvent> events) => events.Count(e => e.Event.Attempt && e.Event.Outcome == EventOutcomes.Failure);

    private static int Successes(IEnumerable<SecurityEvent> events) => events.Count(e => e.Event.Attempt && e.Event.Outcome == EventOutcomes.Success);

    [Fact]
    public void Should_count_no_failure_for_an_agent_offering_keys_before_the_right_one()
    {
        var events = Lines(
            "Mar  2 09:00:01 web-01 sshd[700]: Connection from 198.51.100.20 port 40022 on 192.0.2.1 port 22 rdomain \"\"",
            "Mar  2 09:00:01 web-01 sshd[700]: Failed publickey for bob from 198.51.100.20 port 40022 ssh2: ED25519 SHA256:Xk1aFtM1",
            "Mar  2 09:00:01 web-01 sshd[700]: Failed publickey for bob from 198.51.100.20 port 40022 ssh2: RSA SHA256:p0qL2e9v",
            "Mar  2 09:00:02 web-01 sshd[700]: Failed publickey for bob from 198.51.100.20 port 40022 ssh2: ECDSA SHA256:7hQ1nn0c",
            "Mar  2 09:00:02 web-01 sshd[700]: Accepted publickey for bob from 198.51.100.20 port 40022 ssh2: ED25519 SHA256:Zt5mJ8w2");

        Assert.Equal(4, events.Count);
        Assert.Equal(0, Attempts(events));
        Assert.Equal(1, Successes(events));
    }

    [Fact]
    public void Should_count_one_attempt_for_a_connection_that_offered_keys_and_left_unauthenticated()
    {
        var events = Lines(
            "Mar  2 09:00:01 web-01 sshd[701]: Failed publickey for bob from 198.51.100.21 port 40023 ssh2: ED25519 SHA256:Xk1aFtM1",
            "Mar  2 09:00:01 web-01 sshd[701]: Failed publickey for bob from 198.51.100.21 port 40023 ssh2: RSA SHA256:p0qL2e9v",
            "Mar  2 09:00:05 web-01 sshd[701]: Connection closed by authenticating user bob 198.51.100.21 port 40023 [preauth]");

        Assert.Equal(1, Attempts(events));
        Assert.True(events[^1].Event.Attempt);
    }

    [Fact]
    public void Should_count_each_password_once_though_pam_and_sshd_both_report_it()
    {
        var events = Lines(
            "Mar  2 09:01:00 web-01 sshd[702]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.30  user=root",
            "Mar  2 09:01:02 web-01 sshd[702]: Failed password for root from 203.0.113.30 port 51000 ssh2",
            "Mar  2 09:01:05 web-01 sshd[702]: Failed password for root from 203.0.113.30 port 51000 ssh2",
            "Mar  2 09:01:08 web-01 sshd[702]: Failed password for root from 203.0.113.30 port 51000 ssh2",
            "Mar  2 09:01:08 web-01 sshd[702]: Connection closed by authenticating user root 203.0.113.30 port 51000 [preauth]",
            "Mar  2 09:01:08 web-01 sshd[702]: PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.30  user=root");

        Assert.Equal(3, Attempts(events));
        Assert.All(events.Where(e => e.Event.Attempt), e => Assert.Equal(EventActions.SshLoginFailed, e.Event.Action));
    }

    [Fact]
    public void Should_count_an_invalid_user_once_with_its_password_and_its_close()
    {
        var events = Lines(
            "Mar  2 09:02:00 web-01 sshd[703]: Invalid user oracle from 203.0.113.31 port 52000",
            "Mar  2 09:02:01 web-01 sshd[703]: pam_unix(sshd:auth): check pass; user unknown",
            "Mar  2 09:02:01 web-01 sshd[703]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.31 ",
            "Mar  2 09:02:03 web-01 sshd[703]: Failed password for invalid user oracle from 203.0.113.31 port 52000 ssh2",
            "Mar  2 09:02:04 web-01 sshd[703]: Received disconnect from 203.0.113.31 port 52000:11: Bye Bye [preauth]",
            "Mar  2 09:02:04 web-01 sshd[703]: Disconnected from invalid user oracle 203.0.113.31 port 52000 [preauth]");

        Assert.Equal(1, Attempts(events));
        Assert.Equal(EventActions.SshInvalidUser, Assert.Single(events, e => e.Event.Attempt).Event.Action);
    }

    [Fact]
    public void Should_count_every_guess_after_the_invalid_user_line()
    {
        var events = Lines(
            "Mar  2 09:03:00 web-01 sshd[704]: Invalid user test from 203.0.113.32 port 52001",
            "Mar  2 09:03:02 web-01 sshd[704]: Failed password for invalid user test from 203.0.113.32 port 52001 ssh2",
            "Mar  2 09:03:04 web-01 sshd[704]: Failed password for invalid user test from 203.0.113.32 port 52001 ssh2",
            "Mar  2 09:03:06 web-01 sshd[704]: Failed password for invalid user test from 203.0.113.32 port 52001 ssh2");

        Assert.Equal(3, Attempts(events));
    }

    [Fact]
    public void Should_count_key_only_probes_that_never_reach_a_password()
    {
        var events = Lines(
            "Mar  2 09:04:00 web-01 sshd[705]: Connection closed by authenticating user root 203.0.113.33 port 40001 [preauth]",
            "Mar  2 09:04:01 web-01 sshd[706]: Invalid user admin from 203.0.113.33 port 40002",
            "Mar  2 09:04:01 web-01 sshd[706]: Connection closed by invalid user admin 203.0.113.33 port 40002 [preauth]",
            "Mar  2 09:04:02 web-01 sshd[707]: Received disconnect from 203.0.113.33 port 40003:11: Bye Bye [preauth]",
            "Mar  2 09:04:02 web-01 sshd[707]: Disconnected from authenticating user root 203.0.113.33 port 40003 [preauth]");

        Assert.Equal(3, Attempts(events));
    }

    [Fact]
    public void Should_not_count_health_checks_and_scanners_that_never_authenticate()
    {
        var events = Lines(
            "Mar  2 09:05:00 web-01 sshd[708]: Connection closed by 192.0.2.99 port 50001 [preauth]",
            "Mar  2 09:05:30 web-01 sshd[709]: Did not receive identification string from 192.0.2.99 port 50002",
            "Mar  2 09:05:40 web-01 sshd[710]: Received disconnect from 192.0.2.99 port 50003:11: Bye Bye [preauth]",
            "Mar  2 09:05:40 web-01 sshd[710]: Disconnected from 192.0.2.99 port 50003 [preauth]");

        Assert.NotEmpty(events);
        Assert.Equal(0, Attempts(events));
    }

    [Fact]
    public void Should_count_a_typo_before_the_right_password_as_one_failed_attempt()
    {
        var events = Lines(
            "Mar  2 09:06:00 web-01 sshd[711]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=198.51.100.40  user=alice",
            "Mar  2 09:06:02 web-01 sshd[711]: Failed password for alice from 198.51.100.40 port 40100 ssh2",
            "Mar  2 09:06:06 web-01 sshd[711]: Accepted password for alice from 198.51.100.40 port 40100 ssh2");

        Assert.Equal(1, Attempts(events));
        Assert.Equal(1, Successes(events));
    }

    [Fact]
    public void Should_count_lines_read_alone_each_as_an_attempt()
    {
        // Corpora of single lines (other tools' test suites) carry each proof of an attempt on its own connection.
        var events = Lines(
            "Mar  2 09:07:00 web-01 sshd[720]: Invalid user pascal from 35.0.0.9 port 53502",
            "Mar  2 09:07:01 web-01 sshd[721]: Connection closed by authenticating user root 35.0.0.9 port 53503 [preauth]",
            "Mar  2 09:07:02 web-01 sshd[722]: error: PAM: Authentication failure for root from 35.0.0.9",
            "Mar  2 09:07:03 web-01 sshd[723]: User root from 35.0.0.9 not allowed because not listed in AllowUsers");

        Assert.Equal(4, Attempts(events));
    }

    [Fact]
    public void Should_count_sudo_failures_once_across_pam_and_sudo_lines()
    {
        var events = Lines(
            "Mar  2 09:08:00 web-01 sudo: pam_unix(sudo:auth): authentication failure; logname=carol uid=1001 euid=0 tty=/dev/pts/1 ruser=carol rhost=  user=carol",
            "Mar  2 09:08:12 web-01 sudo:    carol : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/carol ; USER=root ; COMMAND=/usr/bin/apt update",
            "Mar  2 09:08:12 web-01 sudo: PAM 2 more authentication failures; logname=carol uid=1001 euid=0 tty=/dev/pts/1 ruser=carol rhost=  user=carol");

        Assert.Equal(3, Attempts(events));
    }

    [Fact]
    public void Should_count_dovecot_attempts_once_across_auth_process_and_login_process()
    {
        var events = Lines(
            "Mar  2 09:09:00 mail-01 dovecot: auth-worker(3012): pam(eve,203.0.113.50,<aB3dE>): pam_authenticate() failed: Authentication failure (Password mismatch?)",
            "Mar  2 09:09:04 mail-01 dovecot: auth-worker(3012): pam(eve,203.0.113.50,<aB3dE>): pam_authenticate() failed: Authentication failure (Password mismatch?)",
            "Mar  2 09:09:05 mail-01 dovecot: imap-login: Disconnected (auth failed, 2 attempts in 7 secs): user=<eve>, method=PLAIN, rip=203.0.113.50, lip=192.0.2.10, TLS, session=<aB3dE>",
            "Mar  2 09:09:10 mail-01 dovecot: pop3-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<eve>, method=PLAIN, rip=203.0.113.50, lip=192.0.2.10, TLS, session=<fG7hI>");

        Assert.Equal(5, events.Count);
        Assert.Equal(3, Attempts(events));
    }

    [Fact]
    public void Should_count_dovecot_login_summaries_alone_by_their_attempts()
    {
        var events = Lines(
            "Mar  2 09:10:00 mail-01 dovecot: imap-login: Disconnected (auth failed, 3 attempts in 12 secs): user=<info>, method=PLAIN, rip=203.0.113.51, lip=192.0.2.10, TLS, session=<x1>");

        Assert.Equal(3, Attempts(events));
    }

    [Fact]
    public void Should_not_count_pam_lines_of_services_that_log_their_own_attempts()
    {
        var events = Lines(
            "Mar  2 09:11:00 mail-01 auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=eve rhost=203.0.113.52",
            "Mar  2 09:11:01 web-01 polkit-agent-helper-1[4100]: pam_unix(polkit-1:auth): authentication failure; logname=bob uid=1000 euid=0 tty= ruser=bob rhost=  user=bob");

        Assert.Equal(2, events.Count);
        Assert.Equal(0, Attempts(events));
    }

    [Fact]
    public void Should_count_repeated_message_lines_as_attempts_each()
    {
        var events = Lines(
            "Mar  2 09:12:00 web-01 sshd[730]: message repeated 3 times: [ Failed password for root from 203.0.113.53 port 40200 ssh2]");

        Assert.Equal(3, Attempts(events));
    }

    [Fact]
    public void Should_count_a_new_connection_on_a_reused_pid_as_its_own()
    {
        // Key-only bots: each connection is one attempt, whatever pid sshd happens to give it.
        var events = Lines(
            "Mar  2 09:13:00 web-01 sshd[888]: Connection closed by authenticating user root 203.0.113.1 port 1 [preauth]",
            "Mar  2 09:13:01 web-01 sshd[888]: Connection closed by authenticating user root 203.0.113.2 port 1 [preauth]",
            "Mar  2 09:13:02 web-01 sshd[888]: Invalid user bob from 203.0.113.3 port 1",
            "Mar  2 09:13:02 web-01 sshd[888]: Connection closed by invalid user bob 203.0.113.3 port 1 [preauth]",
            "Mar  2 09:13:03 web-01 sshd[888]: Connection from 203.0.113.3 port 2 on 192.0.2.1 port 22 rdomain \"\"",
            "Mar  2 09:13:04 web-01 sshd[888]: Connection closed by authenticating user root 203.0.113.3 port 2 [preauth]");

        Assert.Equal(4, Attempts(events));
    }

    [Fact]
    public void Should_not_let_one_program_inherit_another_programs_count_on_the_same_pid()
    {
        var events = Lines(
            "Mar  2 09:14:00 web-01 sshd[502]: Failed password for root from 203.0.113.4 port 1 ssh2",
            "Mar  2 09:14:03 web-01 sshd[502]: Failed password for root from 203.0.113.4 port 1 ssh2",
            "Mar  2 09:14:30 web-01 su[502]: pam_unix(su:auth): authentication failure; logname=bob uid=1000 euid=0 tty=/dev/pts/0 ruser=bob rhost=  user=root",
            "Mar  2 09:14:32 web-01 su[502]: FAILED SU (to root) bob on pts/0");

        Assert.Equal(3, Attempts(events));
        Assert.True(events.Single(e => e.Event.Action == EventActions.PamAuthFailed).Event.Attempt);
    }

    [Fact]
    public void Should_count_one_attempt_that_several_pam_modules_reject_once()
    {
        // A stacked PAM (pam_unix, then pam_sss) writes a failure line per module for each password.
        var events = Lines(
            "Mar  2 09:15:00 web-01 sudo[700]: pam_unix(sudo:auth): authentication failure; logname=carol uid=1001 euid=0 tty=/dev/pts/1 ruser=carol rhost=  user=carol",
            "Mar  2 09:15:00 web-01 sudo[700]: pam_sss(sudo:auth): authentication failure; logname=carol uid=1001 euid=0 tty=/dev/pts/1 ruser=carol rhost=  user=carol",
            "Mar  2 09:15:04 web-01 sudo[700]: pam_sss(sudo:auth): authentication failure; logname=carol uid=1001 euid=0 tty=/dev/pts/1 ruser=carol rhost=  user=carol",
            "Mar  2 09:15:08 web-01 sudo[700]: pam_sss(sudo:auth): authentication failure; logname=carol uid=1001 euid=0 tty=/dev/pts/1 ruser=carol rhost=  user=carol",
            "Mar  2 09:15:08 web-01 sudo[700]:    carol : 3 incorrect password attempts ; TTY=pts/1 ; PWD=/home/carol ; USER=root ; COMMAND=/usr/bin/id",
            "Mar  2 09:15:08 web-01 sudo[700]: PAM 2 more authentication failures; logname=carol uid=1001 euid=0 tty=/dev/pts/1 ruser=carol rhost=  user=carol");

        Assert.Equal(3, Attempts(events));
    }

    [Fact]
    public void Should_count_one_attempt_that_a_chain_of_dovecot_passdbs_rejects_once_per_driver()
    {
        var events = Lines(
            "Mar  2 09:16:00 mail-01 dovecot: auth: passwd-file(bob,203.0.113.60,<q1>): unknown user",
            "Mar  2 09:16:00 mail-01 dovecot: auth-worker(3012): pam(bob,203.0.113.60,<q1>): pam_authenticate() failed: Authentication failure (Password mismatch?)",
            "Mar  2 09:16:02 mail-01 dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<bob>, method=PLAIN, rip=203.0.113.60, lip=192.0.2.10, TLS, session=<q1>");

        Assert.Equal(1, Attempts(events));
    }
}
