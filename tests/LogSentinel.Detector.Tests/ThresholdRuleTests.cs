using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;
using static LogSentinel.Detector.Tests.Events;

namespace LogSentinel.Detector.Tests;

public class ThresholdRuleTests
{
    private const string Rules = """
        rules:
          - id: ssh-fast
            description: Fast SSH brute force
            severity: high
            type: threshold
            match: { action: ssh_login_failed }
            group_by: source.ip
            window: 30s
            threshold: 5
            cooldown: 10m
        """;

    private static IEnumerable<SecurityEvent> Failures(string ip, int count, TimeSpan every, DateTime? start = null, string user = "root") =>
        Enumerable.Range(0, count).Select(i => SshFailed((start ?? T0) + every * i, ip, user));

    [Fact]
    public void Should_raise_alert_after_five_failures_in_30s()
    {
        var alert = Assert.Single(Engine.Run(Rules, Failures("203.0.113.45", 5, TimeSpan.FromSeconds(5)), close: false));

        Assert.Equal(("ssh-fast", "threshold", "high", "203.0.113.45"), (alert.RuleId, alert.RuleType, alert.Severity, alert.Offender));
        Assert.Equal((5L, 5L, 0, false), (alert.Count, alert.Threshold, alert.Revision, alert.Final));
        Assert.Equal((T0, T0.AddSeconds(20)), (alert.WindowStart, alert.WindowEnd));
        Assert.Equal("203.0.113.45", alert.Group["source.ip"]);
        Assert.Equal(["deb-mail-01"], alert.Hosts);
        Assert.Equal(["root"], alert.Users);
        Assert.Equal(5, alert.SampleEventIds.Count);
    }

    [Fact]
    public void Should_not_raise_for_four_failures_or_five_spread_over_more_than_the_window()
    {
        Assert.Empty(Engine.Run(Rules, Failures("203.0.113.45", 4, TimeSpan.FromSeconds(1))));
        Assert.Empty(Engine.Run(Rules, Failures("203.0.113.45", 5, TimeSpan.FromSeconds(7.75))));
    }

    private const string SlowRules = """
        rules:
          - id: slow
            description: Slow brute force
            severity: medium
            type: threshold
            match: { action: ssh_login_failed }
            group_by: source.ip
            window: 3h
            min_span: 10m
            threshold: 4
        """;

    [Fact]
    public void Should_raise_a_slow_rule_on_attempts_spread_over_its_minimum_span()
    {
        var alert = Assert.Single(Engine.Final(SlowRules, Failures("203.0.113.46", 4, TimeSpan.FromMinutes(20))));

        Assert.Equal((4L, T0, T0.AddHours(1)), (alert.Count, alert.WindowStart, alert.WindowEnd));
    }

    [Fact]
    public void Should_leave_a_fast_attack_to_the_short_window_rules_however_long_it_lasts()
    {
        // 200 failures 10 s apart: any 4 of them in a row span 30 s, never the slow rule's 10 minutes.
        Assert.Empty(Engine.Final(SlowRules, Failures("203.0.113.47", 200, TimeSpan.FromSeconds(10))));
    }

    [Fact]
    public void Should_count_each_source_on_its_own()
    {
        var events = Failures("203.0.113.1", 3, TimeSpan.FromSeconds(1)).Concat(Failures("203.0.113.2", 3, TimeSpan.FromSeconds(1)));

        Assert.Empty(Engine.Run(Rules, events));
    }

    [Fact]
    public void Should_update_the_same_alert_during_the_cooldown_and_close_it_with_the_full_count()
    {
        // 40 failures, one a second: one alert, revisions as the count doubles (5, 10, 20, 40), then the final one.
        var revisions = Engine.Run(Rules, Failures("203.0.113.45", 40, TimeSpan.FromSeconds(1)));

        Assert.Single(revisions.Select(a => a.AlertId).Distinct());
        Assert.Equal([5L, 10L, 20L, 40L, 40L], revisions.Select(a => a.Count));
        Assert.Equal([0, 1, 2, 3, 4], revisions.Select(a => a.Revision));
        Assert.True(revisions[^1].Final);
        Assert.Equal(T0.AddSeconds(39), revisions[^1].WindowEnd);
        Assert.Equal(40, revisions[^1].Events);
    }

    [Fact]
    public void Should_raise_a_new_alert_with_a_new_id_once_the_cooldown_is_over()
    {
        var events = Failures("203.0.113.45", 5, TimeSpan.FromSeconds(1))
            .Concat(Failures("203.0.113.45", 5, TimeSpan.FromSeconds(1), T0.AddMinutes(11)));

        var alerts = Engine.Final(Rules, events);

        Assert.Equal(2, alerts.Count);
        Assert.NotEqual(alerts[0].AlertId, alerts[1].AlertId);
        Assert.Equal(T0.AddMinutes(11), alerts[1].WindowStart);
    }

    [Fact]
    public void Should_give_the_same_alert_id_for_the_same_rule_key_and_window()
    {
        var events = Failures("203.0.113.45", 6, TimeSpan.FromSeconds(2)).ToList();
        var first = Engine.Final(Rules, events);
        var again = Engine.Final(Rules, events);
        var otherKey = Engine.Final(Rules, Failures("203.0.113.46", 6, TimeSpan.FromSeconds(2)));

        Assert.Equal(first.Single().AlertId, again.Single().AlertId);
        Assert.Equal(AlertIds.For("ssh-fast", "203.0.113.45", T0, first.Single().SampleEventIds[0]), first.Single().AlertId);
        Assert.NotEqual(first.Single().AlertId, otherKey.Single().AlertId);
    }

    [Fact]
    public void Should_measure_windows_on_event_time_whatever_order_the_events_came_in()
    {
        // A late event (earlier timestamp, evaluated last) still counts, and the window spans earliest to latest.
        var engine = new DetectionEngine(Detector.Rules.RuleSetLoader.LoadText(Rules));
        var alerts = new List<AlertRaised>();
        var events = Failures("203.0.113.45", 5, TimeSpan.FromSeconds(3)).ToList();
        foreach (var e in events.Skip(1))
            engine.Process(e, alerts);
        Assert.Empty(alerts);
        engine.Process(events[0], alerts);

        var alert = Assert.Single(alerts);
        Assert.Equal(T0, alert.WindowStart);
    }

    [Fact]
    public void Should_forget_keys_once_their_window_and_cooldown_are_over()
    {
        var engine = new DetectionEngine(Detector.Rules.RuleSetLoader.LoadText(Rules));
        var alerts = new List<AlertRaised>();
        for (var i = 0; i < 1000; i++)
            engine.Process(SshFailed(T0.AddMilliseconds(i), $"198.51.100.{i % 250}"), alerts);
        Assert.Equal(250, engine.TrackedKeys);

        engine.Process(SshFailed(T0.AddHours(2), "192.0.2.1"), alerts);

        Assert.Equal(1, engine.TrackedKeys);
    }
}
