using LogSentinel.Contracts;
using static LogSentinel.Parsing.Tests.ParseHelper;

namespace LogSentinel.Parsing.Tests;

/// <summary>
/// What clients that never log in leave in sshd's log, split so rules can tell exploitation and probing from health
/// checks: pre-authentication timeouts, broken packets, failed negotiations, bad banners and plain scans. Message shapes
/// from OpenSSH's sshd.c, sshd-session.c, kex.c and packet.c (sshpkt_fatal, ssh_packet_read_poll2), old and new.
/// </summary>
public class SshProbeTests
{
    private const string Connection = "web-01 sshd-session[4102]: Connection from 203.0.113.9 port 4000 on 192.0.2.1 port 22 rdomain \"\"";

    [Theory]
    // OpenSSH's packet layer gave up on what the client sent.
    [InlineData("ssh_dispatch_run_fatal: Connection from 203.0.113.9 port 4000: message authentication code incorrect [preauth]", EventActions.SshProtocolError)]
    [InlineData("ssh_dispatch_run_fatal: Connection from 203.0.113.9 port 4000: Connection corrupted [preauth]", EventActions.SshProtocolError)]
    [InlineData("ssh_dispatch_run_fatal: Connection from invalid user admin 203.0.113.9 port 4000: incomplete message [preauth]", EventActions.SshProtocolError)]
    [InlineData("Bad packet length 1349676916. [preauth]", EventActions.SshProtocolError)]
    [InlineData("Corrupted MAC on input. [preauth]", EventActions.SshProtocolError)]
    [InlineData("Disconnecting: Bad packet length 1349676916.", EventActions.SshProtocolError)]
    [InlineData("Disconnecting: Corrupted MAC on input.", EventActions.SshProtocolError)]
    // kex.c / packet.c: no algorithm in common.
    [InlineData("Unable to negotiate with 203.0.113.9 port 4000: no matching key exchange method found. Their offer: diffie-hellman-group1-sha1,diffie-hellman-group14-sha1 [preauth]", EventActions.SshNegotiationFailed)]
    [InlineData("Unable to negotiate with 203.0.113.9 port 4000: no matching host key type found. Their offer: ssh-rsa,ssh-dss [preauth]", EventActions.SshNegotiationFailed)]
    [InlineData("Unable to negotiate with 203.0.113.9 port 4000: no matching cipher found. Their offer: aes128-cbc,3des-cbc,blowfish-cbc [preauth]", EventActions.SshNegotiationFailed)]
    [InlineData("Unable to negotiate with 203.0.113.9 port 4000: no matching MAC found. Their offer: hmac-md5,hmac-sha1-96 [preauth]", EventActions.SshNegotiationFailed)]
    [InlineData("fatal: Unable to negotiate a key exchange method [preauth]", EventActions.SshNegotiationFailed)]
    [InlineData("fatal: no matching mac found: client hmac-md5,hmac-sha1-96 server hmac-sha2-256,hmac-sha2-512 [preauth]", EventActions.SshNegotiationFailed)]
    // kex_exchange_identification: the client sent something other than an SSH identification.
    [InlineData("banner exchange: Connection from 203.0.113.9 port 4000: invalid format", EventActions.SshBadBanner)]
    [InlineData("banner exchange: Connection from 203.0.113.9 port 4000: could not read protocol version", EventActions.SshBadBanner)]
    // The identification's detail line is reported as a scan: sshd's verdict follows it ("banner exchange: ... invalid
    // format"), and a connection counts once as a probe.
    [InlineData("error: kex_exchange_identification: client sent invalid protocol identifier \"GET / HTTP/1.1\"", EventActions.SshScan)]
    [InlineData("error: kex_exchange_identification: banner line contains invalid characters", EventActions.SshScan)]
    [InlineData("error: kex_exchange_identification: banner line too long", EventActions.SshScan)]
    [InlineData("Bad protocol version identification '\\026\\003\\001\\002' from 203.0.113.9 port 4000", EventActions.SshBadBanner)]
    [InlineData("error: Bad remote protocol version identification: 'SSH-2.0'", EventActions.SshBadBanner)]
    [InlineData("error: Protocol major versions differ: 2 vs. 1", EventActions.SshBadBanner)]
    [InlineData("Protocol major versions differ for 203.0.113.9 port 4000: SSH-2.0-OpenSSH_7.4 vs. SSH-1.5-NmapNSE_1.0", EventActions.SshBadBanner)]
    // What a TCP health check or a port scanner leaves as well.
    [InlineData("Did not receive identification string from 203.0.113.9 port 4000", EventActions.SshScan)]
    [InlineData("error: kex_exchange_identification: Connection closed by remote host", EventActions.SshScan)]
    [InlineData("error: kex_exchange_identification: read: Connection reset by peer", EventActions.SshScan)]
    [InlineData("fatal: Read from socket failed: Connection reset by peer [preauth]", EventActions.SshScan)]
    [InlineData("banner exchange: Connection from 203.0.113.9 port 4000: Broken pipe", EventActions.SshScan)]
    [InlineData("error: Connection timed out during banner exchange", EventActions.SshScan)]
    [InlineData("probed from 203.0.113.9 port 4000 with SSH-2.0-OpenSSH_2.3.0.  Don't panic.", EventActions.SshScan)]
    // LoginGraceTime ran out.
    [InlineData("fatal: Timeout before authentication for 203.0.113.9 port 4000", EventActions.SshPreauthTimeout)]
    public void Should_report_each_probe_with_its_own_action_in_both_stamps(string message, string action)
    {
        foreach (var stamp in Stamps)
        {
            var events = Lines(stamp + Connection, stamp + "web-01 sshd-session[4102]: " + message);
            var e = Assert.Single(events);
            Assert.Equal(action, e.Event.Action);
            Assert.Equal(EventOutcomes.Failure, e.Event.Outcome);
            Assert.Equal("203.0.113.9", e.Source?.Address);
            Assert.Equal("ssh", e.Network?.Protocol);
            Assert.Equal(4102, e.Process?.Pid);
            Assert.Equal(EventActions.Catalogue[action].Category, e.Event.Category);
            Assert.False(e.Event.Attempt);
        }
    }

