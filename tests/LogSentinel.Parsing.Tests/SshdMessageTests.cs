using LogSentinel.Contracts;
using static LogSentinel.Parsing.Tests.ParseHelper;

namespace LogSentinel.Parsing.Tests;

public class SshdMessageTests
{
    [Theory]
    [InlineData("Mar  2 08:15:01 web-01 sshd[4100]: Failed password for root from 203.0.113.7 port 50122 ssh2", "root", "203.0.113.7", 50122)]
    [InlineData("Mar  2 08:15:01 web-01 sshd[4100]: Failed password for invalid user oracle from 203.0.113.7 port 50122 ssh2", "oracle", "203.0.113.7", 50122)]
    [InlineData("Mar  2 08:15:01 web-01 sshd[4100]: Failed publickey for deploy from 2001:db8::42 port 40000 ssh2: ED25519 SHA256:abcdef", "deploy", "2001:db8::42", 40000)]
    [InlineData("Mar  2 08:15:01 web-01 sshd[4100]: Failed keyboard-interactive/pam for invalid user test from 198.51.100.9 port 1022 ssh2", "test", "198.51.100.9", 1022)]
    [InlineData("Mar  2 08:15:01 web-01 sshd[4100]: Failed none for invalid user guest from 198.51.100.9 port 1022 ssh2", "guest", "198.51.100.9", 1022)]
    [InlineData("Mar  2 08:15:01 web-01 sshd-session[4100]: Failed password for admin from 198.51.100.9 port 1022 ssh2", "admin", "198.51.100.9", 1022)]
    [InlineData("Mar  2 08:15:01 web-01 sshd[4100]: Failed password for illegal user bob from 198.51.100.9 port 1022 ssh2", "bob", "198.51.100.9", 1022)]
    [InlineData("Mar  2 08:15:01 web-01 sshd[4100]: Failed password for root from 198.51.100.9", "root", "198.51.100.9", null)]
    public void Should_report_each_failed_authentication_method(string line, string user, string address, int? port)
    {
        var e = Single(line);
        Assert.Equal(EventActions.SshLoginFailed, e.Event.Action);
        Assert.Equal(EventOutcomes.Failure, e.Event.Outcome);
        Assert.Equal(user, e.User?.Name);
        Assert.Equal(address, e.Source?.Address);
        Assert.Equal(port, e.Source?.Port);
        Assert.Equal("ssh", e.Network?.Protocol);
        Assert.Equal("auth", e.Event.Dataset);
        Assert.Equal("web-01", e.Host.Name);
        Assert.Equal(4100, e.Process?.Pid);
    }

    [Fact]
    public void Should_report_accepted_logins_as_success()
    {
        var e = Single("Mar  2 08:16:44 web-01 sshd[4200]: Accepted publickey for deploy from 192.0.2.50 port 51000 ssh2: RSA SHA256:Zm9vYmFy");
        Assert.Equal(EventActions.SshLoginSucceeded, e.Event.Action);
        Assert.Equal(EventOutcomes.Success, e.Event.Outcome);
        Assert.Equal("deploy", e.User!.Name);
        Assert.Equal("192.0.2.50", e.Source!.Ip);
        Assert.Equal("publickey", e.Event.Reason);
    }

    [Theory]
    [InlineData("Mar  2 08:15:02 web-01 sshd[4101]: Invalid user mysql from 203.0.113.8 port 33000", "mysql", "203.0.113.8")]
    [InlineData("Mar  2 08:15:02 web-01 sshd[4101]: Illegal user mysql from 203.0.113.8", "mysql", "203.0.113.8")]
    [InlineData("Mar  2 08:15:02 web-01 sshd[4101]: Invalid user  from 203.0.113.8 port 33000", null, "203.0.113.8")]
    [InlineData("Mar  2 08:15:02 web-01 sshd[4101]: Invalid user john smith from 203.0.113.8 port 33000", "john smith", "203.0.113.8")]
    public void Should_report_invalid_users(string line, string? user, string address)
    {
        var e = Single(line);
        Assert.Equal(EventActions.SshInvalidUser, e.Event.Action);
        Assert.Equal(EventOutcomes.Failure, e.Event.Outcome);
        Assert.Equal(user, e.User?.Name);
        Assert.Equal(address, e.Source!.Address);
    }

