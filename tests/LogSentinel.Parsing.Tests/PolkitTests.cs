using LogSentinel.Contracts;
using LogSentinel.Parsing.Messages;
using static LogSentinel.Parsing.Tests.ParseHelper;

namespace LogSentinel.Parsing.Tests;

/// <summary>
/// pkexec's commands, refusals and the CVE-2021-4034 "PwnKit" signatures, and polkitd's authentication verdicts, in
/// the shapes polkit's pkexec.c (log_message: "%s: %s [USER=%s] [TTY=%s] [CWD=%s] [COMMAND=%s]") and
/// polkitbackendinteractiveauthority.c write them.
/// </summary>
public class PolkitTests
{
    private const string PwnKitCommand = "GCONV_PATH=./gconv PATH=GCONV_PATH=. SHELL=/fake/shell CHARSET=payload";

    [Theory]
    [InlineData("pkexec[387348]: srcuser: The value for the SHELL variable was not found the /etc/shells file [USER=root] [TTY=/dev/pts/3] [CWD=/tmp/x] [COMMAND=" + PwnKitCommand + "]",
        "srcuser", "The value for the SHELL variable was not found the /etc/shells file", PwnKitCommand)]
    [InlineData("pkexec[387348]: srcuser: The value for the SHELL variable was not found in the /etc/shells file [USER=root] [TTY=/dev/pts/3] [CWD=/tmp/x] [COMMAND=" + PwnKitCommand + "]",
        "srcuser", "The value for the SHELL variable was not found in the /etc/shells file", PwnKitCommand)]
    [InlineData("pkexec[4100]: bob: The value for environment variable XAUTHORITY contains suspicious content [USER=root] [TTY=/dev/pts/1] [CWD=/home/bob] [COMMAND=/usr/bin/true]",
        "bob", "The value for environment variable XAUTHORITY contains suspicious content", "/usr/bin/true")]
    [InlineData("pkexec[4100]: bob: The value for environment variable LC_MESSAGES contains suspicious content [USER=root] [TTY=unknown] [CWD=/tmp/pwnkit] [COMMAND=pwnkit]",
        "bob", "The value for environment variable LC_MESSAGES contains suspicious content", "pwnkit")]
    public void Should_report_pwnkit_signatures_as_exploit_attempts(string message, string user, string reason, string command)
    {
        foreach (var line in InBothStamps("web-01 " + message))
        {
            var e = Single(line);
            Assert.Equal(EventActions.PkexecExploitAttempt, e.Event.Action);
            Assert.Equal(EventOutcomes.Failure, e.Event.Outcome);
            Assert.Equal(["intrusion_detection"], e.Event.Category);
            Assert.Equal(["info"], e.Event.Type);
            Assert.Equal("auth", e.Event.Dataset);
            Assert.Equal(user, e.User?.Name);
            Assert.Equal("root", e.User?.Target?.Name);
            Assert.Equal(command, e.Process?.CommandLine);
            Assert.Equal("pkexec", e.Process?.Name);
            Assert.Equal(reason, e.Event.Reason);
            Assert.Null(e.Source);
            Assert.False(e.Event.Attempt);
        }
    }

    [Fact]
    public void Should_report_a_dead_parent_from_the_journal_that_kept_pkexecs_stderr()
    {
        var e = Single(Journal("pkexec", 4101, "Refusing to render service to dead parents."));
        Assert.Equal(EventActions.PkexecExploitAttempt, e.Event.Action);
        Assert.Equal(EventOutcomes.Failure, e.Event.Outcome);
        Assert.Null(e.User);
        Assert.Equal("Refusing to render service to dead parents.", e.Event.Reason);
    }

    [Fact]
    public void Should_report_commands_pkexec_runs_like_sudos()
    {
        foreach (var line in InBothStamps("web-01 pkexec[4102]: bob: Executing command [USER=root] [TTY=unknown] [CWD=/home/bob] [COMMAND=/usr/lib/update-notifier/package-system-locked]"))
        {
            var e = Single(line);
            Assert.Equal(EventActions.PkexecCommand, e.Event.Action);
            Assert.Equal(EventOutcomes.Success, e.Event.Outcome);
            Assert.Equal("bob", e.User?.Name);
            Assert.Equal("root", e.User?.Target?.Name);
            Assert.Equal("/usr/lib/update-notifier/package-system-locked", e.Process?.CommandLine);
            Assert.Null(e.Event.Reason);
            Assert.False(e.Event.Attempt);
        }
    }

