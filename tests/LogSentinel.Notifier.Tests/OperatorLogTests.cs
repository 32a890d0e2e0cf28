using LogSentinel.Notifier.Policy;
using Microsoft.Extensions.Logging;
using static LogSentinel.Notifier.Tests.Samples;

namespace LogSentinel.Notifier.Tests;

/// <summary>What an operator reads in the notifier's log: one line per email sent, against a real SMTP server.</summary>
public sealed class OperatorLogTests : IDisposable
{
    private readonly LogCapture _capture = new();

    public void Dispose() => _capture.Dispose();

    private List<string> Lines() => [.. _capture.Of<NotificationDispatcher>().Where(e => e.Level == LogLevel.Information).Select(e => e.Message)];

    [Fact]
    public async Task Should_log_one_line_per_email_sent_with_recipient_subject_and_alert_id()
    {
        using var smtp = SmtpServer.Start();
        using var dispatcher = Build.Dispatcher(Build.Options(smtp.Port), logger: _capture.Logger<NotificationDispatcher>());

        await dispatcher.HandleAsync(Alert("crit-7", severity: "critical"), CancellationToken.None);
        // Already sent: no email, so no line.
        await dispatcher.HandleAsync(Alert("crit-7", severity: "critical"), CancellationToken.None);
        // Below the minimum severity: no email either.
        await dispatcher.HandleAsync(Alert("low-1", severity: "low"), CancellationToken.None);
        var mails = smtp.WaitFor(2);

        var subject = mails[0].Subject;
        Assert.Equal(
            [
                $"Emailed oncall@example.org: \"{subject}\" (alert:crit-7)",
                $"Emailed security@example.org: \"{subject}\" (alert:crit-7)",
            ],
            Lines().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Should_name_the_analysis_in_the_line_of_an_analysis_email()
    {
        using var smtp = SmtpServer.Start();
        using var dispatcher = Build.Dispatcher(Build.Options(smtp.Port), logger: _capture.Logger<NotificationDispatcher>());

        await dispatcher.HandleAsync(Analysis("an-3", level: "warning", risk: 6), CancellationToken.None);
        smtp.WaitFor(1);

        var line = Assert.Single(Lines());
        Assert.StartsWith("Emailed security@example.org: \"[WARNING] deb-mail-01:", line, StringComparison.Ordinal);
        Assert.EndsWith("(analysis:an-3)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_cap_a_subject_built_from_log_values_and_keep_the_line_one_line()
    {
        using var smtp = SmtpServer.Start();
        using var dispatcher = Build.Dispatcher(Build.Options(smtp.Port), logger: _capture.Logger<NotificationDispatcher>());
        // The offender and the description reach the subject; a log line can make them as long and odd as it likes.
        var offender = "root\r\nFAKE: forged log line " + new string('A', 5000);

        await dispatcher.HandleAsync(Alert("long-1", offender: offender, description: "SSH brute force\u202E" + new string('B', 3000)), CancellationToken.None);
        smtp.WaitFor(1);

        var line = Assert.Single(Lines());
        var logged = line[(line.IndexOf('"', StringComparison.Ordinal) + 1)..line.LastIndexOf('"')];
        Assert.True(logged.Length <= NotificationDispatcher.MaxLoggedSubject, $"{logged.Length} characters of subject logged");
        Assert.EndsWith("…", logged, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        Assert.DoesNotContain('\u202E', line);
        Assert.EndsWith("(alert:long-1)", line, StringComparison.Ordinal);
    }
}
