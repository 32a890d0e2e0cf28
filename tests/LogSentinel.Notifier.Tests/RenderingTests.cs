using LogSentinel.Notifier.Rendering;
using static LogSentinel.Notifier.Tests.Samples;

namespace LogSentinel.Notifier.Tests;

/// <summary>The pure renderer: what the seed's email shows, colours per country, and nothing a log line wrote runs or breaks a header.</summary>
public sealed class RenderingTests
{
    private static readonly NotificationRenderer Renderer = new("BG", ["RU", "CN", "BR"]);

    [Fact]
    public void Should_write_the_seed_subject_and_both_parts()
    {
        var email = Renderer.Render(Analysis());
        Assert.Equal("[CRITICAL] deb-mail-01: SSH brute force from 203.0.113.45 (CN) — risk 9/10", email.Subject);
        Assert.Contains("Brute force against root from 203.0.113.45.", email.Html, StringComparison.Ordinal);
        Assert.Contains("203.0.113.45 | CN | root | sshd | 37 | failed | ssh-brute-force", email.Text, StringComparison.Ordinal);
        Assert.Contains("Block 203.0.113.45 &amp; check sshd_config.", email.Html, StringComparison.Ordinal);
        Assert.Contains("AI model gpt-4o-mini", email.Html, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("BG", CountryColours.Home)]
    [InlineData("CN", CountryColours.Watched)]
    [InlineData("DE", CountryColours.Other)]
    [InlineData(null, CountryColours.Unknown)]
    public void Should_colour_each_country_cell(string? country, string colour)
    {
        var html = Renderer.Render(Analysis()).Html;
        var cell = $"background:{colour};color:#ffffff;font-weight:bold\">{country ?? "?"}</td>";
        Assert.Contains(cell, html, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_colour_with_the_configured_home_and_watch_list()
    {
        var renderer = new NotificationRenderer("DE", ["BG"]);
        var html = renderer.Render(Analysis()).Html;
        Assert.Contains($"background:{CountryColours.Home};color:#ffffff;font-weight:bold\">DE</td>", html, StringComparison.Ordinal);
        Assert.Contains($"background:{CountryColours.Watched};color:#ffffff;font-weight:bold\">BG</td>", html, StringComparison.Ordinal);
        Assert.Contains($"background:{CountryColours.Other};color:#ffffff;font-weight:bold\">CN</td>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_show_a_hostile_username_as_text()
    {
        var email = Renderer.Render(Analysis(user: HostileUser));
        Assert.DoesNotContain("<img", email.Html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", email.Html, StringComparison.Ordinal);
        Assert.Contains(HostileUser, email.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_keep_a_subject_on_one_line_and_short_whatever_the_log_said()
    {
        var alert = Alert(offender: "203.0.113.45\r\nBcc: victim@example.org", description: "x" + new string('y', 500));
        var email = Renderer.Render(alert);
        Assert.DoesNotContain('\r', email.Subject);
        Assert.DoesNotContain('\n', email.Subject);
        Assert.True(email.Subject.Length <= 200, email.Subject.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Should_render_an_alert_with_its_offender_count_and_coloured_country()
    {
        var email = Renderer.Render(Alert());
        Assert.Equal("[HIGH] deb-mail-01: SSH brute force — 203.0.113.45 (CN), 12 events", email.Subject);
        Assert.Contains($"background:{CountryColours.Watched};color:#ffffff;font-weight:bold\">CN</td>", email.Html, StringComparison.Ordinal);
        Assert.Contains("Offender: 203.0.113.45", email.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_group_a_digest_by_what_and_who_with_counts_and_first_and_last_seen()
    {
        var entries = new List<DigestEntry>
        {
            new("SSH brute force", "203.0.113.45", "high", "web-01", "CN", T0),
            new("SSH brute force", "203.0.113.45", "high", "web-02", "CN", T0.AddMinutes(5)),
            new("Password spray", "198.51.100.7", "critical", "web-01", "RU", T0.AddMinutes(1)),
        };
        var digest = Renderer.RenderDigest(entries);
        Assert.Equal("[DIGEST] 3 notifications held back (2 groups), most severe CRITICAL", digest.Subject);
        Assert.Contains("critical | Password spray | 198.51.100.7 | RU | web-01 | 1 |", digest.Text, StringComparison.Ordinal);
        Assert.Contains("high | SSH brute force | 203.0.113.45 | CN | web-01, web-02 | 2 | 2026-02-24 10:00:00Z | 2026-02-24 10:05:00Z", digest.Text, StringComparison.Ordinal);
        Assert.True(digest.Text.IndexOf("Password spray", StringComparison.Ordinal) < digest.Text.IndexOf("SSH brute force", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_render_a_report_with_every_alert_the_riskiest_analyses_and_a_count_of_the_rest()
    {
        var alerts = new[] { Alert("x1", "critical", "<b>evil</b>") with { Country = "CN" }, Alert("x2", "medium", "198.51.100.9") with { Country = "BG" } };
        var analyses = Enumerable.Range(0, 700).Select(i => Analysis("w" + i, "warning", risk: i % 10) with
        {
            Aggregate = Analysis().Aggregate with { TimeWindow = $"2026-02-24T{i / 60:00}:{i % 60:00}:00Z/+15m" },
        }).ToList();
        var scope = new ReportScope(["/var/log/auth.log"], 1000, 900, T0);

        var html = Renderer.RenderReport(scope, alerts, analyses, analysed: 5000);

        Assert.Contains("LogSentinel report: 2 alerts, 5000 windows analysed", html, StringComparison.Ordinal);
        Assert.Contains($"background:{CountryColours.Watched};color:#ffffff;font-weight:bold\">CN</td>", html, StringComparison.Ordinal);
        Assert.Contains($"background:{CountryColours.Home};color:#ffffff;font-weight:bold\">BG</td>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;b&gt;evil&lt;/b&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>evil", html, StringComparison.Ordinal);
        // The critical alert before the medium one; 50 analyses in full (the riskiest: 9/10), then 500 lines.
        Assert.True(html.IndexOf("&lt;b&gt;evil", StringComparison.Ordinal) < html.IndexOf("198.51.100.9", StringComparison.Ordinal));
        Assert.Equal(NotificationRenderer.ReportedAnalyses, html.Split("<section").Length - 1);
        Assert.DoesNotContain("risk 8/10</h2>", html.Split("<h3>4950 more windows</h3>")[0], StringComparison.Ordinal);
        Assert.Contains("…and 4450 less risky windows, not listed.", html, StringComparison.Ordinal);
    }
}
