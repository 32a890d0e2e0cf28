using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Tests;

public class RuleLoadingTests
{
    private const string Valid = """
        rules:
          - id: ssh-fast
            description: fast
            severity: high
            type: threshold
            match: { action: ssh_login_failed }
            group_by: source.ip
            window: 30s
            threshold: 5
        """;

    private static RuleError SingleError(string yaml)
    {
        var e = Assert.Throws<RuleLoadException>(() => RuleSetLoader.LoadText(yaml, "r.yaml"));
        return Assert.Single(e.Errors);
    }

    [Fact]
    public void Should_load_the_shipped_default_rules_with_every_rule_type()
    {
        var rules = RuleSetLoader.Load(Engine.DefaultRules);

        Assert.True(rules.Rules.Count >= 12);
        foreach (var type in Enum.GetValues<RuleType>())
            Assert.Contains(rules.Rules, r => r.Type == type);
        Assert.Equal(["source", "user", "host"], rules.Dimensions);
        // The list: sshd jail, the seed's fast brute force, mail SASL, enumeration, spraying, fail->success,
        // root, fleet-wide and recidive.
        var sshd = rules.Rules.Single(r => r.Id == "ssh-brute-force");
        Assert.Equal((TimeSpan.FromMinutes(10), 5L), (sshd.Window, sshd.Threshold));
        var fast = rules.Rules.Single(r => r.Id == "ssh-brute-force-fast");
        Assert.Equal((TimeSpan.FromSeconds(30), 5L), (fast.Window, fast.Threshold));
        foreach (var id in new[] { "postfix-sasl-brute-force", "dovecot-brute-force", "ssh-invalid-user-enumeration", "password-spray", "login-after-failures", "ssh-root-brute-force", "fleet-wide-attack", "fail2ban-recidive" })
            Assert.Contains(rules.Rules, r => r.Id == id);
    }

    [Fact]
    public void Should_read_a_threshold_rule_with_its_window_and_default_cooldown()
    {
        var rule = Assert.Single(RuleSetLoader.LoadText(Valid).Rules);

        Assert.Equal(("ssh-fast", RuleType.Threshold, Severity.High), (rule.Id, rule.Type, rule.Severity));
        Assert.Equal(TimeSpan.FromSeconds(30), rule.Window);
        Assert.Equal(TimeSpan.FromHours(1), rule.Cooldown);
        Assert.Equal("source", rule.GroupBy.Dimension);
    }

    [Fact]
    public void Should_report_invalid_yaml_with_line_and_column()
    {
        var error = SingleError("rules:\n  - id: a\n    match: [unclosed\n");

        Assert.Equal("r.yaml", error.File);
        Assert.True(error.Line >= 3, error.ToString());
        Assert.Contains("not valid YAML", error.Message);
    }

    [Fact]
    public void Should_point_at_the_bad_window_value()
    {
        var error = SingleError(Valid.Replace("window: 30s", "window: 30 seconds"));

        Assert.Equal((8L, 13L), (error.Line, error.Column));
        Assert.Contains("rule 'ssh-fast': window: '30 seconds' is not a duration", error.Message);
    }

    [Fact]
    public void Should_reject_an_unknown_key_and_an_unknown_action_each_at_its_place()
    {
        var yaml = Valid.Replace("match: { action: ssh_login_failed }", "match: { action: ssh_login_faild }\n    windw: 1m");
        var e = Assert.Throws<RuleLoadException>(() => RuleSetLoader.LoadText(yaml, "r.yaml"));

        Assert.Contains(e.Errors, x => x.Line == 6 && x.Message.Contains("'ssh_login_faild' is not an event action"));
        Assert.Contains(e.Errors, x => x.Line == 7 && x.Column == 5 && x.Message.Contains("unknown rule key 'windw'"));
    }

