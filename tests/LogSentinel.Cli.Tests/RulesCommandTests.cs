using System.Text.Json;
using LogSentinel.Contracts;
using LogSentinel.Contracts.Json;

namespace LogSentinel.Cli.Tests;

/// <summary>`logsentinel rules check|test`: the detector's offline rule commands, run as the real executable.</summary>
public sealed class RulesCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ls-rules-cli-");

    public void Dispose() => _dir.Delete(recursive: true);

    /// <summary>A brute force with a success at the end, an enumeration, and an ordinary admin login.</summary>
    private string WriteAuthLog()
    {
        var lines = new List<string>();
        for (var i = 0; i < 6; i++)
            lines.Add($"Mar  2 08:01:{10 + i * 2:00} web-01 sshd[{900 + i}]: Failed password for deploy from 203.0.113.45 port {40000 + i} ssh2");
        lines.Add("Mar  2 08:01:30 web-01 sshd[910]: Accepted password for deploy from 203.0.113.45 port 40100 ssh2");
        string[] users = ["admin", "test", "oracle", "postgres", "git", "ubuntu"];
        for (var i = 0; i < users.Length; i++)
            lines.Add($"Mar  2 08:05:{i:00} web-01 sshd[{1000 + i}]: Invalid user {users[i]} from 198.51.100.77 port {50000 + i}");
        lines.Add("Mar  2 08:09:00 web-01 sshd[1100]: Accepted publickey for alice from 192.0.2.10 port 51000 ssh2: ED25519 SHA256:abc");
        var path = Path.Combine(_dir.FullName, "auth.log");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void Should_print_which_rules_fired_for_which_keys_and_exit_1()
    {
        var (exit, stdout, stderr) = CommandLine.Run("rules", "test", CommandLine.DefaultRules, WriteAuthLog(), "--year", "2026", "--timezone", "UTC");

        Assert.Equal(1, exit);
        Assert.Contains("critical  login-after-failures         203.0.113.45", stdout);
        Assert.Contains("ssh-brute-force-fast         203.0.113.45", stdout);
        Assert.Contains("ssh-invalid-user-enumeration 198.51.100.77", stdout);
        Assert.DoesNotContain("192.0.2.10", stdout);
        Assert.Contains("rules test: 14 lines", stderr);
    }

    [Fact]
    public void Should_print_the_alerts_as_json_for_scripts()
    {
        var (exit, stdout, _) = CommandLine.Run("rules", "test", CommandLine.DefaultRules, WriteAuthLog(), "--year", "2026", "--timezone", "UTC", "--json");

        Assert.Equal(1, exit);
        var alerts = JsonSerializer.Deserialize(stdout, ContractsJsonContext.Default.IReadOnlyListAlertRaised)!;
        var compromise = Assert.Single(alerts, a => a.RuleId == "login-after-failures");
        // The rule needs 5 failures before the success: the window starts at the 5th failure before it.
        Assert.Equal(("203.0.113.45", 5L, 6L), (compromise.Offender, compromise.Count, compromise.Events));
        Assert.Equal(new DateTime(2026, 3, 2, 8, 1, 12, DateTimeKind.Utc), compromise.WindowStart);
        Assert.All(alerts, a => Assert.True(a.Final));
    }

    [Fact]
    public void Should_exit_0_when_nothing_fires()
    {
        var path = Path.Combine(_dir.FullName, "quiet.log");
        File.WriteAllText(path, "Mar  2 08:09:00 web-01 sshd[1100]: Accepted publickey for alice from 192.0.2.10 port 51000 ssh2: ED25519 SHA256:abc\n");

        Assert.Equal(0, CommandLine.Run("rules", "test", CommandLine.DefaultRules, path, "--year", "2026").Exit);
    }

    [Fact]
    public void Should_reject_bad_rules_with_file_line_and_column_and_exit_2()
    {
        var rules = Path.Combine(_dir.FullName, "bad.yaml");
        File.WriteAllText(rules, "rules:\n  - id: x\n    description: d\n    severity: high\n    type: threshold\n    match: { action: ssh_login_failed }\n    group_by: source.ip\n    window: 5 minutes\n    threshold: 5\n");

        var check = CommandLine.Run("rules", "check", rules);
        var test = CommandLine.Run("rules", "test", rules, WriteAuthLog());

        Assert.Equal(2, check.Exit);
        Assert.Contains("bad.yaml:8:13: rule 'x': window: '5 minutes' is not a duration", check.Err);
        Assert.Equal(2, test.Exit);
        Assert.Contains("bad.yaml:8:13", test.Err);
        Assert.Matches(@"\b\d{2} rules OK", CommandLine.Run("rules", "check", CommandLine.DefaultRules).Out);
    }
}