    [Theory]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: ROOT LOGIN REFUSED FROM 203.0.113.9", EventActions.SshRootLoginRefused, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: ROOT LOGIN REFUSED FROM ::ffff:203.0.113.9 port 2222 [preauth]", EventActions.SshRootLoginRefused, "::ffff:203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: User root from 203.0.113.9 not allowed because not listed in AllowUsers", EventActions.SshUserNotAllowed, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: User eve from bad.example.net not allowed because listed in DenyUsers", EventActions.SshUserNotAllowed, "bad.example.net")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: User eve from 203.0.113.9 not allowed because none of user's groups are listed in AllowGroups", EventActions.SshUserNotAllowed, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: User eve from 203.0.113.9 not allowed because a group is listed in DenyGroups", EventActions.SshUserNotAllowed, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: error: maximum authentication attempts exceeded for invalid user pi from 203.0.113.9 port 4000 ssh2 [preauth]", EventActions.SshTooManyAuthFailures, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: Disconnecting invalid user pi 203.0.113.9 port 4000: Too many authentication failures [preauth]", EventActions.SshTooManyAuthFailures, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: Connection closed by authenticating user root 203.0.113.9 port 4000 [preauth]", EventActions.SshPreauthDisconnect, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: Connection reset by invalid user ubuntu 203.0.113.9 port 4000 [preauth]", EventActions.SshPreauthDisconnect, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: Connection closed by 203.0.113.9 port 4000 [preauth]", EventActions.SshPreauthDisconnect, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: Disconnected from authenticating user root 203.0.113.9 port 4000 [preauth]", EventActions.SshPreauthDisconnect, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: Received disconnect from 203.0.113.9 port 4000:11: Bye Bye [preauth]", EventActions.SshPreauthDisconnect, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: Received disconnect from 203.0.113.9: 3: com.jcraft.jsch.JSchException: Auth fail", EventActions.SshPreauthDisconnect, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: Did not receive identification string from 203.0.113.9 port 4000", EventActions.SshScan, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: banner exchange: Connection from 203.0.113.9 port 4000: invalid format", EventActions.SshBadBanner, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: Unable to negotiate with 203.0.113.9 port 4000: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1 [preauth]", EventActions.SshNegotiationFailed, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: ssh_dispatch_run_fatal: Connection from 203.0.113.9 port 4000: Connection corrupted [preauth]", EventActions.SshProtocolError, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: fatal: Timeout before authentication for 203.0.113.9 port 4000", EventActions.SshPreauthTimeout, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: Bad protocol version identification 'GET / HTTP/1.1' from 203.0.113.9 port 4000", EventActions.SshBadBanner, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: refused connect from scanner.example.org (203.0.113.9)", EventActions.SshConnectionRefused, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: error: PAM: Authentication failure for root from 203.0.113.9", EventActions.PamAuthFailed, "203.0.113.9")]
    [InlineData("Mar  2 08:15:03 web-01 sshd[4102]: error: PAM: User not known to the underlying authentication module for illegal user zz from 203.0.113.9", EventActions.PamAuthFailed, "203.0.113.9")]
    public void Should_report_refusals_disconnects_and_scans_as_failures(string line, string action, string address)
    {
        var e = Single(line);
        Assert.Equal(action, e.Event.Action);
        Assert.Equal(EventOutcomes.Failure, e.Event.Outcome);
        Assert.Equal(address, e.Source!.Address);
    }