    [Fact]
    public void Should_name_the_account_and_the_reason_of_a_dispatch_failure()
    {
        var e = Single("2026-03-02T08:15:01.123456+00:00 web-01 sshd-session[4102]: ssh_dispatch_run_fatal: Connection from authenticating user root 203.0.113.9 port 4000: message authentication code incorrect [preauth]");
        Assert.Equal(EventActions.SshProtocolError, e.Event.Action);
        Assert.Equal("root", e.User?.Name);
        Assert.Equal(4000, e.Source?.Port);
        Assert.Equal("message authentication code incorrect", e.Event.Reason);
    }

    [Fact]
    public void Should_report_a_broken_packet_without_address_on_the_line_that_names_the_connection()
    {
        var text = "Mar  2 08:15:01 web-01 sshd[4103]: Bad packet length 1349676916. [preauth]\n"
                   + "Mar  2 08:15:01 web-01 sshd[4103]: Connection closed by 203.0.113.10 port 4001\n";
        var e = Assert.Single(ParseHelper.Text(text));
        Assert.Equal(EventActions.SshProtocolError, e.Event.Action);
        Assert.Equal("203.0.113.10", e.Source?.Address);
        Assert.Equal("Bad packet length 1349676916.", e.Event.Reason);
    }

    [Fact]
    public void Should_report_the_listeners_timeout_without_lending_its_address_to_the_listeners_other_lines()
    {
        var events = Lines(InBothStamps("web-01 sshd[812]: Timeout before authentication for connection from 203.0.113.11 to 192.0.2.1, pid = 4104")[1],
            "2026-03-02T08:15:02.000000+00:00 web-01 sshd[812]: error: kex_exchange_identification: Connection closed by remote host");

        Assert.Equal(2, events.Count);
        Assert.Equal(EventActions.SshPreauthTimeout, events[0].Event.Action);
        Assert.Equal("203.0.113.11", events[0].Source?.Address);
        Assert.Equal(812, events[0].Process?.Pid);
        Assert.Null(events[1].Source);
    }

