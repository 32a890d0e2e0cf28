using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Offline;
using LogSentinel.Detector.Partitioning;
using LogSentinel.Detector.Rules;
using static LogSentinel.Detector.Tests.Events;

namespace LogSentinel.Detector.Tests;

public sealed class ResetRuleTests
{
    private const string Brute = """
        rules:
          - id: brute
            description: SSH brute force, unless the failures led to a login
            severity: high
            type: threshold
            match: { attempt: true, outcome: failure }
            reset: { attempt: true, outcome: success }
            group_by: source.ip
            window: 10m
            threshold: 5
            cooldown: 1h
        """;

    private static IEnumerable<SecurityEvent> Failures(string ip, int count, DateTime start) =>
        Enumerable.Range(0, count).Select(i => SshFailed(start.AddSeconds(i), ip, "alice"));

    [Fact]
    public void Should_not_raise_when_a_login_from_the_same_address_clears_the_failures_before_it()
    {
        var events = Failures("203.0.113.5", 3, T0)
            .Append(SshAccepted(T0.AddSeconds(10), "203.0.113.5", "alice"))
            .Concat(Failures("203.0.113.5", 3, T0.AddSeconds(20)));

        Assert.Empty(Engine.Run(Brute, events));
    }

    [Fact]
    public void Should_raise_for_five_failures_then_a_login_and_not_count_the_login()
    {
        var events = Failures("203.0.113.5", 5, T0).Append(SshAccepted(T0.AddSeconds(10), "203.0.113.5", "alice"));

        var alert = Assert.Single(Engine.Final(Brute, events));

        Assert.Equal((5L, 5L), (alert.Count, alert.Events));
        Assert.Equal(T0.AddSeconds(4), alert.WindowEnd);
    }

    [Fact]
    public void Should_clear_only_the_key_of_the_login()
    {
        var events = Failures("203.0.113.5", 3, T0)
            .Append(SshAccepted(T0.AddSeconds(10), "203.0.113.6", "alice"))
            .Concat(Failures("203.0.113.5", 2, T0.AddSeconds(20)));

        Assert.Equal("203.0.113.5", Assert.Single(Engine.Final(Brute, events)).Offender);
    }

    [Fact]
    public void Should_keep_an_open_alert_counting_through_a_login_until_its_cooldown_ends()
    {
        var events = Failures("203.0.113.5", 5, T0)
            .Append(SshAccepted(T0.AddSeconds(10), "203.0.113.5", "alice"))
            .Concat(Failures("203.0.113.5", 3, T0.AddSeconds(20)));

        var revisions = Engine.Run(Brute, events);

        Assert.Single(revisions.Select(a => a.AlertId).Distinct());
        Assert.Equal((8L, true), (revisions[^1].Count, revisions[^1].Final));
    }

    [Fact]
    public void Should_not_hold_a_key_for_a_login_that_followed_no_failure()
    {
        var engine = new DetectionEngine(RuleSetLoader.LoadText(Brute));
        var alerts = new List<AlertRaised>();
        engine.Process(SshAccepted(T0, "203.0.113.5", "alice"), alerts);
        Assert.Equal(0, engine.TrackedKeys);

        engine.Process(SshFailed(T0.AddSeconds(1), "203.0.113.5", "alice"), alerts);
        Assert.Equal(1, engine.TrackedKeys);
        engine.Process(SshAccepted(T0.AddSeconds(2), "203.0.113.5", "alice"), alerts);
        Assert.Equal(0, engine.TrackedKeys);
    }

    [Fact]
    public void Should_reset_the_distinct_values_of_a_distinct_rule()
    {
        const string spray = """
            rules:
              - id: spray
                description: one address trying many accounts
                severity: high
                type: distinct
                match: { attempt: true, outcome: failure }
                reset: { attempt: true, outcome: success }
                group_by: source.ip
                distinct: user.name
                window: 1h
                threshold: 3
            """;
        SecurityEvent Fail(int second, string user) => SshFailed(T0.AddSeconds(second), "203.0.113.9", user);

        var cleared = new[] { Fail(0, "a"), Fail(1, "b"), SshAccepted(T0.AddSeconds(2), "203.0.113.9", "b"), Fail(3, "c"), Fail(4, "d") };
        var uncleared = new[] { Fail(0, "a"), Fail(1, "b"), Fail(3, "c") };

        Assert.Empty(Engine.Final(spray, cleared));
        Assert.Equal(["a", "b", "c"], Assert.Single(Engine.Final(spray, uncleared)).Values);
    }

