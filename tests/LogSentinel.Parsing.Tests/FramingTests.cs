using System.Text;
using LogSentinel.Contracts;
using static LogSentinel.Parsing.Tests.ParseHelper;

namespace LogSentinel.Parsing.Tests;

public class FramingTests
{
    private const string Failure = "Failed password for root from 203.0.113.7 port 22 ssh2";

    [Theory]
    [InlineData("Feb  5 14:34:10 web-01 sshd[10]: " + Failure, "2026-02-05T14:34:10Z", "web-01", 10)]
    [InlineData("Feb 15 14:34:10 web-01 sshd[10]: " + Failure, "2026-02-15T14:34:10Z", "web-01", 10)]
    [InlineData("<38>Feb  5 14:34:10 web-01 sshd[10]: " + Failure, "2026-02-05T14:34:10Z", "web-01", 10)]
    [InlineData("2026-02-05T14:34:10.123456+02:00 web-01 sshd[10]: " + Failure, "2026-02-05T12:34:10.123456Z", "web-01", 10)]
    [InlineData("2026-02-05T14:34:10Z web-01 sshd[10]: " + Failure, "2026-02-05T14:34:10Z", "web-01", 10)]
    [InlineData("<38>1 2026-02-05T14:34:10.5-05:00 web-01.example.org sshd 10 - - " + Failure, "2026-02-05T19:34:10.5Z", "web-01.example.org", 10)]
    [InlineData("<38>1 2026-02-05T14:34:10Z web-01 sshd 10 ID47 [meta x=\"a]b\" y=\"q\\\"z\"][origin ip=\"192.0.2.1\"] " + Failure, "2026-02-05T14:34:10Z", "web-01", 10)]
    [InlineData("2026-02-05 14:34:10 web-01 sshd[10]: " + Failure, "2026-02-05T14:34:10Z", "web-01", 10)]
    [InlineData("Feb  5 14:34:10 sshd[10]: " + Failure, "2026-02-05T14:34:10Z", "collector-host", 10)]
    [InlineData("Feb  5 14:34:10 [sshd] " + Failure, "2026-02-05T14:34:10Z", "collector-host", null)]
    public void Should_read_time_host_and_program_of_every_syslog_flavour(string line, string utc, string host, int? pid)
    {
        var e = Single(line);
        Assert.Equal(DateTime.Parse(utc, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), e.Timestamp);
        Assert.Equal(DateTimeKind.Utc, e.Timestamp.Kind);
        Assert.Equal(host, e.Host.Name);
        Assert.Equal("sshd", e.Process!.Name);
        Assert.Equal(pid, e.Process.Pid);
        Assert.Equal("203.0.113.7", e.Source!.Address);
    }

