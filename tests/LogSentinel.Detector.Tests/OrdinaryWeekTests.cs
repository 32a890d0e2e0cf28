using LogSentinel.Contracts;
using LogSentinel.Detector.Offline;
using LogSentinel.Detector.Rules;
using LogSentinel.Detector.Tests.Corpora;

namespace LogSentinel.Detector.Tests;

/// <summary>
/// The default rules over a week of a busy, healthy ssh + mail server (<see cref="OrdinaryWeek"/>): nothing the
/// server's own people, monitors, CI and mail peers do raises an alert, and every attack hidden in the week does —
/// read from syslog files in both stamp styles and from a journald export.
/// </summary>
public sealed class OrdinaryWeekTests : IClassFixture<OrdinaryWeekTests.Week>
{
    public sealed class Week : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ls-week-");

        public Week()
        {
            Corpus = OrdinaryWeek.Write(_dir.FullName);
            var rules = RuleSetLoader.Load(Engine.DefaultRules);
            var settings = new LogFileEvents.Settings { Year = 2026, TimeZone = TimeZoneInfo.Utc, GeoIpDatabase = GeoIpDatabase.Path };
            Syslog = RulesTestRun.Run(rules, [Corpus.AuthLog, Corpus.MailLog], settings);
            Journal = RulesTestRun.Run(rules, [Corpus.AuthJournal, Corpus.MailLog], settings);
        }

        public OrdinaryWeek Corpus { get; }
        public RulesTestRun.Result Syslog { get; }
        public RulesTestRun.Result Journal { get; }

        public void Dispose() => _dir.Delete(recursive: true);
    }

    private readonly Week _week;

    public OrdinaryWeekTests(Week week) => _week = week;

    public static TheoryData<string> Sources => new() { "syslog", "journal" };

    private RulesTestRun.Result Run(string source) => source == "syslog" ? _week.Syslog : _week.Journal;

    [Theory]
    [MemberData(nameof(Sources))]
    public void Should_name_no_legitimate_address_or_user_in_an_ordinary_week(string source)
    {
        var corpus = _week.Corpus;
        var wrong = Run(source).Alerts
            .Where(a => a.Group.Values.Any(v => corpus.LegitAddresses.Contains(v) || corpus.LegitUsers.Contains(v))
                        || a.SourceIps.Any(corpus.LegitAddresses.Contains))
            .Select(Describe)
            .ToList();

        Assert.True(wrong.Count == 0, "alerts against the server's own users:\n" + string.Join('\n', wrong));
    }

    [Theory]
    [MemberData(nameof(Sources))]
    public void Should_find_every_attack_hidden_in_the_week(string source)
    {
        var alerts = Run(source).Alerts;
        var missed = _week.Corpus.Attacks
            .Where(attack => !alerts.Any(a => a.RuleId == attack.Rule && a.Offender == attack.Offender))
            .Select(attack => $"{attack.Name}: no {attack.Rule} alert for {attack.Offender}")
            .ToList();

        Assert.True(missed.Count == 0, string.Join('\n', missed) + "\nraised:\n" + string.Join('\n', alerts.Select(Describe)));
    }

    [Fact]
    public void Should_read_the_same_week_from_syslog_and_from_the_journal()
    {
        static string[] Keys(RulesTestRun.Result r) => [.. r.Alerts.Select(a => $"{a.RuleId} {a.Offender} {a.Count}").Order(StringComparer.Ordinal)];

        Assert.True(_week.Syslog.Lines > 50_000, $"only {_week.Syslog.Lines} lines");
        Assert.Empty(_week.Syslog.UnreadableFiles);
        Assert.Equal(Keys(_week.Syslog), Keys(_week.Journal));
    }

    [Fact]
    public void Should_keep_each_legitimate_user_in_one_country()
    {
        // Impossible travel must stay quiet because the week's people really stay home, not because countries are unknown.
        using var geo = new GeoIp.GeoLocator(GeoIpDatabase.Path);
        var countries = _week.Corpus.LoginAddresses
            .Where(a => !a.StartsWith("10.", StringComparison.Ordinal))
            .Select(a => geo.Enrich(Events.Of(EventActions.SshLoginSucceeded, Events.T0, a, "x")).Source?.Geo?.CountryIsoCode)
            .Distinct()
            .ToArray();

        Assert.Equal("DE", Assert.Single(countries));
    }

    private static string Describe(AlertRaised a) =>
        $"{a.Severity} {a.RuleId} {a.Offender} count={a.Count} ips=[{string.Join(',', a.SourceIps.Take(4))}] users=[{string.Join(',', a.Users.Take(4))}] {a.WindowStart:MM-dd HH:mm}";
}