    [Theory]
    [InlineData("Mar  2 08:15:04 web-01 sshd[4103]: Connection closed by 192.0.2.50 port 51000")]
    [InlineData("Mar  2 08:15:04 web-01 sshd[4103]: Received disconnect from 192.0.2.50 port 51000:11: disconnected by user")]
    [InlineData("Mar  2 08:15:04 web-01 sshd[4103]: Disconnected from user deploy 192.0.2.50 port 51000")]
    [InlineData("Mar  2 08:15:04 web-01 sshd[4103]: Connection from 192.0.2.50 port 51000 on 192.0.2.1 port 22 rdomain \"\"")]
    [InlineData("Mar  2 08:15:04 web-01 sshd[4103]: Address 192.0.2.50 maps to x.example.com, but this does not map back to the address - POSSIBLE BREAK-IN ATTEMPT!")]
    [InlineData("Mar  2 08:15:04 web-01 sshd[4103]: Postponed publickey for deploy from 192.0.2.50 port 51000 ssh2 [preauth]")]
    [InlineData("Mar  2 08:15:04 web-01 sshd[4103]: pam_unix(sshd:session): session opened for user deploy(uid=1000) by (uid=0)")]
    [InlineData("Mar  2 08:15:04 web-01 sshd[4103]: Server listening on 0.0.0.0 port 22.")]
    public void Should_stay_silent_on_lawful_activity(string line) => AssertNone(line);

    [Fact]
    public void Should_count_a_repeated_message_as_many_times_as_it_says()
    {
        var events = Lines("Mar  2 08:17:00 web-01 sshd[4300]: message repeated 4 times: [ Failed password for root from 203.0.113.20 port 6000 ssh2]");
        Assert.Equal(4, events.Count);
        Assert.All(events, e => Assert.Equal(EventActions.SshLoginFailed, e.Event.Action));
        Assert.Equal(4, events.Select(e => e.Event.Id).Distinct().Count());
    }

    [Fact]
    public void Should_take_the_address_of_too_many_failures_from_an_earlier_line_of_the_same_pid()
    {
        var events = Lines(
            "Mar  2 08:18:00 web-01 sshd[4400]: Failed publickey for git from 203.0.113.30 port 7000 ssh2: RSA SHA256:xyz",
            "Mar  2 08:18:00 web-01 sshd[4401]: Failed password for root from 198.51.100.1 port 7001 ssh2",
            "Mar  2 08:18:01 web-01 sshd[4400]: Disconnecting: Too many authentication failures for git [preauth]");
        var tooMany = Assert.Single(events, e => e.Event.Action == EventActions.SshTooManyAuthFailures);
        Assert.Equal("203.0.113.30", tooMany.Source!.Address);
        Assert.Equal("git", tooMany.User!.Name);
    }

    [Fact]
    public void Should_report_a_scanner_on_the_line_that_finally_names_its_address()
    {
        var text = "Mar  2 08:19:00 web-01 sshd[4500]: error: kex_exchange_identification: Connection closed by remote host\n"
                   + "Mar  2 08:19:00 web-01 sshd[4500]: Connection closed by 203.0.113.40 port 9000\n";
        var events = ParseHelper.Text(text);
        var scan = Assert.Single(events);
        Assert.Equal(EventActions.SshScan, scan.Event.Action);
        Assert.Equal("203.0.113.40", scan.Source!.Address);
        Assert.Equal(text.IndexOf("Mar  2 08:19:00 web-01 sshd[4500]: Connection closed", StringComparison.Ordinal), scan.Log.Offset);
    }

    [Fact]
    public void Should_report_an_event_whose_connection_never_names_an_address_without_source_at_the_end()
    {
        var e = Single("Mar  2 08:20:00 web-01 sshd[4600]: Disconnecting: Too many authentication failures for admin [preauth]");
        Assert.Equal(EventActions.SshTooManyAuthFailures, e.Event.Action);
        Assert.Null(e.Source);
        Assert.Equal("admin", e.User!.Name);
    }

    [Fact]
    public void Should_not_carry_an_address_over_to_a_new_connection_on_a_reused_pid()
    {
        var events = Lines(
            "Mar  2 08:21:00 web-01 sshd[4700]: Failed password for root from 203.0.113.50 port 1 ssh2",
            "Mar  2 08:25:00 web-01 sshd[4700]: Connection from 198.51.100.60 port 2 on 192.0.2.1 port 22",
            "Mar  2 08:25:01 web-01 sshd[4700]: error: kex_exchange_identification: read: Connection reset by peer");
        Assert.Equal("198.51.100.60", events.Last().Source!.Address);
    }

