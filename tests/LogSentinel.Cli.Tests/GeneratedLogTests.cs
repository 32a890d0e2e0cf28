using System.Net;
using System.Text.Json;
using LogSentinel.Detector.Offline;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Cli.Tests;

/// <summary>
/// `logsentinel scan` on a 1,000,000-line auth.log from the shared generator (../shared/bench/gen_authlog.py, seed 1),
/// checked against its ground-truth sidecar: every injected attacker named (IPv6 ones by their /64), none of the
/// legitimate users' addresses anywhere in an alert, the background's thousands of addresses with 1-3 failures flagged
/// only by the one-shot mail rules (a bait mailbox, a burst of SMTP AUTH failures), and each distributed campaign
/// reported as an attack on its accounts (a handful of alerts, not one per address).
/// </summary>
public sealed class GeneratedLogTests(GeneratedLogTests.Scanned scanned) : IClassFixture<GeneratedLogTests.Scanned>
{
    public sealed class Scanned : IDisposable
    {
        public const int Lines = 1_000_000;

        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ls-scan-1m-");

        public Scanned()
        {
            var log = AuthLogGenerator.Generate(_dir.FullName, Lines);
            Truth = JsonDocument.Parse(File.ReadAllText(log + ".truth.json"));
            var year = Truth.RootElement.GetProperty("year").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);
            var (exit, stdout, stderr) = CommandLine.RunIn(_dir.FullName, new Dictionary<string, string?> { ["Collector__GeoIp__Database"] = GeoIpDatabase.Path },
                "scan", "--year", year, "--timezone", "UTC", "--json", log);
            Assert.True(exit == 1, stderr);
            Summary = JsonDocument.Parse(stdout);
            Alerts = [.. JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir.FullName, "alerts.json"))).RootElement.EnumerateArray()];
            Offline = RulesTestRun.Run(RuleSetLoader.Load(CommandLine.DefaultRules), [log], new LogFileEvents.Settings
            {
                Year = Truth.RootElement.GetProperty("year").GetInt32(),
                TimeZone = TimeZoneInfo.Utc,
                GeoIpDatabase = GeoIpDatabase.Path,
            }).Alerts;
        }

        /// <summary>The same file through `rules test`'s offline run (all events sorted, one engine).</summary>
        public IReadOnlyList<LogSentinel.Contracts.AlertRaised> Offline { get; }

        public JsonDocument Truth { get; }

        public JsonDocument Summary { get; }

        public JsonElement[] Alerts { get; }

        public void Dispose()
        {
            Truth.Dispose();
            Summary.Dispose();
            _dir.Delete(recursive: true);
        }
    }

    private JsonElement.ArrayEnumerator Truth(string name) => scanned.Truth.RootElement.GetProperty(name).EnumerateArray();

    private static string Text(JsonElement alert, string name) => alert.GetProperty(name).GetString()!;

    private static IEnumerable<string> Strings(JsonElement alert, string name) => alert.GetProperty(name).EnumerateArray().Select(e => e.GetString()!);

    [Fact]
    public void Should_read_every_line_and_name_every_attacker_of_the_ground_truth()
    {
        Assert.Equal(Scanned.Lines, scanned.Summary.RootElement.GetProperty("lines").GetInt64());
        Assert.Empty(scanned.Summary.RootElement.GetProperty("errors").EnumerateArray());
        var attackers = Truth("attackers").Select(a => a.GetProperty("ip").GetString()!).ToArray();

        Assert.Equal(16, attackers.Length);
        Assert.All(attackers, ip => Assert.Contains(scanned.Alerts, a => Offends(a, ip)));
    }

    [Fact]
    public void Should_raise_exactly_the_alerts_of_rules_test_on_the_same_file()
    {
        // One rule engine: the pipeline's partitioned, bus-delivered evaluation gives what sorting everything gives.
        Assert.Equal(
            scanned.Offline.Select(a => $"{a.RuleId} {a.Offender} {a.Count} {a.WindowStart:yyyy-MM-ddTHH:mm:ssZ} {a.WindowEnd:yyyy-MM-ddTHH:mm:ssZ}").Order(StringComparer.Ordinal),
            scanned.Alerts.Select(a => $"{Text(a, "rule_id")} {Text(a, "offender")} {a.GetProperty("count").GetInt64()} {Text(a, "time_window_start")} {Text(a, "time_window_end")}").Order(StringComparer.Ordinal));
    }

    /// <summary>The alert's offender is the address, or the IPv6 /64 it was counted under.</summary>
    private static bool Offends(JsonElement alert, string ip) =>
        Text(alert, "offender") == ip || (Text(alert, "offender").EndsWith("/64", StringComparison.Ordinal) && Strings(alert, "source_ips").Contains(ip));

    [Fact]
    public void Should_name_no_legitimate_user_and_flag_background_addresses_only_as_bait_or_burst_bots()
    {
        var legit = Truth("legit").Select(l => l.GetProperty("ip").GetString()!).ToHashSet();
        var attackers = Truth("attackers").Select(a => a.GetProperty("ip").GetString()!).ToHashSet();
        var named = scanned.Alerts.SelectMany(a => Strings(a, "source_ips").Append(Text(a, "offender"))).ToHashSet();
        var others = scanned.Alerts
            .Where(a => IPAddress.TryParse(Text(a, "offender"), out _) && !attackers.Contains(Text(a, "offender")))
            .Select(a => Text(a, "rule_id"))
            .ToHashSet();

        Assert.Empty(named.Intersect(legit));
        // One failed login for admin@/info@/postmaster@, or three SMTP AUTH failures within seconds: the generator's
        // background bots do exactly that, and one such attempt says enough. Nothing slower or ssh names them.
        Assert.Subset(new HashSet<string> { "mail-bait-account", "mail-auth-burst" }, others);
    }

    [Fact]
    public void Should_report_each_distributed_campaign_as_a_campaign()
    {
        var accountAlerts = scanned.Alerts.Where(a => Text(a, "rule_id") == "distributed-attack-on-account").ToArray();
        var offenders = scanned.Alerts.Select(a => Text(a, "offender")).ToHashSet();
        var campaigns = Truth("distributed_campaigns").ToArray();

        Assert.NotEmpty(campaigns);
        foreach (var campaign in campaigns)
        {
            var start = DateTime.SpecifyKind(campaign.GetProperty("start").GetDateTime(), DateTimeKind.Utc);
            var end = start.AddSeconds(campaign.GetProperty("duration_s").GetDouble());
            var targets = campaign.GetProperty("target_users").EnumerateArray().Select(u => u.GetString()!).ToArray();
            // Campaigns may overlap in time: the alerts about this one are those on its target accounts.
            var hits = accountAlerts.Where(a => Time(a, "time_window_start") <= end && Time(a, "time_window_end") >= start && targets.Contains(Text(a, "offender"))).ToArray();
            Assert.InRange(hits.Length, 1, targets.Length + 1);
            Assert.All(hits, a => Assert.True(a.GetProperty("source_ips").GetArrayLength() >= 10));
            // None of the campaign's hundreds of addresses is an alert of its own.
            var addresses = campaign.GetProperty("failures_by_ip").EnumerateObject().Select(p => p.Name).ToArray();
            Assert.DoesNotContain(addresses, offenders.Contains);
        }
    }

    private static DateTime Time(JsonElement alert, string name) =>
        DateTime.Parse(Text(alert, name), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);
}
