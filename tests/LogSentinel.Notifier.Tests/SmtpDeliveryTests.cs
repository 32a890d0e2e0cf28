using LogSentinel.Notifier.Rendering;
using static LogSentinel.Notifier.Tests.Samples;

namespace LogSentinel.Notifier.Tests;

/// <summary>Emails as a real SMTP server (aiosmtpd) receives them, decoded by Python's email package.</summary>
public sealed class SmtpDeliveryTests
{
    [Fact]
    public async Task Should_deliver_a_multipart_email_with_the_subject_both_parts_and_coloured_countries()
    {
        using var smtp = SmtpServer.Start();
        using var dispatcher = Build.Dispatcher(Build.Options(smtp.Port));

        await dispatcher.HandleAsync(Analysis(user: HostileUser), CancellationToken.None);

        var mails = smtp.WaitFor(2);
        Assert.Equal(["oncall@example.org", "security@example.org"], mails.Select(m => m.RcptTo).Order());
        var mail = mails.Single(m => m.RcptTo == "oncall@example.org");
        Assert.Equal("[CRITICAL] deb-mail-01: SSH brute force from 203.0.113.45 (CN) — risk 9/10", mail.Subject);
        Assert.Equal("multipart/alternative", mail.ContentType);
        Assert.Equal(["oncall@example.org"], mail.To);
        Assert.Equal(Policy.NotificationDispatcher.MessageId("analysis:a1", "oncall@example.org"), mail.MessageId);
        Assert.Contains("logsentinel@example.org", mail.From, StringComparison.Ordinal);
        Assert.Contains("203.0.113.45 | CN | " + HostileUser + " | sshd | 37 | failed", mail.Text, StringComparison.Ordinal);
        Assert.Contains($"background:{CountryColours.Watched};color:#ffffff;font-weight:bold\">CN</td>", mail.Html, StringComparison.Ordinal);
        Assert.Contains($"background:{CountryColours.Home};color:#ffffff;font-weight:bold\">BG</td>", mail.Html, StringComparison.Ordinal);
        Assert.Contains($"background:{CountryColours.Other};color:#ffffff;font-weight:bold\">DE</td>", mail.Html, StringComparison.Ordinal);
        Assert.Contains($"background:{CountryColours.Unknown};color:#ffffff;font-weight:bold\">?</td>", mail.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", mail.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", mail.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_not_let_a_log_line_add_a_header()
    {
        using var smtp = SmtpServer.Start();
        using var dispatcher = Build.Dispatcher(Build.Options(smtp.Port));

        await dispatcher.HandleAsync(Alert(offender: "203.0.113.45\r\nBcc: victim@example.org"), CancellationToken.None);

        var mail = Assert.Single(smtp.WaitFor(1));
        Assert.Equal("security@example.org", mail.RcptTo);
        Assert.DoesNotContain(mail.Headers, h => h.Equals("Bcc", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("203.0.113.45Bcc: victim@example.org", mail.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_retry_while_the_smtp_server_is_briefly_down()
    {
        var port = SmtpServer.FreePort();
        using var smtp = new SmtpServer(port);
        using var dispatcher = Build.Dispatcher(Build.Options(port, configure: o =>
        {
            o.Smtp.MaxRetries = 6;
            o.Smtp.RetryDelay = TimeSpan.FromMilliseconds(300);
        }));
        var sending = dispatcher.HandleAsync(Alert(), CancellationToken.None);
        await Task.Delay(1500);
        Assert.False(sending.IsCompleted, "sent while nothing listened");
        smtp.Run();

        await sending;
        Assert.Single(smtp.WaitFor(1));
    }

    [Fact]
    public async Task Should_throw_when_the_server_stays_down_so_the_bus_keeps_the_message()
    {
        using var dispatcher = Build.Dispatcher(Build.Options(SmtpServer.FreePort(), configure: o =>
        {
            o.Smtp.MaxRetries = 1;
            o.Smtp.RetryDelay = TimeSpan.FromMilliseconds(50);
        }));
        await Assert.ThrowsAsync<System.Net.Mail.SmtpException>(() => dispatcher.HandleAsync(Alert(), CancellationToken.None));
    }
}
