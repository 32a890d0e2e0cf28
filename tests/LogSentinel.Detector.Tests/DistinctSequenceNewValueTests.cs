using LogSentinel.Contracts;
using static LogSentinel.Detector.Tests.Events;

namespace LogSentinel.Detector.Tests;

public class DistinctSequenceNewValueTests
{
    private const string Spray = """
        rules:
          - id: spray
            description: One address, many users
            severity: high
            type: distinct
            match: { action: [ssh_login_failed, smtp_sasl_auth_failed] }
            group_by: source.ip
            distinct: user.name
            window: 1h
            threshold: 10
        """;

    [Fact]
    public void Should_raise_a_spray_alert_when_one_address_tries_ten_users_within_the_hour()
    {
        var events = Enumerable.Range(0, 12).Select(i => SshFailed(T0.AddMinutes(i * 5), "203.0.113.9", $"user{i}"));

        var alert = Assert.Single(Engine.Final(Spray, events));

        Assert.Equal(("spray", "distinct"), (alert.RuleId, alert.RuleType));
        Assert.Equal(12, alert.Count);
        Assert.Equal(T0, alert.WindowStart);
        Assert.Equal(12, alert.Users.Count);
        Assert.Equal(alert.Users, alert.Values);
    }

    [Fact]
    public void Should_not_count_the_same_user_twice_nor_users_outside_the_window()
    {
        var sameUser = Enumerable.Range(0, 30).Select(i => SshFailed(T0.AddMinutes(i), "203.0.113.9", "admin"));
        var slow = Enumerable.Range(0, 12).Select(i => SshFailed(T0.AddMinutes(i * 7), "203.0.113.10", $"user{i}"));

        Assert.Empty(Engine.Final(Spray, sameUser.Concat(slow)));
    }

    private const string Fleet = """
        rules:
          - id: fleet
            description: One address failing on three servers
            severity: high
            type: fleet
            match: { outcome: failure }
            group_by: source.ip
            window: 1h
            threshold: 3
        """;

    [Fact]
    public void Should_raise_a_fleet_alert_when_one_address_fails_on_three_hosts()
    {
        string[] hosts = ["web-01", "web-02", "mail-01", "web-01"];
        var events = hosts.Select((host, i) => SshFailed(T0.AddMinutes(i * 10), "198.51.100.7", "root", host));

        var alert = Assert.Single(Engine.Final(Fleet, events));

        Assert.Equal(3, alert.Count);
        Assert.Equal(["web-01", "web-02", "mail-01"], alert.Hosts);
        Assert.Equal(4, alert.Events);
    }

    [Fact]
    public void Should_not_raise_a_fleet_alert_for_many_failures_on_two_hosts()
    {
        var events = Enumerable.Range(0, 50).Select(i => SshFailed(T0.AddSeconds(i), "198.51.100.7", "root", i % 2 == 0 ? "a" : "b"));

        Assert.Empty(Engine.Final(Fleet, events));
    }

    private const string Compromise = """
        rules:
          - id: fail-then-success
            description: Login after failures
            severity: critical
            type: sequence
            match: { action: ssh_login_failed }
            then: { action: ssh_login_succeeded }
            group_by: source.ip
            window: 10m
            threshold: 5
        """;

    [Fact]
    public void Should_raise_a_critical_alert_for_five_failures_then_a_success()
    {
        var events = Enumerable.Range(0, 5).Select(i => SshFailed(T0.AddSeconds(i * 10), "203.0.113.66", "deploy"))
            .Append(SshAccepted(T0.AddSeconds(60), "203.0.113.66", "deploy"));

        var alert = Assert.Single(Engine.Final(Compromise, events));

        Assert.Equal(("critical", 5L, 6L), (alert.Severity, alert.Count, alert.Events));
        Assert.Equal((T0, T0.AddSeconds(60)), (alert.WindowStart, alert.WindowEnd));
    }

    [Fact]
    public void Should_keep_log_order_within_a_second_so_failures_then_success_stays_a_sequence()
    {
        // Written to the log in this order (offsets grow), handed over in the reverse order.
        var events = Enumerable.Range(0, 5).Select(_ => SshFailed(T0, "203.0.113.66", "deploy")).ToList();
        events.Add(SshAccepted(T0, "203.0.113.66", "deploy"));
        events.Reverse();

        Assert.Single(Engine.Final(Compromise, events));
    }

