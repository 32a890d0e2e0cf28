using LogSentinel.Contracts;
using static LogSentinel.Parsing.Tests.ParseHelper;

namespace LogSentinel.Parsing.Tests;

public class PamSudoSuLoginTests
{
    [Theory]
    [InlineData("Apr  9 10:00:00 web-01 sshd[100]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root", "203.0.113.5", "root")]
    [InlineData("Apr  9 10:00:00 web-01 sshd[100]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5 ", "203.0.113.5", null)]
    [InlineData("Apr  9 10:00:00 ftp-01 vsftpd: pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=anna rhost=client.example.org", "client.example.org", "anna")]
    [InlineData("Apr  9 10:00:00 web-01 sshd[100]: pam_sss(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=2001:db8::7 user=svc", "2001:db8::7", "svc")]
    [InlineData("Apr  9 10:00:00 old-01 sshd[100]: (pam_unix) authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.5  user=root", "203.0.113.5", "root")]
    [InlineData("Apr  9 10:00:00 old-01 proftpd: pam_unix: authentication failure; logname= uid=0 euid=0 tty= ruser= rhost=203.0.113.5", "203.0.113.5", null)]
    [InlineData("Apr  9 10:00:00 web-01 sshd[100]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser=ops rhost=203.0.113.5 [preauth]", "203.0.113.5", "ops")]
    public void Should_report_pam_authentication_failures_with_remote_host(string line, string address, string? user)
    {
        var e = Single(line);
        Assert.Equal(EventActions.PamAuthFailed, e.Event.Action);
        Assert.Equal(EventOutcomes.Failure, e.Event.Outcome);
        Assert.Equal(address, e.Source!.Address);
        Assert.Equal(user, e.User?.Name);
    }

    [Fact]
    public void Should_not_be_fooled_by_rhost_inside_a_client_chosen_ruser()
    {
        var e = Single("Apr  9 10:00:01 ftp-01 vsftpd: pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=x rhost=6.6.6.6 rhost=203.0.113.6");
        Assert.Equal("203.0.113.6", e.Source!.Address);
        Assert.Equal("x rhost=6.6.6.6", e.User!.Name);
    }

