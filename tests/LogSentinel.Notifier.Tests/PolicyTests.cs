using static LogSentinel.Notifier.Tests.Samples;

namespace LogSentinel.Notifier.Tests;

/// <summary>Who gets what, never twice, and never a flood: against a real SMTP server.</summary>
public sealed class PolicyTests
{
    [Fact]
    public async Task Should_never_send_the_same_alert_twice_even_across_a_restart()
    {
        using var smtp = SmtpServer.Start();
        var state = Directory.CreateTempSubdirectory("logsentinel-notifier-").FullName;
        using (var first = Build.Dispatcher(Build.Options(smtp.Port, state)))
        {
            await first.HandleAsync(Alert("same"), CancellationToken.None);
            await first.HandleAsync(Alert("same") with { Revision = 1, Count = 24 }, CancellationToken.None);
        }
        using (var restarted = Build.Dispatcher(Build.Options(smtp.Port, state)))
        {
            await restarted.HandleAsync(Alert("same"), CancellationToken.None);
            await restarted.HandleAsync(Alert("other"), CancellationToken.None);
        }
        var mails = smtp.WaitFor(2);
        await Task.Delay(300);
        Assert.Equal(2, smtp.Messages().Count);
        Assert.Equal(2, mails.Count);
    }

    [Fact]
    public async Task Should_route_by_severity_and_level_and_keep_quiet_below_the_thresholds()
    {
        using var smtp = SmtpServer.Start();
        using var dispatcher = Build.Dispatcher(Build.Options(smtp.Port));

        await dispatcher.HandleAsync(Alert("low", severity: "medium"), CancellationToken.None);
        await dispatcher.HandleAsync(Analysis("info", level: "info", risk: 3), CancellationToken.None);
        await dispatcher.HandleAsync(Analysis("warn", level: "warning", risk: 6), CancellationToken.None);
        await dispatcher.HandleAsync(Alert("crit", severity: "critical"), CancellationToken.None);

        var mails = smtp.WaitFor(3);
        Assert.StartsWith("[WARNING] deb-mail-01", mails.Single(m => m.Subject.StartsWith("[WARNING]", StringComparison.Ordinal)).Subject, StringComparison.Ordinal);
        Assert.Equal(["security@example.org"], mails.Single(m => m.Subject.StartsWith("[WARNING]", StringComparison.Ordinal)).To);
        await Task.Delay(300);
        mails = smtp.Messages();
        Assert.Equal(3, mails.Count);
        Assert.Equal(["oncall@example.org", "security@example.org"], mails.Where(m => m.Subject.StartsWith("[CRITICAL]", StringComparison.Ordinal)).Select(m => m.RcptTo).Order());
    }

    [Fact]
    public async Task Should_give_the_others_their_copy_when_one_recipient_is_refused_and_not_resend_it_on_retry()
    {
        using var smtp = SmtpServer.Start();
        using var dispatcher = Build.Dispatcher(Build.Options(smtp.Port, configure: o => o.Recipients["critical"] = ["bounce@example.org", "oncall@example.org"]));

        await Assert.ThrowsAsync<System.Net.Mail.SmtpFailedRecipientException>(() => dispatcher.HandleAsync(Alert(severity: "critical"), CancellationToken.None));
        await Assert.ThrowsAsync<System.Net.Mail.SmtpFailedRecipientException>(() => dispatcher.HandleAsync(Alert(severity: "critical"), CancellationToken.None));

        Assert.Equal("oncall@example.org", Assert.Single(smtp.WaitFor(1)).RcptTo);
        await Task.Delay(300);
        Assert.Single(smtp.Messages());
    }

    [Fact]
    public async Task Should_count_one_address_written_two_ways_as_one_recipient_across_a_restart()
    {
        using var smtp = SmtpServer.Start();
        var state = Directory.CreateTempSubdirectory("logsentinel-notifier-").FullName;
        void Configure(NotifierOptions o)
        {
            o.MaxEmailsPerHour = 1;
            o.Recipients["high"] = ["Security@Example.org"];
            o.Recipients["critical"] = ["security@example.org"];
        }
        using (var first = Build.Dispatcher(Build.Options(smtp.Port, state, Configure)))
            await first.HandleAsync(Alert("one"), CancellationToken.None);
        using (var restarted = Build.Dispatcher(Build.Options(smtp.Port, state, Configure)))
            await restarted.HandleAsync(Alert("two", severity: "critical"), CancellationToken.None);

        Assert.Single(smtp.WaitFor(1));
        await Task.Delay(300);
        Assert.Single(smtp.Messages());
    }

    [Fact]
    public async Task Should_skip_blank_recipients()
    {
        using var smtp = SmtpServer.Start();
        using var dispatcher = Build.Dispatcher(Build.Options(smtp.Port, configure: o => o.Recipients["critical"] = ["", "oncall@example.org", " "]));
        await dispatcher.HandleAsync(Alert(severity: "critical"), CancellationToken.None);
        Assert.Equal(["oncall@example.org"], Assert.Single(smtp.WaitFor(1)).To);
    }

    [Fact]
    public async Task Should_hold_back_past_the_hourly_limit_and_send_one_digest()
    {
        using var smtp = SmtpServer.Start();
        using var dispatcher = Build.Dispatcher(Build.Options(smtp.Port, configure: o =>
        {
            o.MaxEmailsPerHour = 2;
            o.DigestInterval = TimeSpan.FromSeconds(1);
        }));

        for (var i = 0; i < 5; i++)
            await dispatcher.HandleAsync(Alert($"storm-{i}", offender: i < 4 ? "203.0.113.45" : "198.51.100.9"), CancellationToken.None);
        Assert.Equal(2, smtp.WaitFor(2).Count);

        await dispatcher.SendDueDigestsAsync(CancellationToken.None);
        Assert.Equal(2, smtp.Messages().Count);
        await Task.Delay(1100);
        await dispatcher.SendDueDigestsAsync(CancellationToken.None);

        var digest = smtp.WaitFor(3)[2];
        Assert.Equal("[DIGEST] 3 notifications held back (2 groups), most severe HIGH", digest.Subject);
        Assert.Contains("high | SSH brute force | 203.0.113.45 | CN | deb-mail-01 | 2 |", digest.Text, StringComparison.Ordinal);
        Assert.Contains("high | SSH brute force | 198.51.100.9 | CN | deb-mail-01 | 1 |", digest.Text, StringComparison.Ordinal);
        await dispatcher.SendDueDigestsAsync(CancellationToken.None);
        Assert.Equal(3, smtp.Messages().Count);
    }
}