    [Theory]
    [InlineData("type: threshold", "type: sequence", "missing 'then'")]
    [InlineData("type: threshold", "type: fleet", "")]
    [InlineData("group_by: source.ip", "group_by: source.ip/24", "only source.ip takes a prefix, an IPv6 prefix length from 48")]
    [InlineData("group_by: source.ip", "group_by: process.name", "'process.name' is not one of")]
    [InlineData("threshold: 5", "threshold: 0", "not a whole number from 1")]
    [InlineData("severity: high", "severity: severe", "'severe' is not one of low, medium, high, critical")]
    [InlineData("id: ssh-fast", "id: SSH Fast", "must be 1-64 characters")]
    public void Should_reject_invalid_rule_definitions(string from, string to, string message)
    {
        var yaml = Valid.Replace(from, to);
        if (message.Length == 0)
        {
            // A fleet rule counts hosts: it loads, with host.name as its field.
            Assert.Equal("host.name", Assert.Single(RuleSetLoader.LoadText(yaml).Rules).Field!.Name);
            return;
        }
        Assert.Contains(message, SingleError(yaml).Message);
    }

    [Fact]
    public void Should_reject_a_fleet_rule_grouped_by_host()
    {
        var yaml = Valid.Replace("type: threshold", "type: fleet").Replace("group_by: source.ip", "group_by: [source.ip, host.name]");

        Assert.Contains("a fleet rule counts hosts", SingleError(yaml).Message);
    }

    [Fact]
    public void Should_reject_a_rule_id_used_twice_across_the_files_of_a_folder()
    {
        var dir = Directory.CreateTempSubdirectory("ls-rules-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "a.yaml"), Valid);
            File.WriteAllText(Path.Combine(dir.FullName, "b.yml"), Valid);
            File.WriteAllText(Path.Combine(dir.FullName, "notes.txt"), "ignored");

            var e = Assert.Throws<RuleLoadException>(() => RuleSetLoader.Load(dir.FullName));

            var error = Assert.Single(e.Errors);
            Assert.EndsWith("b.yml", error.File);
            Assert.Contains("rule id 'ssh-fast' is already used at", error.Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Should_merge_allowlists_and_skip_disabled_rules()
    {
        var yaml = "allowlist: [10.0.0.0/8, '2001:db8::/32']\n" + Valid + "\n" + Valid.Replace("rules:\n", "").Replace("ssh-fast", "ssh-off") + "\n    enabled: false";

        var rules = RuleSetLoader.LoadText(yaml);

        Assert.Equal(2, rules.Allowlist.Count);
        Assert.Equal("ssh-fast", Assert.Single(rules.Rules).Id);
    }

    [Fact]
    public void Should_report_an_alias_that_refers_to_its_own_block_instead_of_recursing()
    {
        var yaml = Valid.Replace("match: { action: ssh_login_failed }", "match: &m { action: ssh_login_failed, not: *m }");

        var e = Assert.Throws<RuleLoadException>(() => RuleSetLoader.LoadText(yaml, "r.yaml"));

        Assert.Contains(e.Errors, x => x.Message.Contains("nested more than"));
    }

    [Theory]
    [InlineData("window: 99999999999d")]
    [InlineData("window: 9223372036854775807ms")]
    [InlineData("window: 10675199d10675199d")]
    public void Should_report_durations_too_large_to_represent(string window)
    {
        Assert.Contains("is not a duration", SingleError(Valid.Replace("window: 30s", window)).Message);
    }

    [Theory]
    [InlineData("rules: []\n", "no rule to run")]
    [InlineData("", "no rule to run")]
    [InlineData("rules: []\n---\nrules: []\n", "one YAML document")]
    public void Should_refuse_a_file_with_no_rules_or_with_several_documents(string yaml, string message)
    {
        var e = Assert.Throws<RuleLoadException>(() => RuleSetLoader.LoadText(yaml, "r.yaml"));

        Assert.Contains(e.Errors, x => x.Message.Contains(message));
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("10m", 600)]
    [InlineData("24h", 86400)]
    [InlineData("7d", 604800)]
    [InlineData("1h30m", 5400)]
    public void Should_parse_durations(string text, int seconds)
    {
        Assert.True(Durations.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("10")]
    [InlineData("10 m")]
    [InlineData("5w")]
    [InlineData("m")]
    public void Should_refuse_malformed_durations(string text) => Assert.False(Durations.TryParse(text, out _));
}
