using LogSentinel.Contracts;
using static LogSentinel.Parsing.Tests.ParseHelper;

namespace LogSentinel.Parsing.Tests;

/// <summary>
/// postfix's rejects told apart by postfix's own words (relay, unknown recipient, HELO, DNS blocklist), non-SMTP
/// commands and SASL mechanisms the server does not offer. Message shapes from postfix's smtpd.c, smtpd_check.c and
/// postscreen; the client's ITEM in "&lt;...&gt;" and the envelope after the reply are the client's words.
/// </summary>
public class PostfixAbuseTests
{
    [Theory]
    [InlineData("postfix/smtpd[2634]: warning: non-SMTP command from unknown[192.0.2.7]: GET / HTTP/1.1", "GET / HTTP/1.1", null)]
    [InlineData("postfix/submission/smtpd[2634]: warning: non-SMTP command from scan.example.net[192.0.2.7]: CONNECT 10.0.0.1:25 HTTP/1.0", "CONNECT 10.0.0.1:25 HTTP/1.0", null)]
    [InlineData("postfix/smtpd[2634]: warning: non-SMTP command from unknown[192.0.2.7]:51234: GET /.env HTTP/1.1", "GET /.env HTTP/1.1", 51234)]
    [InlineData("postfix/postscreen[2701]: NON-SMTP COMMAND from [192.0.2.7]:51234 after CONNECT: GET / HTTP/1.1", "GET / HTTP/1.1", 51234)]
    [InlineData("postfix/postscreen[2701]: NON-SMTP COMMAND from [192.0.2.7]:51234 after RCPT: \\x16\\x03\\x01", "\\x16\\x03\\x01", 51234)]
    public void Should_report_a_non_smtp_command_with_its_text_as_the_reason(string message, string reason, int? port)
    {
        foreach (var line in InBothStamps("mx-01 " + message))
        {
            var e = Single(line);
            Assert.Equal(EventActions.SmtpNonSmtpCommand, e.Event.Action);
            Assert.Equal(EventOutcomes.Failure, e.Event.Outcome);
            Assert.Equal("192.0.2.7", e.Source?.Address);
            Assert.Equal(port, e.Source?.Port);
            Assert.Equal(reason, e.Event.Reason);
            Assert.Equal("smtp", e.Network?.Protocol);
            Assert.Equal("mail", e.Event.Dataset);
            Assert.False(e.Event.Attempt);
        }
    }

    [Fact]
    public void Should_cap_a_non_smtp_command_like_any_reason()
    {
        var e = Single("Mar  2 08:15:01 mx-01 postfix/smtpd[2634]: warning: non-SMTP command from unknown[192.0.2.7]: GET /" + new string('A', 5000) + " HTTP/1.1");
        Assert.Equal(FieldLimits.Reason, e.Event.Reason!.Length);
    }