    [Fact]
    public void Should_read_tai64n_stamps_as_daemontools_does()
    {
        // 2^62 + 10 + 1700000000 seconds, 500 ms
        var e = Single("@400000006553f10a1dcd6500 imap-login: Info: Aborted login (auth failed, 1 attempts): user=<x>, method=PLAIN, rip=203.0.113.40, lip=192.0.2.1");
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(1_700_000_000).AddMilliseconds(500), e.Timestamp);
    }

    [Fact]
    public void Should_give_lines_without_time_the_time_of_the_line_before()
    {
        var events = Lines(
            "Feb  5 14:34:10 web-01 sshd[10]: " + Failure,
            "web-01 sshd[11]: " + Failure);
        Assert.Equal(events[0].Timestamp, events[1].Timestamp);
        Assert.Equal(11, events[1].Process!.Pid);
    }

    [Fact]
    public void Should_move_to_the_next_year_when_december_turns_into_january()
    {
        var events = Lines(
            "Dec 31 23:59:58 web-01 sshd[10]: " + Failure,
            "Jan  1 00:00:01 web-01 sshd[10]: " + Failure);
        Assert.Equal(2026, events[0].Timestamp.Year);
        Assert.Equal(2027, events[1].Timestamp.Year);
    }

    [Fact]
    public void Should_infer_the_year_from_the_reference_time_when_none_is_given()
    {
        // Reference is 21 Nov 2026: a December line cannot be from the future, so it is December 2025.
        var e = ParseHelper.Text("Dec 30 10:00:00 web-01 sshd[10]: " + Failure + "\n", year: null).Single();
        Assert.Equal(new DateTime(2025, 12, 30, 10, 0, 0, DateTimeKind.Utc), e.Timestamp);
        var november = ParseHelper.Text("Nov 20 10:00:00 web-01 sshd[10]: " + Failure + "\n", year: null).Single();
        Assert.Equal(2026, november.Timestamp.Year);
    }

    [Fact]
    public void Should_place_29_february_in_a_leap_year()
    {
        var e = ParseHelper.Text("Feb 29 10:00:00 web-01 sshd[10]: " + Failure + "\n", year: 2026).Single();
        Assert.Equal(new DateTime(2024, 2, 29, 10, 0, 0, DateTimeKind.Utc), e.Timestamp);
    }

    [Fact]
    public void Should_convert_zone_less_stamps_from_the_configured_time_zone()
    {
        var sofia = TimeZoneInfo.FindSystemTimeZoneById("Europe/Sofia");
        var winter = ParseHelper.Text("Jan 10 12:00:00 web-01 sshd[10]: " + Failure + "\n", zone: sofia).Single();
        var summer = ParseHelper.Text("Jul 10 12:00:00 web-01 sshd[10]: " + Failure + "\n", zone: sofia).Single();
        Assert.Equal(10, winter.Timestamp.Hour);
        Assert.Equal(9, summer.Timestamp.Hour);
    }

    [Fact]
    public void Should_read_journal_json_entries()
    {
        var line = "{\"__CURSOR\":\"s=1;i=2\",\"__REALTIME_TIMESTAMP\":\"1767225600000000\",\"_HOSTNAME\":\"db-01\",\"SYSLOG_IDENTIFIER\":\"sshd-session\",\"_PID\":\"3210\",\"MESSAGE\":\"Failed password for invalid user \\\"q\\\" from 203.0.113.50 port 4242 ssh2\"}";
        var e = Single(line);
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), e.Timestamp);
        Assert.Equal("db-01", e.Host.Name);
        Assert.Equal("sshd-session", e.Process!.Name);
        Assert.Equal(3210, e.Process.Pid);
        Assert.Equal("\"q\"", e.User!.Name);
        Assert.Equal("203.0.113.50", e.Source!.Address);
    }

    [Fact]
    public void Should_read_a_journal_message_logged_as_bytes()
    {
        var message = Encoding.UTF8.GetBytes("Invalid user caf\u00e9 from 203.0.113.51 port 1");
        var line = "{\"__REALTIME_TIMESTAMP\":\"1767225600000000\",\"_HOSTNAME\":\"db-01\",\"SYSLOG_IDENTIFIER\":\"sshd\",\"MESSAGE\":["
                   + string.Join(',', message) + "]}";
        var e = Single(line);
        Assert.Equal("caf\u00e9", e.User!.Name);
    }

    [Fact]
    public void Should_accept_crlf_line_ends()
    {
        var e = ParseHelper.Text("Feb  5 14:34:10 web-01 sshd[10]: " + Failure + "\r\n").Single();
        Assert.Equal("root", e.User!.Name);
        Assert.Equal(22, e.Source!.Port);
    }

    [Fact]
    public void Should_parse_lines_with_invalid_utf8_and_count_them_as_garbled()
    {
        var bytes = Encoding.ASCII.GetBytes("Feb  5 14:34:10 web-01 sshd[10]: Invalid user ab")
            .Concat(new byte[] { 0xC3, 0x28, 0x00 })
            .Concat(Encoding.ASCII.GetBytes(" from 203.0.113.8 port 5\n")).ToArray();
        var (events, stats) = ParseHelper.Bytes(bytes);
        var e = Assert.Single(events);
        Assert.Equal("ab\uFFFD(\0", e.User!.Name);
        Assert.Equal(1, stats.Garbled);
    }

    [Fact]
    public void Should_count_lines_without_a_recognisable_shape_and_go_on()
    {
        var (events, stats) = ParseHelper.Bytes(Encoding.UTF8.GetBytes("<999>garbage\n\nFeb 31 10:00:00 web-01 sshd[1]: " + Failure + "\nFeb  5 14:34:10 web-01 sshd[10]: " + Failure + "\n"));
        Assert.Single(events);
        Assert.Equal(2, stats.Unframed);
        Assert.Equal(4, stats.Lines);
    }

    [Fact]
    public void Should_skip_a_line_longer_than_the_limit_as_oversize()
    {
        var parser = new LogParser(Options(), _ => Assert.Fail("no event expected"));
        parser.ParseLine(new byte[FieldLimits.Line + 1], 0);
        Assert.Equal(1, parser.Stats.Oversize);
    }

    [Fact]
    public void Should_cap_every_field_an_attacker_can_fill()
    {
        var longUser = new string('u', 5000);
        var e = Single("Feb  5 14:34:10 web-01 sshd[10]: Invalid user " + longUser + " from 203.0.113.9 port 1");
        Assert.Equal(FieldLimits.UserName, e.User!.Name.Length);
        var withOriginal = ParseHelper.Text("Feb  5 14:34:10 web-01 sshd[10]: Invalid user " + new string('v', 20_000) + " from 203.0.113.9 port 1\n", original: true).Single();
        Assert.Equal(FieldLimits.Original, withOriginal.Event.Original!.Length);
    }
}
