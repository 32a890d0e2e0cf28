namespace LogSentinel.Cli.Tests;

/// <summary>`scan` with SMTP configured: the notifier is composed and mails the alerts, through a real SMTP server (aiosmtpd).</summary>
public sealed class ScanNotificationTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ls-scan-mail-");
    private readonly SmtpServer _smtp = SmtpServer.Start();

    public void Dispose()
    {
        _smtp.Dispose();
        _dir.Delete(recursive: true);
    }

    private (int Exit, string Out, string Err) Scan() =>
        CommandLine.RunIn(_dir.FullName, new Dictionary<string, string?>
        {
            ["Collector__GeoIp__Database"] = GeoIpDatabase.Path,
            ["Notifier__Smtp__Host"] = "127.0.0.1",
            ["Notifier__Smtp__Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Notifier__Smtp__StartTls"] = "false",
            ["Notifier__Smtp__From"] = "logsentinel@example.org",
            ["Notifier__Recipients__high__0"] = "ops@example.org",
            ["Notifier__Recipients__critical__0"] = "oncall@example.org",
            ["Notifier__StateDirectory"] = Path.Combine(_dir.FullName, "notifier"),
        }, "scan", "--year", "2026", "--timezone", "UTC", "--quiet", Repository.File("samples", "attack.log"));

    [Fact]
    public void Should_mail_the_alerts_by_severity_and_not_again_on_a_second_run()
    {
        var (exit, _, err) = Scan();

        Assert.True(exit == 1, err);
        var mails = _smtp.WaitFor(5);
        var critical = mails.Where(m => m.RcptTo.Contains("oncall@example.org", StringComparison.Ordinal)).Select(m => m.Subject).ToList();
        // The alert itself, and the analysis of its window (critical: a guessed password).
        Assert.Contains(critical, s => s.StartsWith("[CRITICAL] bastion: Successful login after repeated failed attempts", StringComparison.Ordinal) && s.Contains("46.4.86.12 (DE)", StringComparison.Ordinal));
        Assert.Contains(critical, s => s.StartsWith("[CRITICAL] bastion: ", StringComparison.Ordinal) && s.EndsWith("/10", StringComparison.Ordinal));
        var high = mails.Where(m => m.RcptTo.Contains("ops@example.org", StringComparison.Ordinal)).Select(m => m.Subject).ToList();
        Assert.Contains(high, s => s.StartsWith("[HIGH] bastion: Password spraying", StringComparison.Ordinal) && s.Contains("95.165.26.10 (RU)", StringComparison.Ordinal));
        Assert.Equal(3, high.Count(s => s.Contains("61.177.172.140 (CN)", StringComparison.Ordinal)));

        // The sent-log persists: scanning the same log again mails nothing new.
        var count = _smtp.Messages().Count;
        Assert.Equal(1, Scan().Exit);
        Thread.Sleep(500);
        Assert.Equal(count, _smtp.Messages().Count);
    }
}