    [Fact]
    public void Should_not_raise_when_the_success_comes_too_late_or_after_too_few_failures()
    {
        var tooFew = Enumerable.Range(0, 4).Select(i => SshFailed(T0.AddSeconds(i), "203.0.113.1", "a"))
            .Append(SshAccepted(T0.AddSeconds(5), "203.0.113.1", "a"));
        var tooLate = Enumerable.Range(0, 5).Select(i => SshFailed(T0.AddSeconds(i), "203.0.113.2", "a"))
            .Append(SshAccepted(T0.AddMinutes(11), "203.0.113.2", "a"));
        // A success in between resets the count: 3 failures, success, 3 failures, success.
        var reset = Enumerable.Range(0, 3).Select(i => SshFailed(T0.AddSeconds(i), "203.0.113.3", "a"))
            .Append(SshAccepted(T0.AddSeconds(4), "203.0.113.3", "a"))
            .Concat(Enumerable.Range(0, 3).Select(i => SshFailed(T0.AddSeconds(10 + i), "203.0.113.3", "a")))
            .Append(SshAccepted(T0.AddSeconds(20), "203.0.113.3", "a"));

        Assert.Empty(Engine.Final(Compromise, tooFew.Concat(tooLate).Concat(reset)));
    }

    private const string NewCountry = """
        rules:
          - id: new-country
            description: Login from a new country
            severity: medium
            type: new_value
            match: { action: ssh_login_succeeded }
            group_by: user.name
            field: source.geo.country_iso_code
            lookback: 30d
        """;

    [Fact]
    public void Should_raise_when_a_user_logs_in_from_a_country_not_seen_in_the_look_back()
    {
        var events = new[]
        {
            SshAccepted(T0, "192.0.2.10", "alice", country: "BG"),
            SshAccepted(T0.AddDays(1), "192.0.2.10", "alice", country: "BG"),
            SshAccepted(T0.AddDays(2), "203.0.113.5", "alice", country: "CN"),
            SshAccepted(T0.AddDays(3), "203.0.113.5", "alice", country: "CN"),
            SshAccepted(T0.AddDays(25), "203.0.113.5", "alice", country: "CN"),
            SshAccepted(T0.AddDays(33), "192.0.2.10", "alice", country: "BG"),
        };

        var alerts = Engine.Final(NewCountry, events);

        Assert.Equal(2, alerts.Count);
        Assert.Equal(["CN"], alerts[0].Values);
        Assert.Equal("CN", alerts[0].Country);
        Assert.Equal(T0.AddDays(2), alerts[0].WindowStart);
        // BG was last seen 32 days earlier: older than the look-back, so new again.
        Assert.Equal(["BG"], alerts[1].Values);
    }

    [Fact]
    public void Should_learn_a_keys_first_values_without_alerting()
    {
        var learning = NewCountry + "\n    learning: 7d";
        var events = new[]
        {
            SshAccepted(T0, "192.0.2.10", "bob", country: "BG"),
            SshAccepted(T0.AddDays(1), "203.0.113.5", "bob", country: "DE"),
            SshAccepted(T0.AddDays(8), "203.0.113.5", "bob", country: "DE"),
            SshAccepted(T0.AddDays(9), "203.0.113.77", "bob", country: "BR"),
        };

        var alert = Assert.Single(Engine.Final(learning, events));

        Assert.Equal(["BR"], alert.Values);
    }

    [Fact]
    public void Should_raise_new_value_alerts_for_a_key_whatever_other_keys_do()
    {
        // alice: US, DE a day later (new), FR after 31 days when everything she had is older than the look-back.
        var alice = new[]
        {
            SshAccepted(T0, "192.0.2.1", "alice", country: "US"),
            SshAccepted(T0.AddDays(1), "192.0.2.2", "alice", country: "DE"),
            SshAccepted(T0.AddDays(31.2), "192.0.2.3", "alice", country: "FR"),
        };
        // bob logs in every hour: event time moves on, key expiry sweeps run at other moments.
        var bob = Enumerable.Range(0, 32 * 24).Select(h => SshAccepted(T0.AddHours(h).AddMinutes(7), "198.51.100.9", "bob", country: "BG"));

        var alone = Engine.Final(NewCountry, alice);
        var together = Engine.Final(NewCountry, alice.Concat(bob)).Where(a => a.Offender == "alice").ToArray();

        Assert.Equal(["DE"], alone.SelectMany(a => a.Values!));
        Assert.Equal(alone.Select(a => a.AlertId), together.Select(a => a.AlertId));
    }

    [Fact]
    public void Should_give_two_alerts_of_the_same_second_two_ids()
    {
        var events = new[]
        {
            SshAccepted(T0, "192.0.2.10", "carol", country: "BG"),
            SshAccepted(T0.AddDays(1), "203.0.113.5", "carol", country: "FR"),
            SshAccepted(T0.AddDays(1), "203.0.113.6", "carol", country: "CN"),
        };

        var alerts = Engine.Final(NewCountry, events);

        Assert.Equal(2, alerts.Select(a => a.AlertId).Distinct().Count());
    }