    [Fact]
    public void Should_count_every_failure_pam_summarises()
    {
        var events = Lines("Apr  9 10:00:02 web-01 sshd[101]: PAM 2 more authentication failures; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.7  user=root");
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal("203.0.113.7", e.Source!.Address));
    }

    [Fact]
    public void Should_report_a_local_pam_failure_without_source()
    {
        var e = Single("Apr  9 10:00:03 web-01 sudo: pam_unix(sudo:auth): authentication failure; logname=carol uid=1000 euid=0 tty=/dev/pts/1 ruser=carol rhost=  user=carol");
        Assert.Equal(EventActions.PamAuthFailed, e.Event.Action);
        Assert.Null(e.Source);
        Assert.Equal("carol", e.User!.Name);
        Assert.Equal("sudo", e.Process!.Name);
    }

    [Theory]
    [InlineData("Apr  9 10:00:04 web-01 CRON[300]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)")]
    [InlineData("Apr  9 10:00:04 web-01 sshd[100]: pam_unix(sshd:auth): check pass; user unknown")]
    [InlineData("Apr  9 10:00:04 web-01 sudo: pam_unix(sudo:session): session closed for user root")]
    public void Should_ignore_pam_session_and_account_chatter(string line) => AssertNone(line);

    [Fact]
    public void Should_report_sudo_commands_with_target_user_and_command()
    {
        var e = Single("Apr  9 10:01:00 web-01 sudo:    carol : TTY=pts/1 ; PWD=/home/carol ; USER=root ; COMMAND=/usr/bin/systemctl restart nginx");
        Assert.Equal(EventActions.SudoCommand, e.Event.Action);
        Assert.Equal(EventOutcomes.Success, e.Event.Outcome);
        Assert.Equal("carol", e.User!.Name);
        Assert.Equal("root", e.User.Target!.Name);
        Assert.Equal("/usr/bin/systemctl restart nginx", e.Process!.CommandLine);
    }

    [Fact]
    public void Should_report_each_incorrect_sudo_password_attempt()
    {
        var events = Lines("Apr  9 10:01:01 web-01 sudo:    dave : 3 incorrect password attempts ; TTY=pts/2 ; PWD=/home/dave ; USER=root ; COMMAND=/bin/bash");
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal(EventActions.SudoAuthFailed, e.Event.Action));
        Assert.Equal("dave", events[0].User!.Name);
    }

    [Theory]
    [InlineData("Apr  9 10:01:02 web-01 sudo:    mallory : user NOT in sudoers ; TTY=pts/3 ; PWD=/tmp ; USER=root ; COMMAND=/bin/sh")]
    [InlineData("Apr  9 10:01:02 web-01 sudo:    mallory : command not allowed ; TTY=pts/3 ; PWD=/tmp ; USER=root ; COMMAND=/usr/bin/vim /etc/shadow")]
    public void Should_report_sudo_refusals(string line)
    {
        var e = Single(line);
        Assert.Equal(EventActions.SudoNotAllowed, e.Event.Action);
        Assert.Equal("mallory", e.User!.Name);
    }

    [Theory]
    [InlineData("Apr  9 10:02:00 web-01 su[400]: FAILED SU (to root) carol on pts/1", EventActions.SuFailed, "carol", "root")]
    [InlineData("Apr  9 10:02:00 web-01 su[400]: (to root) carol on pts/1", EventActions.SuSucceeded, "carol", "root")]
    [InlineData("Apr  9 10:02:00 old-01 su[400]: FAILED su for root by carol", EventActions.SuFailed, "carol", "root")]
    [InlineData("Apr  9 10:02:00 old-01 su[400]: Successful su for postgres by root", EventActions.SuSucceeded, "root", "postgres")]
    [InlineData("Apr  9 10:02:00 old-01 su[400]: - pts/1 carol:root", EventActions.SuFailed, "carol", "root")]
    public void Should_report_su(string line, string action, string user, string target)
    {
        var e = Single(line);
        Assert.Equal(action, e.Event.Action);
        Assert.Equal(user, e.User!.Name);
        Assert.Equal(target, e.User.Target!.Name);
    }

    [Fact]
    public void Should_report_failed_console_and_remote_logins()
    {
        var console = Single("Apr  9 10:03:00 web-01 login[500]: FAILED LOGIN (1) on '/dev/tty1' FOR 'root', Authentication failure");
        Assert.Equal(EventActions.LoginFailed, console.Event.Action);
        Assert.Equal("root", console.User!.Name);
        Assert.Null(console.Source);
        var remote = Single("Apr  9 10:03:00 web-01 login[501]: FAILED LOGIN (2) on '/dev/pts/4' from 'term.example.org' FOR 'UNKNOWN', User not known to the underlying authentication module");
        Assert.Equal("term.example.org", remote.Source!.Address);
        Assert.Null(remote.User);
    }

    [Fact]
    public void Should_name_who_asked_and_whom_they_tried_to_become_in_a_local_pam_failure()
    {
        var su = Single("Mar  2 09:20:00 web-01 su[5120]: pam_unix(su-l:auth): authentication failure; logname=bob uid=1000 euid=0 tty=/dev/pts/1 ruser=bob rhost=  user=root");
        var sudo = Single("Mar  2 09:20:05 web-01 sudo: pam_unix(sudo:auth): authentication failure; logname=bob uid=1000 euid=0 tty=/dev/pts/1 ruser=bob rhost=  user=bob");
        var remote = Single("Mar  2 09:20:09 web-01 vsftpd: pam_unix(vsftpd:auth): authentication failure; logname= uid=0 euid=0 tty=ftp ruser=admin rhost=203.0.113.77  user=ftp");

        Assert.Equal(("bob", "root"), (su.User?.Name, su.User?.Target?.Name));
        Assert.Equal(("bob", null), (sudo.User?.Name, sudo.User?.Target?.Name));
        // A remote client's ruser is only its claim: the account tried is user=.
        Assert.Equal(("ftp", null), (remote.User?.Name, remote.User?.Target?.Name));
    }
}