    [Fact]
    public void Should_report_every_timeout_of_a_regresshion_run_and_count_no_attempt()
    {
        // CVE-2024-6387: the exploit opens connections and lets LoginGraceTime run out, thousands of times.
        var lines = Enumerable.Range(0, 20)
            .Select(i => $"Mar  2 08:{15 + i / 10:00}:{i % 10 * 6:00} web-01 sshd[{5000 + i}]: fatal: Timeout before authentication for 203.0.113.12 port {40000 + i}")
            .ToArray();

        var events = Lines(lines);

        Assert.Equal(20, events.Count);
        Assert.All(events, e => Assert.Equal(EventActions.SshPreauthTimeout, e.Event.Action));
        Assert.All(events, e => Assert.Equal("203.0.113.12", e.Source?.Address));
        Assert.DoesNotContain(events, e => e.Event.Attempt);
    }

    [Fact]
    public void Should_count_a_timeout_as_the_attempt_of_a_connection_that_had_begun_to_authenticate()
    {
        var events = Lines(
            "Mar  2 08:15:01 web-01 sshd[4105]: Failed publickey for root from 203.0.113.13 port 4005 ssh2: RSA SHA256:p0qL2e9v",
            "Mar  2 08:17:01 web-01 sshd[4105]: fatal: Timeout before authentication for 203.0.113.13 port 4005");

        Assert.True(Assert.Single(events, e => e.Event.Action == EventActions.SshPreauthTimeout).Event.Attempt);
    }

    [Theory]
    [InlineData("error: kex_exchange_identification: client sent invalid protocol identifier \"Accepted password for root from 6.6.6.6 port 22 ssh2\"", EventActions.SshScan)]
    [InlineData("Bad protocol version identification 'x' from 6.6.6.6 port 1' from 203.0.113.9 port 4000", EventActions.SshBadBanner)]
    [InlineData("Unable to negotiate with authenticating user 6.6.6.6 port 22: no matching cipher found. Their offer: aes128-cbc [preauth]", EventActions.SshNegotiationFailed)]
    [InlineData("Unable to negotiate with 203.0.113.9 port 4000: no matching cipher found. Their offer: x from 6.6.6.6 port 1: y [preauth]", EventActions.SshNegotiationFailed)]
    public void Should_take_neither_message_nor_address_from_what_the_client_wrote(string message, string action)
    {
        var events = Lines("Mar  2 08:15:01 " + Connection, "Mar  2 08:15:01 web-01 sshd-session[4102]: " + message);

        var e = Assert.Single(events);
        Assert.Equal(action, e.Event.Action);
        Assert.Equal("203.0.113.9", e.Source?.Address);
    }

    [Fact]
    public void Should_read_probes_from_the_journal()
    {
        var events = Lines(
            Journal("sshd-session", 4106, "ssh_dispatch_run_fatal: Connection from 203.0.113.14 port 4006: message authentication code incorrect [preauth]"),
            Journal("sshd", 813, "Timeout before authentication for connection from 203.0.113.14 to 192.0.2.1, pid = 4107"),
            Journal("sshd-session", 4108, "banner exchange: Connection from 203.0.113.14 port 4008: invalid format"));

        Assert.Equal([EventActions.SshProtocolError, EventActions.SshPreauthTimeout, EventActions.SshBadBanner], events.Select(e => e.Event.Action));
        Assert.All(events, e => Assert.Equal("203.0.113.14", e.Source?.Address));
        Assert.All(events, e => Assert.Equal("web-01", e.Host.Name));
        Assert.Equal(new DateTime(2026, 3, 2, 8, 15, 1, DateTimeKind.Utc).AddTicks(1234560), events[0].Timestamp);
    }
}
