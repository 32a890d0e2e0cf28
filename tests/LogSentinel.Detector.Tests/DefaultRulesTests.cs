using System.Collections.Concurrent;
using System.Net;
using LogSentinel.Contracts;
using LogSentinel.Detector.Offline;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Tests;

/// <summary>
/// The shipped default rules over the sample logs in samples/attacks and samples/benign (samples/README.md), each read
/// as it is (RFC 3164 stamps), with rsyslog's RFC 3339 stamps and as a journald export: every attack sample raises
/// exactly the alerts docs/rules.md ("The default rules") calls for, naming only its attackers, and every benign
/// look-alike raises nothing.
/// </summary>
public sealed class DefaultRulesTests : IClassFixture<DefaultRulesTests.SampleRuns>
{
    private const int Year = 2026;

    /// <summary>Who an alert is about (an address, an IPv6 /64, an account, "user|host" or a host) and the rules that must name it.</summary>
    private sealed record Attacker(string Offender, params string[] Rules);

    /// <summary>
    /// Each attack sample's attackers and the alerts they must raise. The low-and-slow rules name only attempts spread
    /// over time (10 minutes for four, 3 hours for ten): a fast attack is the short-window rules' to report.
    /// </summary>
    private static readonly Dictionary<string, Attacker[]> Attacks = new(StringComparer.Ordinal)
    {
        ["ssh-password-brute-force.log"] =
        [
            new("61.177.172.140", "ssh-brute-force", "ssh-brute-force-fast", "ssh-root-brute-force"),
            new("43.156.112.36", "ssh-brute-force", "ssh-invalid-user-enumeration"),
        ],
        ["ssh-key-only.log"] =
        [
            new("218.92.0.112", "ssh-brute-force", "ssh-brute-force-fast", "ssh-root-brute-force"),
            new("5.188.10.176", "ssh-brute-force", "ssh-invalid-user-enumeration", "password-spray"),
        ],
        ["ssh-ipv6-rotation.log"] =
        [
            new("2a0a:4cc0:100:12::/64", "ssh-brute-force", "ssh-brute-force-fast", "ssh-root-brute-force"),
        ],
        ["ssh-preauth-exploitation.log"] =
        [
            new("193.32.162.84", "ssh-preauth-exploitation"),
            new("92.118.39.62", "ssh-preauth-exploitation"),
        ],
        ["ssh-probing.log"] =
        [
            new("167.94.138.120", "ssh-preauth-probing"),
            new("218.92.0.190", "ssh-preauth-probing"),
            new("80.94.95.206", "ssh-refused-connection"),
        ],
        ["ssh-root-login.log"] =
        [
            new("179.43.180.106|mx1", "ssh-root-login"),
        ],
        ["mail-brute-force.log"] =
        [
            new("222.186.42.7", "mail-brute-force", "mail-auth-burst"),
            new("36.99.136.129", "mail-brute-force"),
            new("45.148.10.95", "mail-brute-force"),
        ],
        ["mail-sasl-burst.log"] =
        [
            new("80.94.95.15", "mail-auth-burst"),
            new("195.178.110.24", "mail-auth-burst"),
        ],
        ["mail-bait-accounts.log"] =
        [
            .. new[]
            {
                "183.81.169.238", "176.111.174.85", "212.70.149.150", "78.128.113.34", "89.248.165.74", "194.165.16.11",
                "46.148.40.10", "103.56.61.132", "114.35.1.1", "190.14.33.12", "181.49.55.1", "45.227.254.8",
            }.Select(ip => new Attacker(ip, "mail-bait-account")),
        ],
        ["smtp-abuse.log"] =
        [
            new("200.160.2.77", "smtp-relay-probing"),
            new("5.181.80.121", "smtp-helo-rejected"),
            new("62.210.13.58", "smtp-recipient-harvest", "smtp-rejects"),
            new("185.220.101.33", "smtp-blocklisted-client"),
            new("171.25.193.20", "smtp-non-smtp-command"),
            new("39.109.116.167", "smtp-client-abuse"),
        ],
        ["low-and-slow-ssh.log"] =
        [
            new("141.98.11.27", "slow-brute-force"),
            new("103.145.13.55", "slow-brute-force-daily"),
        ],
        ["low-and-slow-imap.log"] =
        [
            new("116.31.116.52", "slow-brute-force"),
        ],
        ["password-spray.log"] =
        [
            new("92.255.85.37", "password-spray", "slow-brute-force"),
        ],
        ["distributed-attack.log"] =
        [
            new("anna@example.org", "distributed-attack-on-account"),
        ],
        ["guessed-password-ssh.log"] =
        [
            new("196.251.70.1", "login-after-failures", "ssh-brute-force"),
        ],
        ["guessed-password-imap.log"] =
        [
            new("185.165.190.17", "login-after-failures", "mail-brute-force"),
        ],
        ["new-country.log"] =
        [
            new("paul@example.org", "login-from-new-country"),
        ],
        ["impossible-travel.log"] =
        [
            new("erin@example.org", "impossible-travel"),
        ],
        ["fleet-wide-attack.log"] =
        [
            new("193.201.9.156", "fleet-wide-attack"),
        ],
        ["fail2ban-recidive.log"] =
        [
            new("141.98.11.27", "fail2ban-recidive"),
        ],
        ["local-privilege.log"] =
        [
            new("mallory|mx1", "sudo-not-allowed"),
            new("zbadguy|mx1", "sudo-password-failures", "account-locked"),
            new("bob|mx1", "su-failures"),
            new("bob|mx1", "polkit-failures"),
            new("www-data|mx1", "pkexec-exploit"),
            new("root|mx1", "account-locked"),
        ],
    };