    [Fact]
    public void Should_keep_a_separator_inside_a_value_from_splitting_the_group()
    {
        var rules = """
            rules:
              - id: per-user-host
                description: failures per user and host
                severity: low
                type: threshold
                match: { action: ssh_login_failed }
                group_by: [user.name, host.name]
                window: 1m
                threshold: 2
            """;
        var events = Enumerable.Range(0, 2).Select(i => SshFailed(T0.AddSeconds(i), "203.0.113.1", "root|evil\\", "web-01"));

        var alert = Assert.Single(Engine.Final(rules, events));

        Assert.Equal(new Dictionary<string, string> { ["user.name"] = "root|evil\\", ["host.name"] = "web-01" }, alert.Group);
    }

    [Fact]
    public void Should_ignore_events_from_allowlisted_networks_and_excluded_sources()
    {
        var rules = """
            allowlist: [10.0.0.0/8, '2001:db8:aaaa::/48']
            rules:
              - id: brute
                description: brute force
                severity: high
                type: threshold
                match:
                  action: ssh_login_failed
                  not: { source_cidr: 192.168.0.0/16 }
                group_by: source.ip
                window: 1m
                threshold: 3
            """;
        string[] trusted = ["10.1.2.3", "2001:db8:aaaa:1::5", "192.168.1.1"];
        var events = trusted.SelectMany(ip => Enumerable.Range(0, 5).Select(i => SshFailed(T0.AddSeconds(i), ip)));

        Assert.Empty(Engine.Final(rules, events));
        Assert.Single(Engine.Final(rules, events.Concat(Enumerable.Range(0, 3).Select(i => SshFailed(T0.AddSeconds(i), "198.51.100.1")))));
    }

    [Fact]
    public void Should_group_ipv6_sources_by_their_64_prefix_when_asked()
    {
        var rules = """
            rules:
              - id: v6
                description: brute force from one /64
                severity: high
                type: threshold
                match: { action: ssh_login_failed }
                group_by: source.ip/64
                window: 1m
                threshold: 4
            """;
        // Four addresses of one /64, one failure each: one attacker rotating addresses.
        var events = Enumerable.Range(1, 4).Select(i => SshFailed(T0.AddSeconds(i), $"2001:db8:1:2::{i:x}"));

        var alert = Assert.Single(Engine.Final(rules, events));

        Assert.Equal("2001:db8:1:2::/64", alert.Offender);
        Assert.Equal(4, alert.SourceIps.Count);
    }

    [Fact]
    public void Should_name_the_64_prefix_as_offender_and_group_and_list_each_address_it_counted()
    {
        var rules = """
            rules:
              - id: v6-brute
                description: brute force from one /64
                severity: high
                type: threshold
                match: { action: ssh_login_failed }
                group_by: source.ip/64
                window: 1m
                threshold: 5
            """;
        var addresses = Enumerable.Range(1, 8).Select(i => $"2001:db8:85a3:12::{i}").ToArray();
        var events = addresses.Select((ip, i) => SshFailed(T0.AddSeconds(i), ip));

        var alert = Assert.Single(Engine.Final(rules, events));

        Assert.Equal("2001:db8:85a3:12::/64", alert.Offender);
        Assert.Equal(new Dictionary<string, string> { ["source.ip/64"] = "2001:db8:85a3:12::/64" }, alert.Group);
        Assert.Equal(addresses, alert.SourceIps);
        Assert.Equal((8L, 5L), (alert.Count, alert.Threshold));
    }

    [Fact]
    public void Should_match_on_user_and_count_per_user_and_host()
    {
        var rules = """
            rules:
              - id: sudo
                description: sudo failures
                severity: medium
                type: threshold
                match: { action: sudo_auth_failed, user: [mallory] }
                group_by: [user.name, host.name]
                window: 10m
                threshold: 3
            """;
        var events = Enumerable.Range(0, 3).Select(i => Of(EventActions.SudoAuthFailed, T0.AddSeconds(i), user: "mallory", host: "db-01"))
            .Concat(Enumerable.Range(0, 3).Select(i => Of(EventActions.SudoAuthFailed, T0.AddSeconds(i), user: "mallory", host: $"web-0{i}")))
            .Concat(Enumerable.Range(0, 3).Select(i => Of(EventActions.SudoAuthFailed, T0.AddSeconds(i), user: "alice", host: "db-01")));

        var alert = Assert.Single(Engine.Final(rules, events));

        Assert.Equal("mallory|db-01", alert.Offender);
        Assert.Equal(new Dictionary<string, string> { ["user.name"] = "mallory", ["host.name"] = "db-01" }, alert.Group);
    }
}