    [Fact]
    public void Should_report_a_command_polkit_did_not_authorize()
    {
        foreach (var line in InBothStamps("web-01 pkexec[4103]: bob: Error executing command as another user: Not authorized [USER=root] [TTY=/dev/pts/0] [CWD=/home/bob] [COMMAND=/bin/bash]"))
        {
            var e = Single(line);
            Assert.Equal(EventActions.PkexecNotAuthorized, e.Event.Action);
            Assert.Equal(EventOutcomes.Failure, e.Event.Outcome);
            Assert.Equal(["iam"], e.Event.Category);
            Assert.Equal("bob", e.User?.Name);
            Assert.Equal("root", e.User?.Target?.Name);
            Assert.Equal("/bin/bash", e.Process?.CommandLine);
            Assert.False(e.Event.Attempt);
        }
    }

    [Theory]
    [InlineData("Mar  2 08:15:01 web-01 pkexec[4104]: bob: Error executing command as another user: Request dismissed [USER=root] [TTY=unknown] [CWD=/home/bob] [COMMAND=/usr/lib/gvfs/gvfsd-admin]")]
    [InlineData("Mar  2 08:15:01 web-01 pkexec[4104]: pam_unix(polkit-1:session): session opened for user root(uid=0) by bob(uid=1000)")]
    [InlineData("Mar  2 08:15:01 web-01 polkitd[475]: Registered Authentication Agent for unix-process:4100:53203 (system bus name :1.583 [/usr/bin/pkttyagent --notify-fd 5 --fallback], object path /org/freedesktop/PolicyKit1/AuthenticationAgent, locale en_US.UTF-8)")]
    public void Should_stay_silent_on_lawful_pkexec_and_polkitd_lines(string line) => AssertNone(line);