    [Fact]
    public void Should_keep_the_count_of_a_rule_whose_reset_did_not_change_across_a_reload()
    {
        var reformatted = Brute.Replace("reset: { attempt: true, outcome: success }", "reset:\n      outcome: success\n      attempt: true");
        var changed = Brute.Replace("reset: { attempt: true, outcome: success }", "reset: { action: ssh_login_succeeded }");
        Assert.Equal(Fingerprint(Brute), Fingerprint(reformatted));
        Assert.NotEqual(Fingerprint(Brute), Fingerprint(changed));

        Assert.Single(FailuresAcrossReload(reformatted));
        Assert.Empty(FailuresAcrossReload(changed));

        static string Fingerprint(string yaml) => Assert.Single(RuleSetLoader.LoadText(yaml).Rules).Fingerprint;
    }

    /// <summary>Four failures, a reload to <paramref name="yaml"/>, a fifth failure: an alert only if the count survived.</summary>
    private static List<AlertRaised> FailuresAcrossReload(string yaml)
    {
        var engine = new DetectionEngine(RuleSetLoader.LoadText(Brute));
        var alerts = new List<AlertRaised>();
        foreach (var e in Failures("203.0.113.5", 4, T0))
            engine.Process(e, alerts);
        engine.Replace(RuleSetLoader.LoadText(yaml), alerts);
        engine.Process(SshFailed(T0.AddSeconds(5), "203.0.113.5", "alice"), alerts);
        return alerts;
    }

    /// <summary>A rule indexed by its actions (no `attempt` condition): the reset's action must reach it too.</summary>
    private const string ByAction = """
        rules:
          - id: brute
            description: SSH brute force, unless the failures led to a login
            severity: high
            type: threshold
            match: { action: ssh_login_failed }
            reset: { action: ssh_login_succeeded }
            group_by: source.ip
            window: 10m
            threshold: 5
        """;

    [Fact]
    public void Should_route_a_reset_event_to_the_partition_that_holds_its_keys_count()
    {
        var rules = RuleSetLoader.LoadText(ByAction);
        var failure = SshFailed(T0, "203.0.113.5", "alice");
        var login = SshAccepted(T0.AddSeconds(1), "203.0.113.5", "alice");

        Assert.True(rules.AnyRuleMayCount(login, Dimensions.Source));
        var routed = Assert.Single(EventRouter.Route([new SecurityEventBatch { BatchId = "b1", Host = "web-01", RoutingKey = "p00", Events = [failure, login] }], rules));
        Assert.Equal(new[] { failure, login }, Assert.Single(routed.Segments).Events);

        // The engine indexes rules by action: the login's action must lead to the rule, or it would clear nothing.
        var events = Failures("203.0.113.5", 3, T0)
            .Append(SshAccepted(T0.AddSeconds(10), "203.0.113.5", "alice"))
            .Concat(Failures("203.0.113.5", 3, T0.AddSeconds(20)));
        Assert.Empty(Engine.Run(ByAction, events));
    }

    [Fact]
    public void Should_keep_reset_events_when_testing_rules_on_log_files()
    {
        string Line(int second, string what) => $"Mar  2 08:15:{second:00} web-01 sshd[{100 + second}]: {what} password for alice from 8.8.8.8 port 4{second:000} ssh2";
        var lines = new[] { Line(1, "Failed"), Line(2, "Failed"), Line(3, "Failed"), Line(4, "Accepted"), Line(5, "Failed"), Line(6, "Failed"), Line(7, "Failed") };
        var log = Path.Combine(Path.GetTempPath(), $"ls-reset-{Guid.NewGuid():n}.log");
        try
        {
            File.WriteAllLines(log, lines);
            var settings = new LogFileEvents.Settings { Year = 2026, Host = "web-01", TimeZone = TimeZoneInfo.Utc };

            var run = RulesTestRun.Run(RuleSetLoader.LoadText(ByAction), [log], settings);

            Assert.Equal(7, run.Counted);
            Assert.Empty(run.Alerts);
            File.WriteAllLines(log, lines.Where(l => !l.Contains("Accepted", StringComparison.Ordinal)));
            Assert.Single(RulesTestRun.Run(RuleSetLoader.LoadText(ByAction), [log], settings).Alerts);
        }
        finally
        {
            File.Delete(log);
        }
    }
}