    [Fact]
    public void Should_not_let_a_user_name_choose_the_reported_address()
    {
        // The client picked the user name "x from 6.6.6.6 port 1 ssh2: y"; the connection had already named its address.
        var events = Lines(
            "Mar  2 08:22:00 web-01 sshd[4800]: Invalid user x from 203.0.113.70 port 5555",
            "Mar  2 08:22:01 web-01 sshd[4800]: Failed password for invalid user x from 6.6.6.6 port 1 ssh2: y from 203.0.113.70 port 5555 ssh2");
        Assert.All(events, e => Assert.Equal("203.0.113.70", e.Source!.Address));
    }

    [Fact]
    public void Should_read_the_address_after_a_user_name_that_holds_spaces()
    {
        var e = Single("Mar  2 08:23:00 web-01 sshd[4900]: Connection closed by authenticating user a b 10.9.8.7 203.0.113.80 port 100 [preauth]");
        Assert.Equal("203.0.113.80", e.Source!.Address);
        Assert.Equal("a b 10.9.8.7", e.User!.Name);
    }

    [Fact]
    public void Should_strip_a_solaris_message_id()
    {
        var e = Single("Mar  2 08:24:00 sol-01 sshd[5000]: [ID 800047 auth.info] Failed keyboard-interactive for carol from 203.0.113.90 port 1 ssh2");
        Assert.Equal("carol", e.User!.Name);
    }

    [Theory]
    [InlineData("Mar  2 08:25:00 web-01 sshd[5100]: kernel:[  970.699396]: Failed password for root from 203.0.113.91 port 1 ssh2")]
    [InlineData("Mar  2 08:25:00 web-01 sshd[5100]: kernel: [  970.699397] Failed password for root from 203.0.113.91 port 1 ssh2")]
    public void Should_read_past_a_kernel_style_stamp_the_journal_added(string line)
    {
        var e = Single(line);
        Assert.Equal(EventActions.SshLoginFailed, e.Event.Action);
        Assert.Equal("203.0.113.91", e.Source!.Address);
    }

    [Theory]
    [InlineData("Mar  2 08:26:00 gw-01 dropbear[700]: Bad password attempt for 'root' from 203.0.113.92:5543", EventActions.SshLoginFailed, "203.0.113.92", 5543, "root")]
    [InlineData("Mar  2 08:26:00 gw-01 dropbear[700]: bad password attempt for 'admin' from ::ffff:203.0.113.92:5543", EventActions.SshLoginFailed, "::ffff:203.0.113.92", 5543, "admin")]
    [InlineData("Mar  2 08:26:00 gw-01 dropbear[700]: Login attempt for nonexistent user from 2001:db8::92:60000", EventActions.SshInvalidUser, "2001:db8::92", 60000, null)]
    [InlineData("Mar  2 08:26:00 gw-01 dropbear[700]: Exit before auth (user 'root', 10 fails): Max auth tries reached - user 'root' from 203.0.113.92:5543", EventActions.SshTooManyAuthFailures, "203.0.113.92", 5543, "root")]
    [InlineData("Mar  2 08:26:00 gw-01 dropbear[700]: [700] Mar  2 08:26:00 Bad password attempt for 'root' from 203.0.113.92:5543", EventActions.SshLoginFailed, "203.0.113.92", 5543, "root")]
    [InlineData("Mar  2 08:26:00 gw-01 dropbear[700]: Password auth succeeded for 'ops' from 192.0.2.92:5543", EventActions.SshLoginSucceeded, "192.0.2.92", 5543, "ops")]
    public void Should_report_dropbear(string line, string action, string address, int port, string? user)
    {
        var e = Single(line);
        Assert.Equal(action, e.Event.Action);
        Assert.Equal(address, e.Source!.Address);
        Assert.Equal(port, e.Source.Port);
        Assert.Equal(user, e.User?.Name);
        Assert.Equal("ssh", e.Network!.Protocol);
    }
}
