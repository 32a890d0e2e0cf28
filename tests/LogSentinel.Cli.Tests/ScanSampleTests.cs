using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using LogSentinel.Detector.Offline;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Cli.Tests;

/// <summary>
/// `logsentinel scan` end to end on the team's sample (samples/attack.log): a root brute force from China, a
/// password spray from Russia across ssh and imap, a deploy account guessed from Germany after five failures, and
/// an ordinary admin login from Bulgaria — through the real executable, with the real country database.
/// </summary>
public sealed partial class ScanSampleTests : IDisposable
{
    private static readonly string Sample = Repository.File("samples", "attack.log");

    private static readonly string[] OlderSample = ["auth.log", "mail.log", "fail2ban.log"];

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ls-scan-");

    public void Dispose() => _dir.Delete(recursive: true);

    private static Dictionary<string, string?> Settings() => new()
    {
        ["Collector__GeoIp__Database"] = GeoIpDatabase.Path,
    };

    private (int Exit, string Out, string Err) Scan(params string[] args) =>
        CommandLine.RunIn(_dir.FullName, Settings(), ["scan", "--year", "2026", "--timezone", "UTC", .. args]);

    private JsonElement[] Alerts(string? folder = null) =>
        [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(folder ?? _dir.FullName, "alerts.json"))).RootElement.EnumerateArray()];

    private static string Row(JsonElement a) =>
        $"{a.GetProperty("severity").GetString()} {a.GetProperty("rule_id").GetString()} {a.GetProperty("offender").GetString()} {a.GetProperty("country").GetString() ?? "-"} {a.GetProperty("count").GetInt64()}";

    [Fact]
    public void Should_write_exactly_the_expected_alerts_in_the_seed_shape()
    {
        var (exit, _, err) = Scan(Sample);

        Assert.True(exit == 1, err);
        var alerts = Alerts();
        Assert.Equal(
            [
                "critical login-after-failures 46.4.86.12 DE 5",
                "high password-spray 95.165.26.10 RU 12",
                "high ssh-brute-force 61.177.172.140 CN 8",
                "high ssh-brute-force-fast 61.177.172.140 CN 8",
                "high ssh-root-brute-force 61.177.172.140 CN 8",
                // The deploy account's guesser tried every four minutes: slow enough to count as low and slow too.
                "medium slow-brute-force 46.4.86.12 DE 5",
            ],
            alerts.Select(Row).Order(StringComparer.Ordinal));
        foreach (var field in new[] { "rule_id", "description", "severity", "offender", "count", "time_window_start", "time_window_end", "hosts", "users", "country" })
            Assert.All(alerts, a => Assert.True(a.TryGetProperty(field, out _), field));
        var spray = alerts.Single(a => a.GetProperty("rule_id").GetString() == "password-spray");
        Assert.Equal("2026-03-03T09:10:30Z", spray.GetProperty("time_window_start").GetString());
        Assert.Equal("2026-03-03T09:43:30Z", spray.GetProperty("time_window_end").GetString());
        Assert.Equal(12, spray.GetProperty("users").GetArrayLength());
        Assert.Equal(["bastion"], spray.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()));
    }

    [Fact]
    public void Should_colour_the_report_country_cells_home_green_watched_red_other_orange()
    {
        Assert.Equal(1, Scan(Sample).Exit);

        var html = File.ReadAllText(Path.Combine(_dir.FullName, "report.html"));
        var cells = CountryCell().Matches(html).Select(m => (Colour: m.Groups[1].Value, Country: m.Groups[2].Value)).Distinct().ToList();
        Assert.Contains(("#c62828", "CN"), cells);
        Assert.Contains(("#c62828", "RU"), cells);
        Assert.Contains(("#ef6c00", "DE"), cells);
        // alice's login from Bulgaria sits in the brute force's window: the home country, green.
        Assert.Contains(("#2e7d32", "BG"), cells);
        Assert.All(cells, c => Assert.Equal(c.Country switch { "CN" or "RU" => "#c62828", "DE" => "#ef6c00", "BG" => "#2e7d32", _ => "#757575" }, c.Colour));
        Assert.Contains("Successful login after repeated failed attempts", html);
    }

    [Fact]
    public void Should_raise_the_same_alerts_as_rules_test_on_the_same_file()
    {
        Assert.Equal(1, Scan(Sample).Exit);

        var offline = RulesTestRun.Run(RuleSetLoader.Load(CommandLine.DefaultRules), [Sample], new LogFileEvents.Settings { Year = 2026, TimeZone = TimeZoneInfo.Utc, GeoIpDatabase = GeoIpDatabase.Path });
        Assert.Equal(
            offline.Alerts.Select(a => $"{a.RuleId} {a.Offender} {a.Count} {a.WindowStart:O} {a.WindowEnd:O} {a.Country}").Order(StringComparer.Ordinal),
            Alerts().Select(a => $"{a.GetProperty("rule_id").GetString()} {a.GetProperty("offender").GetString()} {a.GetProperty("count").GetInt64()} "
                + $"{DateTime.Parse(a.GetProperty("time_window_start").GetString()!, null, System.Globalization.DateTimeStyles.AdjustToUniversal):O} "
                + $"{DateTime.Parse(a.GetProperty("time_window_end").GetString()!, null, System.Globalization.DateTimeStyles.AdjustToUniversal):O} {a.GetProperty("country").GetString()}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Should_merge_logs_and_rotations_in_time_order_into_the_same_alerts()
    {
        // The same events split the way a server keeps them: sshd in auth.log (older half rotated and compressed),
        // dovecot in mail.log. The spray only shows when both are read together in time order.
        var lines = File.ReadAllLines(Sample);
        var auth = lines.Where(l => !l.Contains(" dovecot: ", StringComparison.Ordinal)).ToArray();
        var logs = Directory.CreateDirectory(Path.Combine(_dir.FullName, "log")).FullName;
        // Rotation cuts between connections here: each file is parsed on its own, so a connection cut in two would
        // have its halves counted as two conversations (sshd's close after its last password is one of them).
        using (var gz = new GZipStream(File.Create(Path.Combine(logs, "auth.log.2.gz")), CompressionLevel.Fastest))
            gz.Write(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', auth[..11]) + "\n"));
        File.WriteAllLines(Path.Combine(logs, "auth.log.1"), auth[11..20]);
        File.WriteAllLines(Path.Combine(logs, "auth.log"), auth[20..]);
        File.WriteAllLines(Path.Combine(logs, "mail.log"), lines.Where(l => l.Contains(" dovecot: ", StringComparison.Ordinal)));
        var whole = Directory.CreateDirectory(Path.Combine(_dir.FullName, "whole")).FullName;
        Assert.Equal(1, Scan(Sample, "--out", whole).Exit);

        var split = Directory.CreateDirectory(Path.Combine(_dir.FullName, "split")).FullName;
        var (exit, _, err) = Scan(Path.Combine(logs, "mail.log"), Path.Combine(logs, "auth.log"), Path.Combine(logs, "auth.log.1"), Path.Combine(logs, "auth.log.2.gz"), "--out", split);

        Assert.True(exit == 1, err);
        Assert.Equal(Alerts(whole).Select(Row).Order(StringComparer.Ordinal), Alerts(split).Select(Row).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Should_print_a_json_summary_for_scripts_and_nothing_when_quiet()
    {
        var (exit, stdout, _) = Scan(Sample, "--json");

        Assert.Equal(1, exit);
        using var summary = JsonDocument.Parse(stdout);
        Assert.Equal(1, summary.RootElement.GetProperty("exit_code").GetInt32());
        Assert.Equal(6, summary.RootElement.GetProperty("alerts").GetInt32());
        Assert.Equal(1, summary.RootElement.GetProperty("alerts_by_severity").GetProperty("critical").GetInt32());
        Assert.Equal("61.177.172.140", summary.RootElement.GetProperty("top_offenders")[0].GetProperty("offender").GetString());
        Assert.Equal(Path.Combine(_dir.FullName, "alerts.json"), summary.RootElement.GetProperty("alerts_file").GetString());

        var quiet = Scan(Sample, "--quiet");
        Assert.Equal(1, quiet.Exit);
        Assert.Equal("", quiet.Out);
        Assert.Equal("", quiet.Err);
    }

    [Fact]
    public void Should_show_the_summary_tables_on_a_terminal_run()
    {
        var (exit, stdout, _) = Scan(Sample);

        Assert.Equal(1, exit);
        Assert.Contains("6 alerts", stdout);
        Assert.Contains("Top offending addresses", stdout);
        Assert.Contains("61.177.172.140", stdout);
        Assert.Contains("Top targeted users", stdout);
        Assert.Contains("bastion", stdout);
        Assert.Contains(Path.Combine(_dir.FullName, "report.html"), stdout);
    }

    [Theory]
    [InlineData("low", 1)]
    [InlineData("critical", 1)]
    public void Should_exit_1_when_an_alert_reaches_fail_on(string failOn, int expected) =>
        Assert.Equal(expected, Scan(Sample, "--quiet", "--fail-on", failOn).Exit);

    [Fact]
    public void Should_exit_0_when_no_alert_reaches_fail_on()
    {
        // The older sample: high and medium alerts, no critical one.
        var older = OlderSample.Select(f => Repository.File("samples", f)).ToArray();
        Assert.Equal(1, Scan([.. older, "--quiet"]).Exit);
        Assert.Equal(0, Scan([.. older, "--quiet", "--fail-on", "critical"]).Exit);
    }

    [Fact]
    public void Should_exit_0_with_empty_results_on_a_quiet_log()
    {
        var log = Path.Combine(_dir.FullName, "quiet.log");
        File.WriteAllLines(log, File.ReadAllLines(Sample).Where(l => l.Contains("CRON", StringComparison.Ordinal)));

        var (exit, _, err) = Scan(log, "--quiet");

        Assert.True(exit == 0, err);
        Assert.Empty(Alerts());
        Assert.Contains("No rule fired.", File.ReadAllText(Path.Combine(_dir.FullName, "report.html")));
    }

    [Fact]
    public void Should_exit_2_on_usage_and_input_errors_and_say_why()
    {
        var missing = Scan(Path.Combine(_dir.FullName, "nope.log"));
        Assert.Equal(2, missing.Exit);
        Assert.Contains("no such file", missing.Err);

        Assert.Equal(2, Scan(Sample, "--fail-on", "severe").Exit);
        Assert.Equal(2, Scan(Sample, "--no-such-option").Exit);

        var badRules = Path.Combine(_dir.FullName, "bad.yaml");
        File.WriteAllText(badRules, "rules:\n  - id: x\n    type: threshold\n");
        var rules = Scan(Sample, "--rules", badRules);
        Assert.Equal(2, rules.Exit);
        Assert.Contains("bad.yaml", rules.Err);
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "alerts.json")));

        var zone = CommandLine.RunIn(_dir.FullName, Settings(), "scan", "--timezone", "Mars/Olympus", Sample);
        Assert.Equal(2, zone.Exit);
        Assert.Contains("Mars/Olympus", zone.Err);

        var folder = Scan(_dir.FullName);
        Assert.Equal(2, folder.Exit);
        Assert.Contains("is a folder", folder.Err);

        // Settings the services refuse: one line saying which, no stack trace.
        var config = Path.Combine(_dir.FullName, "logsentinel.yaml");
        File.WriteAllText(config, "Notifier:\n  Smtp:\n    Host: mail.example.org\n    From: not-an-address\n");
        var refused = Scan(Sample, "--config", config);
        Assert.Equal(2, refused.Exit);
        Assert.Contains("Smtp:From 'not-an-address' is not an email address", refused.Err);
        Assert.DoesNotContain("   at ", refused.Err);
        File.WriteAllText(config, "Collector:\n  Files: [a\n  bad: : :\n");
        var broken = Scan(Sample, "--config", config);
        Assert.Equal(2, broken.Exit);
        Assert.Contains("logsentinel.yaml", broken.Err);
    }

    [Fact]
    public void Should_escape_attacker_written_text_in_the_report()
    {
        var log = Path.Combine(_dir.FullName, "hostile.log");
        var lines = File.ReadAllLines(Sample).ToList();
        for (var i = 0; i < 6; i++)
            lines.Add($"Mar  3 09:44:{10 + i:00} bastion sshd[{3600 + i}]: Failed password for invalid user <img src=x onerror=alert(1)> from 61.177.172.140 port {41000 + i} ssh2");
        File.WriteAllLines(log, lines);

        Assert.Equal(1, Scan(log, "--quiet").Exit);

        var html = File.ReadAllText(Path.Combine(_dir.FullName, "report.html"));
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html);
        Assert.DoesNotContain("<img", html);
        var users = Alerts().SelectMany(a => a.GetProperty("users").EnumerateArray().Select(u => u.GetString())).ToList();
        Assert.Contains("<img src=x onerror=alert(1)>", users);
    }

    [Fact]
    public void Should_report_failed_attempts_not_the_lines_beside_them_and_scans_as_probes()
    {
        var log = Path.Combine(_dir.FullName, "attempts.log");
        var lines = new List<string>();
        // Six passwords, each with pam_unix's line for it and the close of its connection: six failed logins.
        for (var i = 0; i < 6; i++)
        {
            var at = $"Mar  3 10:00:{10 + i * 5:00} bastion sshd[{4000 + i}]:";
            lines.Add($"{at} pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=203.0.113.45  user=root");
            lines.Add($"{at} Failed password for root from 203.0.113.45 port {42000 + i} ssh2");
            lines.Add($"{at} Connection closed by authenticating user root 203.0.113.45 port {42000 + i} [preauth]");
        }
        for (var i = 0; i < 3; i++)
            lines.Add($"Mar  3 10:01:{10 + i:00} bastion sshd[{4100 + i}]: Did not receive identification string from 192.0.2.9 port {5000 + i}");
        File.WriteAllLines(log, lines);

        Assert.Equal(1, Scan(log, "--quiet").Exit);

        var html = File.ReadAllText(Path.Combine(_dir.FullName, "report.html"));
        // The window's table: IP, Country, User, Service, Attempts, Status, Reason.
        var rows = TableRow().Matches(html)
            .Select(m => m.Groups[1].Captures.Select(c => c.Value).ToList())
            .Where(cells => cells.Count == 7)
            .Select(c => $"{c[0]} {c[2]} {c[3]} {c[4]} {c[5]}");
        Assert.Equal(["203.0.113.45 root sshd 6 failed", "192.0.2.9  sshd 3 probe"], rows);
        Assert.Contains("6 failed and 0 successful authentication attempts", html, StringComparison.Ordinal);
        Assert.Contains("No login attempted: 3 probes.", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("background:(#[0-9a-f]{6});color:#ffffff;font-weight:bold\">([A-Z?]{1,2})<")]
    private static partial Regex CountryCell();

    [GeneratedRegex("<tr>(?:<td[^>]*>([^<]*)</td>)+</tr>")]
    private static partial Regex TableRow();
}
