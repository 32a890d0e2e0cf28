using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Rules;
using static LogSentinel.Detector.Tests.Events;

namespace LogSentinel.Detector.Tests;

public sealed class ImpossibleTravelTests
{
    private const string Travel = """
        rules:
          - id: travel
            description: One account logging in from places too far apart
            severity: high
            type: impossible_travel
            match: { attempt: true, outcome: success }
            group_by: user.name
            window: 12h
        """;

    private static readonly GeoPoint Sofia = new() { Lat = 42.6977, Lon = 23.3219 };
    private static readonly GeoPoint Bucharest = new() { Lat = 44.4268, Lon = 26.1025 };
    private static readonly GeoPoint NewYork = new() { Lat = 40.7128, Lon = -74.0060 };
    private static readonly GeoPoint LosAngeles = new() { Lat = 34.0522, Lon = -118.2437 };

    private static SecurityEvent Login(double hours, string ip, string? country, GeoPoint? location = null, string user = "alice") =>
        SshAccepted(T0.AddHours(hours), ip, user, country: country, location: location);

    [Fact]
    public void Should_raise_when_an_account_logs_in_from_two_countries_within_the_window()
    {
        var events = new[] { Login(0, "192.0.2.10", "BG"), Login(2, "198.51.100.20", "DE") };

        var alert = Assert.Single(Engine.Final(Travel, events));

        Assert.Equal(("travel", "impossible_travel", "alice"), (alert.RuleId, alert.RuleType, alert.Offender));
        Assert.Equal((2L, 2L, 2L), (alert.Count, alert.Threshold, alert.Events));
        Assert.Equal(["BG", "DE"], alert.Values);
        Assert.Equal(["192.0.2.10", "198.51.100.20"], alert.SourceIps);
        Assert.Equal((T0, T0.AddHours(2)), (alert.WindowStart, alert.WindowEnd));
        Assert.Equal(new Dictionary<string, string> { ["user.name"] = "alice" }, alert.Group);
        Assert.Equal(AlertIds.For("travel", "alice", T0, events[0].Event.Id), alert.AlertId);
    }

    [Fact]
    public void Should_not_raise_for_one_country_or_for_logins_further_apart_than_the_window()
    {
        var events = new[]
        {
            Login(0, "192.0.2.10", "BG"),
            Login(1, "192.0.2.11", "BG"),
            Login(13.5, "198.51.100.20", "DE"),
            Login(30, "192.0.2.10", "BG"),
        };

        Assert.Empty(Engine.Final(Travel, events));
    }

    [Fact]
    public void Should_judge_each_account_on_its_own_and_only_successful_attempts()
    {
        var events = new[]
        {
            Login(0, "192.0.2.10", "BG", user: "alice"),
            Login(1, "198.51.100.20", "DE", user: "bob"),
            SshFailed(T0.AddHours(2), "198.51.100.21", "alice") with { Source = new SourceFields { Address = "198.51.100.21", Ip = "198.51.100.21", Geo = new GeoFields { CountryIsoCode = "CN" } } },
        };

        Assert.Empty(Engine.Final(Travel, events));
    }

    [Fact]
    public void Should_ignore_logins_without_a_country()
    {
        var privateLogin = SshAccepted(T0.AddHours(1), "10.0.0.5", "alice") with
        {
            Source = new SourceFields { Address = "10.0.0.5", Ip = "10.0.0.5", Geo = new GeoFields { Name = "private" } },
        };

        Assert.Empty(Engine.Final(Travel, [Login(0, "192.0.2.10", "BG"), privateLogin, Login(2, "192.0.2.10", "BG")]));
        var alert = Assert.Single(Engine.Final(Travel, [Login(0, "192.0.2.10", "BG"), privateLogin, Login(2, "198.51.100.20", "DE")]));
        Assert.Equal(["192.0.2.10", "198.51.100.20"], alert.SourceIps);
        Assert.Equal(2, alert.Events);
    }

    [Fact]
    public void Should_measure_speed_instead_of_countries_when_both_logins_carry_a_location()
    {
        // Sofia to Bucharest, 295 km in an hour: another country, but a drive. Sofia to New York in two hours: 3,800 km/h.
        Assert.Empty(Engine.Final(Travel, [Login(0, "192.0.2.10", "BG", Sofia), Login(1, "198.51.100.20", "RO", Bucharest)]));
        var transatlantic = Assert.Single(Engine.Final(Travel, [Login(0, "192.0.2.10", "BG", Sofia), Login(2, "198.51.100.20", "US", NewYork)]));
        Assert.Equal(["BG", "US"], transatlantic.Values);

        // New York to Los Angeles in an hour: one country, 3,936 km/h, impossible; under a 5000 km/h limit it is not.
        var coastToCoast = Assert.Single(Engine.Final(Travel, [Login(0, "192.0.2.10", "US", NewYork), Login(1, "198.51.100.20", "US", LosAngeles)]));
        Assert.Equal(["US"], coastToCoast.Values);
        Assert.Equal(2, coastToCoast.Count);
        Assert.Empty(Engine.Final(Travel + "\n    speed: 5000", [Login(0, "192.0.2.10", "US", NewYork), Login(1, "198.51.100.20", "US", LosAngeles)]));
    }