    /// <summary>Default rules no sample raises, and why.</summary>
    private static readonly Dictionary<string, string> NotSampled = new(StringComparer.Ordinal)
    {
        ["host-under-attack"] = "500 failed attempts in 10 minutes are far more than a small sample holds",
    };

    private static string SamplesFolder => Path.Combine(Repository.Root, "samples");

    private static string Sample(string kind, string file) => Path.Combine(SamplesFolder, kind, file);

    public static TheoryData<string, string> AttackSamples() => Each(Attacks.Keys);

    public static TheoryData<string, string> BenignSamples() => Each(BenignFiles);

    public static TheoryData<string, string> AllSamples() =>
        Each([.. Attacks.Keys.Select(f => "attacks/" + f), .. BenignFiles.Select(f => "benign/" + f)]);

    private static IEnumerable<string> BenignFiles =>
        Directory.EnumerateFiles(Path.Combine(SamplesFolder, "benign"), "*.log").Select(f => Path.GetFileName(f));

    private static TheoryData<string, string> Each(IEnumerable<string> files)
    {
        var data = new TheoryData<string, string>();
        foreach (var file in files.Order(StringComparer.Ordinal))
            foreach (var format in SampleFormats.All)
                data.Add(file, format);
        return data;
    }

    /// <summary>Each sample in each format, converted into a temporary folder and run once through the default rules.</summary>
    public sealed class SampleRuns : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ls-samples-");
        private readonly ConcurrentDictionary<(string Path, string Format), Lazy<RulesTestRun.Result>> _results = new();
        private readonly Lazy<RuleSet> _rules = new(() => RuleSetLoader.Load(Engine.DefaultRules));

        public RulesTestRun.Result Run(string sample, string format) =>
            _results.GetOrAdd((Path.GetFullPath(sample), format), key => new Lazy<RulesTestRun.Result>(() =>
            {
                var file = SampleFormats.Write(key.Path, key.Format, Year, _dir.FullName);
                var settings = new LogFileEvents.Settings { Year = Year, TimeZone = TimeZoneInfo.Utc, GeoIpDatabase = GeoIpDatabase.Path };
                return RulesTestRun.Run(_rules.Value, [file], settings);
            })).Value;

