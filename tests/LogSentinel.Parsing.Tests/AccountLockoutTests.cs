using LogSentinel.Contracts;
using static LogSentinel.Parsing.Tests.ParseHelper;

namespace LogSentinel.Parsing.Tests;

/// <summary>
/// Accounts PAM locks after too many failures, in the shapes Linux-PAM's pam_faillock ("Consecutive login failures for
/// user %s account temporarily locked"), pam_tally2 and pam_tally ("user %s (%lu) tally %hu, deny %hu") write them.
/// </summary>
public class AccountLockoutTests
{
    [Theory]
    [InlineData("sshd[4100]: pam_faillock(sshd:auth): Consecutive login failures for user root account temporarily locked", "root", "sshd")]
    [InlineData("sshd-session[4100]: pam_faillock(sshd:auth): Consecutive login failures for user deploy account temporarily locked", "deploy", "sshd-session")]
    [InlineData("sudo: pam_faillock(sudo:auth): Consecutive login failures for user carol account temporarily locked", "carol", "sudo")]
    [InlineData("sudo: pam_tally2(sudo:auth): user zbadguy (4001) tally 6, deny 5", "zbadguy", "sudo")]
    [InlineData("sshd[4101]: pam_tally2(sshd:auth): user root (0) tally 12, deny 3", "root", "sshd")]
    [InlineData("login[4102]: pam_tally(login:auth): user bob (1000) tally 4, deny 3", "bob", "login")]
    [InlineData("su[4103]: pam_tally2(su:auth): user admin (4294967294) tally 7, deny 6", "admin", "su")]
    public void Should_report_a_locked_account_without_counting_an_attempt(string message, string user, string program)
    {
        foreach (var line in InBothStamps("web-01 " + message))
        {
            var e = Single(line);
            Assert.Equal(EventActions.AccountLocked, e.Event.Action);
            Assert.Equal(EventOutcomes.Failure, e.Event.Outcome);
            Assert.Equal(["authentication", "iam"], e.Event.Category);
            Assert.Equal("auth", e.Event.Dataset);
            Assert.Equal(user, e.User?.Name);
            Assert.Equal(program, e.Process?.Name);
            Assert.Null(e.Source);
            Assert.False(e.Event.Attempt);
        }
    }

    [Theory]
    // pam_tally2 with 'debug' logs every failure: below the limit nothing is locked.
    [InlineData("Mar  2 08:15:01 web-01 sshd[4104]: pam_tally2(sshd:auth): user root (0) tally 2, deny 5")]
    [InlineData("Mar  2 08:15:01 web-01 sshd[4104]: pam_tally2(sshd:auth): user root (0) tally 5, deny 5")]
    [InlineData("Mar  2 08:15:01 web-01 sshd[4104]: pam_tally2(sshd:auth): user root (0) tally 3, deny 0")]
    [InlineData("Mar  2 08:15:01 web-01 sshd[4104]: pam_faillock(sshd:auth): Error opening the tally file for root: Permission denied")]
    [InlineData("Mar  2 08:15:01 web-01 sshd[4104]: pam_tally2(sshd:auth): user root (0) has time limit [12s left] since last failure.")]
    public void Should_report_no_lock_that_did_not_happen(string line) => AssertNone(line);

    [Fact]
    public void Should_read_the_user_name_from_the_right()
    {
        var events = Lines(
            "Mar  2 08:15:01 web-01 sudo: pam_tally2(sudo:auth): user a (1) tally 9, deny 1 b (4002) tally 6, deny 5",
            "Mar  2 08:15:01 web-01 sshd[4105]: pam_faillock(sshd:auth): Consecutive login failures for user x account temporarily locked y account temporarily locked");

        Assert.Equal(["a (1) tally 9, deny 1 b", "x account temporarily locked y"], events.Select(e => e.User?.Name));
    }

    [Fact]
    public void Should_report_lockouts_beside_the_failures_that_caused_them()
    {
        var events = Lines(
            "Mar  2 08:15:01 web-01 sshd[4106]: Failed password for root from 203.0.113.30 port 51000 ssh2",
            "Mar  2 08:15:04 web-01 sshd[4106]: pam_faillock(sshd:auth): Consecutive login failures for user root account temporarily locked",
            "Mar  2 08:15:04 web-01 sshd[4106]: Failed password for root from 203.0.113.30 port 51000 ssh2");

        Assert.Equal([EventActions.SshLoginFailed, EventActions.AccountLocked, EventActions.SshLoginFailed], events.Select(e => e.Event.Action));
        Assert.Equal(2, events.Count(e => e.Event.Attempt));
    }

    [Fact]
    public void Should_read_lockouts_from_the_journal()
    {
        var events = Lines(
            Journal("sshd-session", 4107, "pam_faillock(sshd:auth): Consecutive login failures for user root account temporarily locked"),
            Journal("sudo", 4108, "pam_tally2(sudo:auth): user zbadguy (4001) tally 6, deny 5"));

        Assert.Equal(["root", "zbadguy"], events.Select(e => e.User?.Name));
        Assert.All(events, e => Assert.Equal(EventActions.AccountLocked, e.Event.Action));
    }
}