    [Fact]
    public void Should_fall_back_to_countries_when_either_login_has_no_location()
    {
        Assert.Single(Engine.Final(Travel, [Login(0, "192.0.2.10", "BG", Sofia), Login(1, "198.51.100.20", "RO")]));
        Assert.Single(Engine.Final(Travel, [Login(0, "192.0.2.10", "BG"), Login(1, "198.51.100.20", "RO", Bucharest)]));
    }

    [Fact]
    public void Should_count_further_impossible_hops_into_the_open_alert_and_leave_ordinary_logins_out()
    {
        var events = new[]
        {
            Login(0, "192.0.2.10", "BG"),
            Login(1, "198.51.100.20", "DE"),
            Login(1.5, "198.51.100.21", "DE"),
            Login(2, "192.0.2.10", "BG"),
        };

        var revisions = Engine.Run(Travel, events);

        Assert.Single(revisions.Select(a => a.AlertId).Distinct());
        var final = revisions[^1];
        // The DE login half an hour after the first DE one is no journey: it is not listed.
        Assert.Equal((3L, 3L, true), (final.Count, final.Events, final.Final));
        Assert.Equal(["BG", "DE"], final.Values);
        Assert.DoesNotContain("198.51.100.21", final.SourceIps);
        Assert.Equal(T0.AddHours(2), final.WindowEnd);
    }

    [Fact]
    public void Should_put_the_earlier_login_first_when_it_arrives_late()
    {
        var engine = new DetectionEngine(RuleSetLoader.LoadText(Travel));
        var alerts = new List<AlertRaised>();
        var early = Login(0, "192.0.2.10", "BG");
        engine.Process(Login(3, "198.51.100.20", "DE"), alerts);
        engine.Process(early, alerts);

        var alert = Assert.Single(alerts);
        Assert.Equal(["BG", "DE"], alert.Values);
        Assert.Equal((T0, T0.AddHours(3)), (alert.WindowStart, alert.WindowEnd));
        Assert.Equal(AlertIds.For("travel", "alice", T0, early.Event.Id), alert.AlertId);
    }

    private const string Places = """
        rules:
          - id: travel
            description: One account logging in from a place new to it, too far from the last one
            severity: high
            type: impossible_travel
            match: { attempt: true, outcome: success }
            group_by: user.name
            window: 10m
            lookback: 30d
            cooldown: 1h
        """;

    [Fact]
    public void Should_take_a_country_the_account_used_within_the_lookback_for_one_of_its_places()
    {
        // A laptop behind a VPN in NL and a phone at home in DE: the account's two places, however quickly it switches.
        var days = Enumerable.Range(0, 5).SelectMany(d => new[] { Login(24 * d, "192.0.2.10", "DE"), Login(24 * d + 0.05, "198.51.100.20", "NL") });

        var alert = Assert.Single(Engine.Final(Places, days));

        // Only the first switch, to a country the account had never used, is a journey.
        Assert.Equal((T0, T0.AddHours(0.05)), (alert.WindowStart, alert.WindowEnd));
    }

    [Fact]
    public void Should_forget_a_place_after_the_lookback()
    {
        var events = new[] { Login(0, "192.0.2.10", "DE"), Login(0.05, "198.51.100.20", "NL"), Login(24 * 40, "192.0.2.10", "DE"), Login(24 * 40 + 0.05, "198.51.100.20", "NL") };

        Assert.Equal(2, Engine.Final(Places, events).Count);
    }

    [Fact]
    public void Should_remember_at_most_its_quota_of_places_forgetting_the_least_recent()
    {
        // One place more than remembered, each used once, then the first again: it was forgotten, so it is new again.
        var countries = new[] { "AT", "BE", "CH", "CZ", "DK", "EE", "ES", "FI", "FR", "GR", "HU", "IE", "IT", "LT", "LU", "LV", "NL" };
        Assert.Equal(ImpossibleTravelEvaluator.MaxPlaces + 1, countries.Length);
        var events = countries.Select((c, i) => Login(i, "192.0.2." + (i + 1), c)).Append(Login(countries.Length - 1 + 0.05, "192.0.2.1", "AT"));

        var alert = Assert.Single(Engine.Final(Places, events));

        Assert.Equal(["NL", "AT"], alert.Values);
    }

    [Fact]
    public void Should_measure_great_circle_distances()
    {
        Assert.Equal(7584, ImpossibleTravelEvaluator.Distance(Sofia, NewYork), 0);
        Assert.Equal(295, ImpossibleTravelEvaluator.Distance(Sofia, Bucharest), 0);
        Assert.Equal(0, ImpossibleTravelEvaluator.Distance(Sofia, Sofia));
        Assert.Equal(20015, ImpossibleTravelEvaluator.Distance(new GeoPoint { Lat = 0, Lon = 0 }, new GeoPoint { Lat = 0, Lon = 180 }), 0);
    }
}
