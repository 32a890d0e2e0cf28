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

        Assert.True(rules.Rules.Count >= 30);
        foreach (var type in Enum.GetValues<RuleType>())
            Assert.Contains(rules.Rules, r => r.Type == type);
        Assert.Equal(["source", "user", "host"], rules.Dimensions);
        // fail2ban's sshd jail (5 attempts in 10 minutes) and the seed's "more than 5 failed logins in 30 seconds".
        var sshd = rules.Rules.Single(r => r.Id == "ssh-brute-force");
        Assert.Equal((TimeSpan.FromMinutes(10), 5L), (sshd.Window, sshd.Threshold));
        var fast = rules.Rules.Single(r => r.Id == "ssh-brute-force-fast");
        Assert.Equal((TimeSpan.FromSeconds(30), 6L), (fast.Window, fast.Threshold));
        foreach (var id in new[] { "mail-brute-force", "mail-auth-burst", "mail-bait-account", "ssh-invalid-user-enumeration", "ssh-preauth-exploitation", "slow-brute-force", "password-spray", "login-after-failures", "ssh-root-brute-force", "impossible-travel", "fleet-wide-attack", "fail2ban-recidive", "pkexec-exploit", "account-locked" })
            Assert.Contains(rules.Rules, r => r.Id == id);
    }

    [Fact]
    public void Should_count_attempts_and_group_addresses_by_their_ipv6_64_in_every_address_rule_of_the_default_rules()
    {
        var rules = RuleSetLoader.Load(Engine.DefaultRules);

        var byAddress = rules.Rules.Where(r => r.GroupBy.Dimension == "source" && r.Id is not ("ssh-root-login" or "fail2ban-recidive")).ToArray();
        Assert.NotEmpty(byAddress);
        Assert.All(byAddress, r => Assert.Contains(r.GroupBy.Parts, p => p.V6Prefix == 64));
    }

    [Fact]
    public void Should_load_every_example_rule_of_the_documentation()
    {
        var doc = File.ReadAllText(Path.Combine(Repository.Root, "docs", "rules.md"));
        var examples = System.Text.RegularExpressions.Regex.Matches(doc, "```yaml\n(  - id:.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline)
            .Select(m => m.Groups[1].Value);

        var rules = RuleSetLoader.LoadText("rules:\n" + string.Join("\n", examples), "docs/rules.md");

        Assert.Contains(rules.Rules, r => r.Reset is not null);
        Assert.Contains(rules.Rules, r => r.Type == RuleType.ImpossibleTravel);
        Assert.True(rules.Rules.Count >= 9);
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
    [InlineData("match: { action: ssh_login_failed }", "match: { action: ssh_login_failed, attempt: yes }", "rule 'ssh-fast': match.attempt: expected true or false")]
    [InlineData("match: { action: ssh_login_failed }", "match: { attempt: [true, false] }", "match.attempt: expected true or false")]
    [InlineData("match: { action: ssh_login_failed }", "match: { user_local_part: [admin, 'postmaster@example.com'] }", "match.user_local_part: 'postmaster@example.com' holds '@'")]
    [InlineData("match: { action: ssh_login_failed }", "match: { user_local_part: [admin, ''] }", "match.user_local_part: expected a non-empty text")]
    [InlineData("match: { action: ssh_login_failed }", "match: { user_local_part: [] }", "match.user_local_part: the list is empty")]
    [InlineData("match: { action: ssh_login_failed }", "match: { action: ssh_login_failed, not: { attempt: maybe } }", "match.not.attempt: expected true or false")]
    [InlineData("threshold: 5", "threshold: 5\n    reset: { action: ssh_login_succeded }", "reset.action: 'ssh_login_succeded' is not an event action")]
    [InlineData("threshold: 5", "threshold: 5\n    speed: 900", "'speed' belongs to impossible_travel rules only")]
    [InlineData("threshold: 5", "threshold: 5\n    min_span: 30s", "min_span: '30s' must be shorter than the window (30s)")]
    [InlineData("type: threshold", "type: distinct\n    distinct: user.name\n    min_span: 10s", "'min_span' belongs to threshold rules only")]
    [InlineData("type: threshold", "type: impossible_travel", "an impossible_travel rule compares two logins: it has no 'threshold'")]
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

    [Theory]
    [InlineData("sequence\n    then: { action: ssh_login_succeeded }", "threshold: 5")]
    [InlineData("fleet", "threshold: 5")]
    [InlineData("impossible_travel", "")]
    public void Should_point_at_a_reset_block_on_a_rule_type_that_cannot_reset(string type, string threshold)
    {
        var yaml = Valid.Replace("type: threshold", "type: " + type).Replace("threshold: 5", threshold + "\n    reset: { action: ssh_login_succeeded }");

        var error = SingleError(yaml);

        Assert.Equal("rule 'ssh-fast': 'reset' belongs to threshold and distinct rules only", error.Message);
        Assert.Equal(yaml.Split('\n').ToList().FindIndex(l => l.Contains("reset:", StringComparison.Ordinal)) + 1, error.Line);
        Assert.Equal(12L, error.Column);
    }

    [Fact]
    public void Should_read_match_then_and_reset_conditions_on_attempt_and_local_part()
    {
        var yaml = Valid
            .Replace("match: { action: ssh_login_failed }", "match: { attempt: true, outcome: failure, user_local_part: [admin, Test] }")
            .Replace("threshold: 5", "threshold: 5\n    reset: { attempt: true, outcome: success, not: { attempt: false } }");

        var rule = Assert.Single(RuleSetLoader.LoadText(yaml).Rules);

        Assert.NotNull(rule.Reset);
        Assert.Null(rule.Match.Actions);
    }

    [Fact]
    public void Should_read_an_impossible_travel_rule_with_its_default_speed_and_cooldown()
    {
        const string travel = """
            rules:
              - id: travel
                description: impossible travel
                severity: high
                type: impossible_travel
                match: { attempt: true, outcome: success }
                group_by: user.name
                window: 12h
            """;

        var rule = Assert.Single(RuleSetLoader.LoadText(travel).Rules);
        var fast = Assert.Single(RuleSetLoader.LoadText(travel + "\n    speed: 850.5").Rules);

        Assert.Equal((RuleType.ImpossibleTravel, 1000d, 2L), (rule.Type, rule.Speed, rule.Threshold));
        Assert.Equal((TimeSpan.FromHours(12), TimeSpan.FromHours(12)), (rule.Window, rule.Cooldown));
        Assert.Equal("user", rule.GroupBy.Dimension);
        Assert.Equal(850.5, fast.Speed);
        Assert.Contains("missing 'window'", SingleError(travel.Replace("    window: 12h", "")).Message);
        var speed = SingleError(travel + "\n    speed: fast");
        Assert.Equal((9L, 12L), (speed.Line, speed.Column));
        Assert.Contains("speed: expected a speed in km/h from 1 to 100000", speed.Message);
        Assert.Contains("expected a speed", SingleError(travel + "\n    speed: 0").Message);
        Assert.Equal(TimeSpan.FromDays(30), Assert.Single(RuleSetLoader.LoadText(travel + "\n    lookback: 30d").Rules).LookBack);
        Assert.Contains("lookback: '1 day' is not a duration", SingleError(travel + "\n    lookback: 1 day").Message);
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
