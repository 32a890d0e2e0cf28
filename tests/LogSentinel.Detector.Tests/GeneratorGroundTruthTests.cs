using System.Text.Json;
using LogSentinel.Contracts;
using LogSentinel.Detector.Offline;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Tests;

/// <summary>
/// The default rules over a realistic auth.log from ../shared/bench/gen_authlog.py, checked against the generator's
/// ground-truth sidecar: every attacker caught, no legitimate user's or background scanner's address named, and
/// every distributed campaign reported as an attack on its target accounts, not address by address.
/// </summary>
public sealed class GeneratorGroundTruthTests : IClassFixture<GeneratorGroundTruthTests.Corpus>
{
    public sealed class Corpus : IDisposable
    {
        public const int Lines = 200_000;

        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ls-gen-");

        public Corpus()
        {
            Log = AuthLogGenerator.Generate(_dir.FullName, Lines);
            Truth = JsonDocument.Parse(File.ReadAllText(Log + ".truth.json"));
            var geoip = Path.Combine(Repository.Root, ".cache", "geoip", "geo-whois-asn-country.mmdb");
            Result = RulesTestRun.Run(RuleSetLoader.Load(Engine.DefaultRules), [Log], new LogFileEvents.Settings
            {
                Year = Truth.RootElement.GetProperty("year").GetInt32(),
                TimeZone = TimeZoneInfo.Utc,
                GeoIpDatabase = File.Exists(geoip) ? geoip : null,
            });
        }

        public string Log { get; }
        public JsonDocument Truth { get; }
        public RulesTestRun.Result Result { get; }

        public void Dispose()
        {
            Truth.Dispose();
            _dir.Delete(recursive: true);
        }
    }

    private readonly Corpus _corpus;

    public GeneratorGroundTruthTests(Corpus corpus) => _corpus = corpus;

    private JsonElement[] Truth(string section) => [.. _corpus.Truth.RootElement.GetProperty(section).EnumerateArray()];

    private HashSet<string> NamedSources() =>
        _corpus.Result.Alerts.Where(a => a.Group.ContainsKey("source.ip")).Select(a => a.Group["source.ip"]).ToHashSet();

    [Fact]
    public void Should_catch_every_attacker_of_the_ground_truth()
    {
        var named = NamedSources();
        var attackers = Truth("attackers").Select(a => a.GetProperty("ip").GetString()!).ToArray();

        Assert.NotEmpty(attackers);
        Assert.All(attackers, ip => Assert.Contains(ip, named));
    }

    [Fact]
    public void Should_name_no_legitimate_user_and_no_background_address()
    {
        var attackers = Truth("attackers").Select(a => a.GetProperty("ip").GetString()!).ToHashSet();
        var legit = Truth("legit").Select(l => l.GetProperty("ip").GetString()!).ToHashSet();

        var named = NamedSources();

        Assert.Empty(named.Intersect(legit));
        // Everything named is an attacker: the thousands of background addresses with 1-3 failures are not.
        Assert.Empty(named.Except(attackers));
    }

    [Fact]
    public void Should_report_each_distributed_campaign_as_an_attack_on_its_accounts()
    {
        var accountAlerts = _corpus.Result.Alerts.Where(a => a.RuleId == "distributed-attack-on-account").ToArray();
        var campaigns = Truth("distributed_campaigns").ToArray();

        Assert.NotEmpty(campaigns);
        foreach (var campaign in campaigns)
        {
            var start = DateTime.SpecifyKind(campaign.GetProperty("start").GetDateTime(), DateTimeKind.Utc);
            var end = start.AddSeconds(campaign.GetProperty("duration_s").GetDouble());
            var hits = accountAlerts.Where(a => a.WindowStart <= end && a.WindowEnd >= start).ToArray();
            var targets = campaign.GetProperty("target_users").EnumerateArray().Select(u => u.GetString()!).ToArray();
            Assert.Contains(hits, a => targets.Contains(a.Offender));
            // A handful of alerts, one per targeted account, not one per address.
            Assert.InRange(hits.Length, 1, targets.Length + 1);
            Assert.All(hits, a => Assert.True(a.SourceIps.Count >= 10));
        }
    }

    [Fact]
    public void Should_match_the_sshd_jail_on_addresses_with_five_failures_in_ten_minutes()
    {
        var sshd = _corpus.Result.Alerts.Where(a => a.RuleId == "ssh-brute-force").Select(a => a.Offender).ToHashSet();
        var expected = Truth("attackers")
            .Where(a => a.GetProperty("service").GetString() == "ssh" && a.GetProperty("max_failures_600s").GetInt32() >= 5)
            .Select(a => a.GetProperty("ip").GetString()!)
            .ToArray();

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Order(), sshd.Order());
        Assert.Equal(Corpus.Lines, _corpus.Result.Lines);
        Assert.Contains(_corpus.Result.Alerts, a => a.Severity == "high" && a.RuleType == Rule.TypeName(RuleType.Threshold));
        Assert.All(_corpus.Result.Alerts, a => Assert.Equal(AlertEquality(a), a.AlertId));
    }

    private static string AlertEquality(AlertRaised a) => Evaluation.AlertIds.For(a.RuleId, a.Offender, a.WindowStart, a.SampleEventIds[0]);
}