    [Fact]
    public void Should_read_pkexecs_own_fields_before_the_text_its_caller_chose()
    {
        // The directory and the command are the caller's: "x] [COMMAND=" in one, "] [USER=" in the other.
        var e = Single("Mar  2 08:15:01 web-01 pkexec[4105]: bob: Executing command [USER=root] [TTY=/dev/pts/0] [CWD=/tmp/a] [COMMAND=/usr/bin/true] [COMMAND=/bin/sh -c id] [USER=nobody]");
        Assert.Equal("bob", e.User?.Name);
        Assert.Equal("root", e.User?.Target?.Name);
        Assert.EndsWith("/bin/sh -c id] [USER=nobody", e.Process?.CommandLine, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_cap_the_command_the_exploit_planted()
    {
        var command = string.Concat(Enumerable.Repeat("GCONV_PATH=./gconv ", 200));
        var e = Single($"Mar  2 08:15:01 web-01 pkexec[4106]: eve: The value for the SHELL variable was not found the /etc/shells file [USER=root] [TTY=/dev/pts/3] [CWD=/tmp/x] [COMMAND={command}]");
        Assert.Equal(FieldLimits.Command, e.Process?.CommandLine?.Length);
    }

    [Theory]
    [InlineData("polkitd(authority=local): Operator of unix-session:3 FAILED to authenticate to gain authorization for action org.freedesktop.policykit.exec for unix-process:4100:53203 [bash] (owned by unix-user:bob)",
        EventActions.PolkitAuthFailed, EventOutcomes.Failure, "bob", null, "org.freedesktop.policykit.exec")]
    [InlineData("polkitd[475]: Operator of unix-session:c2 FAILED to authenticate to gain authorization for action org.manjaro.pamac.commit for system-bus-name::1.156 [pamac-manager --updates] (owned by unix-user:alice)",
        EventActions.PolkitAuthFailed, EventOutcomes.Failure, "alice", null, "org.manjaro.pamac.commit")]
    [InlineData("polkitd(authority=local): Operator of unix-session:/org/freedesktop/ConsoleKit/Session2 FAILED to authenticate to gain authorization for action org.freedesktop.systemtoolsbackends.set for system-bus-name::1.59 [users-admin] (owned by unix-user:carol)",
        EventActions.PolkitAuthFailed, EventOutcomes.Failure, "carol", null, "org.freedesktop.systemtoolsbackends.set")]
    [InlineData("polkitd(authority=local): Operator of unix-session:3 successfully authenticated as unix-user:root to gain ONE-SHOT authorization for action org.freedesktop.policykit.exec for unix-process:4100:53203 [bash] (owned by unix-user:bob)",
        EventActions.PolkitAuthSucceeded, EventOutcomes.Success, "bob", "root", "org.freedesktop.policykit.exec")]
    [InlineData("polkitd[475]: Operator of unix-process:3489620:69138961 successfully authenticated as unix-user:admin to gain TEMPORARY authorization for action org.freedesktop.systemd1.manage-units for system-bus-name::1.584 [systemctl restart nginx] (owned by unix-user:jenkins)",
        EventActions.PolkitAuthSucceeded, EventOutcomes.Success, "jenkins", "admin", "org.freedesktop.systemd1.manage-units")]
    public void Should_report_polkitds_authentication_verdicts_as_attempts(string message, string action, string outcome, string user, string? target, string polkitAction)
    {
        foreach (var line in InBothStamps("web-01 " + message))
        {
            var e = Single(line);
            Assert.Equal(action, e.Event.Action);
            Assert.Equal(outcome, e.Event.Outcome);
            Assert.Equal(["authentication"], e.Event.Category);
            Assert.Equal(user, e.User?.Name);
            Assert.Equal(target, e.User?.Target?.Name);
            Assert.Equal(polkitAction, e.Event.Reason);
            Assert.Equal("polkitd", e.Process?.Name);
            Assert.True(e.Event.Attempt);
        }
    }

    [Fact]
    public void Should_take_the_owner_polkitd_names_last_not_one_in_the_callers_command_line()
    {
        var e = Single("Mar  2 08:15:01 web-01 polkitd[475]: Operator of unix-session:3 FAILED to authenticate to gain authorization for action org.freedesktop.policykit.exec for unix-process:4100:53203 [sh -c x (owned by unix-user:root)] (owned by unix-user:mallory)");
        Assert.Equal("mallory", e.User?.Name);
    }

    [Fact]
    public void Should_count_one_attempt_for_a_wrong_password_polkit_and_pam_both_report()
    {
        var events = Lines(
            "Mar  2 08:15:01 web-01 polkit-agent-helper-1[4107]: pam_unix(polkit-1:auth): authentication failure; logname=bob uid=1000 euid=0 tty= ruser=bob rhost=  user=bob",
            "Mar  2 08:15:03 web-01 polkitd(authority=local): Operator of unix-session:3 FAILED to authenticate to gain authorization for action org.freedesktop.policykit.exec for unix-process:4100:53203 [bash] (owned by unix-user:bob)");

        Assert.Equal(2, events.Count);
        Assert.Equal(EventActions.PolkitAuthFailed, Assert.Single(events, e => e.Event.Attempt).Event.Action);
    }

    [Fact]
    public void Should_read_pkexec_and_polkitd_from_the_journal()
    {
        var events = Lines(
            Journal("pkexec", 387348, "srcuser: The value for the SHELL variable was not found the /etc/shells file [USER=root] [TTY=/dev/pts/3] [CWD=/tmp/x] [COMMAND=" + PwnKitCommand + "]"),
            Journal("polkitd", 475, "Operator of unix-session:3 FAILED to authenticate to gain authorization for action org.freedesktop.policykit.exec for unix-process:4100:53203 [bash] (owned by unix-user:bob)"));

        Assert.Equal([EventActions.PkexecExploitAttempt, EventActions.PolkitAuthFailed], events.Select(e => e.Event.Action));
        Assert.Equal(387348, events[0].Process?.Pid);
        Assert.Equal(PwnKitCommand, events[0].Process?.CommandLine);
        Assert.Equal("bob", events[1].User?.Name);
    }

    [Fact]
    public void Should_route_pkexec_and_polkitd_to_the_polkit_parser_and_leave_the_agent_helper_to_pam()
    {
        Assert.Equal(MessageDispatch.Family.Polkit, MessageDispatch.Classify("pkexec"u8));
        Assert.Equal(MessageDispatch.Family.Polkit, MessageDispatch.Classify("polkitd"u8));
        Assert.Equal(MessageDispatch.Family.Polkit, MessageDispatch.Classify("polkitd(authority=local)"u8));
        Assert.Equal(MessageDispatch.Family.Other, MessageDispatch.Classify("polkit-agent-helper-1"u8));
    }
}