    [Theory]
    [InlineData("NOQUEUE: reject: RCPT from unknown[192.0.2.7]: 454 4.7.1 <spam@example.net>: Relay access denied; from=<a@example.com> to=<spam@example.net> proto=ESMTP helo=<WIN-X>",
        EventActions.SmtpRelayDenied, "454 4.7.1 <spam@example.net>: Relay access denied")]
    [InlineData("4F1B2A3C4D: reject: RCPT from mail.example.net[192.0.2.7]: 550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table; from=<> to=<nobody@example.org> proto=ESMTP helo=<mail.example.net>",
        EventActions.SmtpRecipientUnknown, "550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table")]
    [InlineData("NOQUEUE: reject: RCPT from unknown[192.0.2.7]: 550 5.1.1 <admin@example.org>: Recipient address rejected: User unknown in virtual mailbox table; from=<x@y.example> to=<admin@example.org> proto=ESMTP helo=<x>",
        EventActions.SmtpRecipientUnknown, null)]
    [InlineData("NOQUEUE: reject: RCPT from unknown[192.0.2.7]: 450 4.1.1 <info@example.org>: Recipient address rejected: undeliverable address: host mail.example.org[192.0.2.99] said: 550 5.1.1 No such user (in reply to RCPT TO command); from=<x@y.example> to=<info@example.org> proto=ESMTP helo=<x>",
        EventActions.SmtpRecipientUnknown, null)]
    [InlineData("NOQUEUE: reject: VRFY from unknown[192.0.2.7]: 550 5.1.1 <root>: Recipient address rejected: User unknown in local recipient table; to=<root> proto=SMTP",
        EventActions.SmtpRecipientUnknown, null)]
    [InlineData("NOQUEUE: reject: RCPT from unknown[192.0.2.7]: 504 5.5.2 <WIN-6A0KEE6QVP5>: Helo command rejected: need fully-qualified hostname; from=<x@y.example> to=<u@example.org> proto=ESMTP helo=<WIN-6A0KEE6QVP5>",
        EventActions.SmtpHeloRejected, "504 5.5.2 <WIN-6A0KEE6QVP5>: Helo command rejected: need fully-qualified hostname")]
    [InlineData("NOQUEUE: reject: EHLO from unknown[192.0.2.7]: 504 5.5.2 <User>: Helo command rejected: need fully-qualified hostname; proto=SMTP helo=<User>",
        EventActions.SmtpHeloRejected, null)]
    [InlineData("NOQUEUE: reject: RCPT from unknown[192.0.2.7]: 554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.7; from=<x@y.example> to=<u@example.org> proto=ESMTP helo=<x>",
        EventActions.SmtpClientBlocklisted, "554 5.7.1 Service unavailable; Client host [192.0.2.7] blocked using zen.spamhaus.org; https://www.spamhaus.org/query/ip/192.0.2.7")]
    [InlineData("NOQUEUE: reject: RCPT from unknown[192.0.2.7]: 450 4.1.8 <x@nonexistent.example>: Sender address rejected: Domain not found; from=<x@nonexistent.example> to=<u@example.org> proto=ESMTP helo=<x>",
        EventActions.SmtpReject, "450 4.1.8 <x@nonexistent.example>: Sender address rejected: Domain not found")]
    [InlineData("NOQUEUE: reject: RCPT from unknown[192.0.2.7]: 450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.7]; from=<x@y.example> to=<u@example.org> proto=ESMTP helo=<x>",
        EventActions.SmtpReject, null)]
    [InlineData("NOQUEUE: reject: RCPT from unknown[192.0.2.7]: 554 5.7.1 <u@example.org>: Recipient address rejected: Access denied; from=<x@y.example> to=<u@example.org> proto=ESMTP helo=<x>",
        EventActions.SmtpReject, null)]
    [InlineData("7A2B3C4D5E: milter-reject: END-OF-MESSAGE from unknown[192.0.2.7]: 5.7.1 Spam message rejected; from=<s@x.example> to=<v@example.org> proto=ESMTP helo=<x>",
        EventActions.SmtpReject, "5.7.1 Spam message rejected")]
    public void Should_classify_smtpd_rejects_by_postfixs_own_text(string message, string action, string? reason)
    {
        foreach (var line in InBothStamps("mx-01 postfix/smtpd[2634]: " + message))
        {
            var e = Single(line);
            Assert.Equal(action, e.Event.Action);
            Assert.Equal(EventOutcomes.Failure, e.Event.Outcome);
            Assert.Equal("192.0.2.7", e.Source?.Address);
            Assert.Equal(EventActions.Catalogue[action].Category, e.Event.Category);
            if (reason is not null)
                Assert.Equal(reason, e.Event.Reason);
            Assert.False(e.Event.Attempt);
        }
    }

    [Theory]
    [InlineData("NOQUEUE: reject: RCPT from [192.0.2.7]:51234: 550 5.7.1 Service unavailable; client [192.0.2.7] blocked using zen.spamhaus.org; from=<x@y.example>, to=<u@example.org>, proto=ESMTP, helo=<x>", 51234, null)]
    [InlineData("DNSBL rank 3 for [192.0.2.7]:51234", 51234, "DNSBL rank 3")]
    [InlineData("DNSBL rank 12 for [2001:db8::7]:51234", 51234, "DNSBL rank 12")]
    public void Should_report_postscreens_blocklist_verdicts(string message, int port, string? reason)
    {
        foreach (var line in InBothStamps("mx-01 postfix/postscreen[2701]: " + message))
        {
            var e = Single(line);
            Assert.Equal(EventActions.SmtpClientBlocklisted, e.Event.Action);
            Assert.Equal(EventOutcomes.Failure, e.Event.Outcome);
            Assert.Equal(port, e.Source?.Port);
            if (reason is not null)
                Assert.Equal(reason, e.Event.Reason);
        }
    }