        public void Dispose() => _dir.Delete(recursive: true);
    }

    private readonly SampleRuns _runs;

    public DefaultRulesTests(SampleRuns runs) => _runs = runs;

    [Theory]
    [MemberData(nameof(AttackSamples))]
    public void Should_raise_exactly_the_alerts_an_attack_sample_calls_for(string sample, string format)
    {
        var alerts = _runs.Run(Sample("attacks", sample), format).Alerts;
        var expected = Attacks[sample].SelectMany(a => a.Rules.Select(rule => $"{rule} {a.Offender}")).ToHashSet(StringComparer.Ordinal);
        var raised = alerts.Select(a => $"{a.RuleId} {a.Offender}").ToHashSet(StringComparer.Ordinal);

        var missing = expected.Except(raised).Order(StringComparer.Ordinal).ToList();
        var unexpected = raised.Except(expected).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && unexpected.Count == 0,
            $"{sample} ({format})\nmissing: {string.Join(", ", missing)}\nunexpected: {string.Join(", ", unexpected)}\nraised:\n{Describe(alerts)}");
    }

    [Theory]
    [MemberData(nameof(AttackSamples))]
    public void Should_name_only_the_attackers_of_an_attack_sample(string sample, string format)
    {
        var attackers = Attacks[sample];
        var offenders = attackers.Select(a => a.Offender).ToHashSet(StringComparer.Ordinal);
        var networks = attackers
            .SelectMany(a => a.Offender.Split('|'))
            .Select(part => IpNetwork.TryParse(part, out var network, out _) ? network : null)
            .OfType<IpNetwork>()
            .ToList();

        var wrong = _runs.Run(Sample("attacks", sample), format).Alerts
            .Where(a => !offenders.Contains(a.Offender)
                        // An address-keyed alert lists the addresses it counted: each must be an attacker's.
                        || (a.Group.Keys.Any(k => k.StartsWith("source.ip", StringComparison.Ordinal))
                            && a.SourceIps.Any(ip => !networks.Any(n => n.Contains(IPAddress.Parse(ip))))))
            .ToList();

        Assert.True(wrong.Count == 0, $"{sample} ({format}): alerts about someone who is no attacker:\n{Describe(wrong)}");
    }

    [Theory]
    [MemberData(nameof(BenignSamples))]
    public void Should_raise_nothing_on_a_benign_look_alike(string sample, string format)
    {
        var alerts = _runs.Run(Sample("benign", sample), format).Alerts;

        Assert.True(alerts.Count == 0, $"{sample} ({format}) is benign, yet raised:\n{Describe(alerts)}");
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public void Should_read_every_line_of_a_sample_in_each_format(string sample, string format)
    {
        var path = Path.Combine(SamplesFolder, sample);
        var result = _runs.Run(path, format);

        Assert.Empty(result.UnreadableFiles);
        Assert.Equal(File.ReadLines(path).Count(), result.Lines);
        Assert.True(result.Events > 0, $"{sample} ({format}) yielded no event");
    }

    [Theory]
    [MemberData(nameof(AttackSamples))]
    public void Should_raise_the_same_alerts_from_each_stamp_style_and_the_journal(string sample, string format)
    {
        static string[] Keys(RulesTestRun.Result r) =>
            [.. r.Alerts.Select(a => $"{a.RuleId} {a.Offender} count={a.Count} {a.WindowStart:O}..{a.WindowEnd:O}").Order(StringComparer.Ordinal)];

        var path = Sample("attacks", sample);

        Assert.Equal(Keys(_runs.Run(path, SampleFormats.Rfc3164)), Keys(_runs.Run(path, format)));
    }

    [Fact]
    public void Should_have_expectations_for_exactly_the_attack_samples_on_disk()
    {
        var onDisk = Directory.EnumerateFiles(Path.Combine(SamplesFolder, "attacks"), "*.log").Select(f => Path.GetFileName(f)!).Order(StringComparer.Ordinal);

        Assert.Equal(Attacks.Keys.Order(StringComparer.Ordinal), onDisk);
        Assert.NotEmpty(BenignSamples());
    }

    [Fact]
    public void Should_have_an_attack_sample_for_every_default_rule()
    {
        var sampled = Attacks.Values.SelectMany(a => a).SelectMany(a => a.Rules).ToHashSet(StringComparer.Ordinal);
        var rules = RuleSetLoader.Load(Engine.DefaultRules).Rules.Select(r => r.Id).ToList();

        var unsampled = rules.Where(id => !sampled.Contains(id) && !NotSampled.ContainsKey(id)).ToList();
        Assert.True(unsampled.Count == 0, "default rules no sample raises: " + string.Join(", ", unsampled));
        Assert.All(NotSampled.Keys, id => Assert.Contains(id, rules));
        Assert.All(sampled, id => Assert.Contains(id, rules));
    }

    private static string Describe(IEnumerable<AlertRaised> alerts) =>
        string.Join('\n', alerts.Select(a =>
            $"  {a.RuleId} {a.Offender} count={a.Count} ips=[{string.Join(',', a.SourceIps.Take(4))}] users=[{string.Join(',', a.Users.Take(4))}] {a.WindowStart:MM-dd HH:mm:ss}..{a.WindowEnd:HH:mm:ss}"));
}