    [Theory]
    // The HELO name holds postfix's words, but not where postfix's text can stand: still the HELO reject it is.
    [InlineData("504 5.5.2 <evil>: Relay access denied>: Helo command rejected: need fully-qualified hostname; from=<x@y.example> to=<u@example.org> proto=ESMTP helo=<evil>: Relay access denied>", EventActions.SmtpHeloRejected)]
    // It imitates a whole relay reject: two classes are written where postfix's text may stand, so neither is believed.
    [InlineData("504 5.5.2 <evil>: Relay access denied; x>: Helo command rejected: need fully-qualified hostname; from=<x@y.example> to=<u@example.org> proto=ESMTP helo=<evil>: Relay access denied; x>", EventActions.SmtpReject)]
    // A quoted recipient that imitates a HELO reject cannot hide the relay attempt behind another class.
    [InlineData("454 4.7.1 <\"x>: Helo command rejected: y\"@example.net>: Relay access denied; from=<a@example.com> to=<\"x>: Helo command rejected: y\"@example.net> proto=ESMTP helo=<x>", EventActions.SmtpReject)]
    // A sender or a HELO name imitating another class in the envelope, after postfix's text, changes nothing.
    [InlineData("550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in local recipient table; from=<a>: Relay access denied; @example.com> to=<nobody@example.org> proto=ESMTP helo=<x>", EventActions.SmtpRecipientUnknown)]
    [InlineData("454 4.7.1 <spam@example.net>: Relay access denied; from=<a@example.com> to=<spam@example.net> proto=ESMTP helo=<x>: Helo command rejected: y>", EventActions.SmtpRelayDenied)]
    // A recipient holding what could be an envelope hides postfix's text: a plain reject, no class.
    [InlineData("454 4.7.1 <a; from=<b>@example.net>: Relay access denied; from=<a@example.com> to=<a; from=<b>@example.net> proto=ESMTP helo=<x>", EventActions.SmtpReject)]
    public void Should_never_let_the_clients_item_or_envelope_choose_the_class(string reply, string action)
    {
        var e = Single("Mar  2 08:15:01 mx-01 postfix/smtpd[2634]: NOQUEUE: reject: RCPT from unknown[192.0.2.7]: " + reply);
        Assert.Equal(action, e.Event.Action);
        Assert.Equal("192.0.2.7", e.Source?.Address);
    }

    [Fact]
    public void Should_keep_a_refused_sasl_mechanism_without_counting_an_attempt()
    {
        var events = Lines(
            "Mar  2 08:15:01 mx-01 postfix/smtpd[2634]: warning: host[192.0.2.5]: SASL CRAM-MD5 authentication failed: Invalid authentication mechanism",
            "2026-03-02T08:15:02.000001+00:00 mx-01 postfix/smtpd[2634]: warning: host[192.0.2.5]: SASL LOGIN authentication failed: UGFzc3dvcmQ6");

        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(EventActions.SmtpSaslAuthFailed, e.Event.Action));
        Assert.All(events, e => Assert.Equal(EventOutcomes.Failure, e.Event.Outcome));
        Assert.False(events[0].Event.Attempt);
        Assert.True(events[1].Event.Attempt);
    }

    [Fact]
    public void Should_read_postfix_abuse_from_the_journal()
    {
        var events = Lines(
            Journal("postfix/smtpd", 2634, "warning: non-SMTP command from unknown[192.0.2.7]: GET / HTTP/1.1", "mx-01"),
            Journal("postfix/smtpd", 2634, "NOQUEUE: reject: RCPT from unknown[192.0.2.7]: 554 5.7.1 <spam@example.net>: Relay access denied; from=<a@example.com> to=<spam@example.net> proto=ESMTP helo=<x>", "mx-01"),
            Journal("postfix/postscreen", 2701, "DNSBL rank 3 for [192.0.2.7]:51234", "mx-01"));

        Assert.Equal([EventActions.SmtpNonSmtpCommand, EventActions.SmtpRelayDenied, EventActions.SmtpClientBlocklisted], events.Select(e => e.Event.Action));
        Assert.All(events, e => Assert.Equal("192.0.2.7", e.Source?.Address));
        Assert.All(events, e => Assert.Equal("mx-01", e.Host.Name));
    }
}
