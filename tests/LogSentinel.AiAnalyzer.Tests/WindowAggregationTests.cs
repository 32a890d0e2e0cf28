using LogSentinel.AiAnalyzer.Aggregation;
using LogSentinel.AiAnalyzer.Pipeline;
using LogSentinel.Contracts;
using static LogSentinel.AiAnalyzer.Tests.Events;

namespace LogSentinel.AiAnalyzer.Tests;

public sealed class WindowAggregationTests
{
    private static readonly DateTime Now = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private static AiAnalyzerOptions Options(int topGroups = 25, int maxGroups = 20_000, int maxAlerts = 500) =>
        new() { TopGroups = topGroups, MaxGroupsPerWindow = maxGroups, MaxAlertsPerWindow = maxAlerts, AlertGrace = TimeSpan.Zero };

    [Fact]
    public void Should_group_attempts_by_ip_user_service_and_status_most_attempts_first()
    {
        var aggregator = new WindowAggregator(Options());
        for (var i = 0; i < 37; i++)
            aggregator.Add(Failure(T0.AddSeconds(i), "203.0.113.45", "root"), Now);
        for (var i = 0; i < 3; i++)
            aggregator.Add(Failure(T0.AddSeconds(i), "198.51.100.7", "admin", country: "RU", action: "ssh_invalid_user"), Now);
        aggregator.Add(Success(T0.AddMinutes(5), "203.0.113.45", "root"), Now);
        aggregator.Add(Failure(T0.AddMinutes(16), "203.0.113.45", "root"), Now);

        var closed = aggregator.CloseDue(Now);
        var window = Assert.Single(closed);
        var aggregate = WindowSummary.Build(window, 25);

        Assert.Equal("deb-mail-01", aggregate.Server);
        Assert.Equal("2026-02-24T10:00:00Z/2026-02-24T10:15:00Z", aggregate.TimeWindow);
        Assert.Collection(aggregate.Events,
            g => Assert.Equal(("203.0.113.45", "CN", "root", "sshd", 37L, "failed", "ssh_login_failed"), (g.Ip, g.Country, g.Username, g.Service, g.Attempts, g.Status, g.Reason)),
            g => Assert.Equal(("198.51.100.7", "RU", "admin", 3L, "failed", "ssh_invalid_user"), (g.Ip, g.Country, g.Username, g.Attempts, g.Status, g.Reason)),
            g => Assert.Equal(("203.0.113.45", "root", 1L, "success"), (g.Ip, g.Username, g.Attempts, g.Status)));
        Assert.Equal((41L, 40L, 1L, 2L, 2L), (aggregate.Totals.Events, aggregate.Totals.Failed, aggregate.Totals.Succeeded, aggregate.Totals.SourceIps, aggregate.Totals.Users));
        Assert.Equal(1, aggregator.OpenWindows);
    }

    [Fact]
    public void Should_keep_the_top_groups_and_sum_up_the_rest_whatever_the_volume()
    {
        var aggregator = new WindowAggregator(Options(topGroups: 5));
        for (var ip = 1; ip <= 200; ip++)
        {
            for (var n = 0; n < ip; n++)
                aggregator.Add(Failure(T0.AddSeconds(n % 600), $"203.0.113.{ip % 250}", $"user{ip}"), Now);
        }
        var window = Assert.Single(aggregator.CloseDue(Now.AddHours(1)));
        var aggregate = WindowSummary.Build(window, 5);

        Assert.Equal([200L, 199, 198, 197, 196], aggregate.Events.Select(g => g.Attempts));
        Assert.Equal(195, aggregate.Others.Groups);
        Assert.Equal(Enumerable.Range(1, 195).Sum(), aggregate.Others.Attempts);
        Assert.Equal(aggregate.Totals.Failed, aggregate.Events.Sum(g => g.Attempts) + aggregate.Others.Failed);
    }

    [Fact]
    public void Should_bound_the_groups_of_a_window_and_still_count_every_event()
    {
        var aggregator = new WindowAggregator(Options(maxGroups: 100));
        for (var i = 0; i < 1000; i++)
            aggregator.Add(Failure(T0.AddMilliseconds(i), $"2001:db8::{i:x}", "root"), Now);
        var window = Assert.Single(aggregator.CloseDue(Now.AddHours(1)));
        Assert.Equal(100, window.Groups.Count);
        var aggregate = WindowSummary.Build(window, 10);
        Assert.Equal(1000, aggregate.Totals.Failed);
        Assert.Equal(990, aggregate.Others.Attempts);
    }

    [Fact]
    public void Should_close_a_window_by_event_time_after_the_lateness_and_the_alert_grace()
    {
        var options = Options();
        options.AlertGrace = TimeSpan.FromSeconds(5);
        var aggregator = new WindowAggregator(options);
        aggregator.Add(Failure(T0.AddMinutes(14), "203.0.113.45", "root"), Now);
        aggregator.Add(Failure(T0.AddMinutes(15).AddSeconds(59), "203.0.113.45", "root"), Now);
        Assert.Empty(aggregator.CloseDue(Now));

        Assert.Equal(Admission.Added, aggregator.Add(Failure(T0.AddMinutes(14).AddSeconds(30), "203.0.113.46", "root"), Now));
        aggregator.Add(Failure(T0.AddMinutes(16), "203.0.113.45", "root"), Now);
        Assert.Empty(aggregator.CloseDue(Now));
        // Due by event time; the detector's alert about its last events still gets in during the grace.
        Assert.Equal(Admission.Added, aggregator.Add(Alert("ssh-brute-force", "threshold", "high", "203.0.113.45", null, T0.AddMinutes(14)), Now.AddSeconds(2)));
        Assert.Empty(aggregator.CloseDue(Now.AddSeconds(4)));
        var window = Assert.Single(aggregator.CloseDue(Now.AddSeconds(5)));
        Assert.Equal(2, window.Failed);
        Assert.Single(window.Alerts);

        Assert.Equal(Admission.Late, aggregator.Add(Failure(T0.AddMinutes(1), "203.0.113.47", "root"), Now));
        Assert.Equal(Admission.Late, aggregator.Add(Alert("ssh-brute-force", "threshold", "high", "203.0.113.47", null, T0.AddMinutes(1)), Now));
    }

    [Fact]
    public void Should_drop_an_event_dated_beyond_the_clock_skew_without_closing_anything()
    {
        var aggregator = new WindowAggregator(Options());
        var live = DateTime.UtcNow;
        Assert.Equal(Admission.Added, aggregator.Add(Failure(live, "203.0.113.45", "root"), live));
        Assert.Equal(Admission.Future, aggregator.Add(Failure(live.AddYears(1), "203.0.113.45", "root"), live));
        Assert.Empty(aggregator.CloseDue(live));
        Assert.Equal(Admission.Added, aggregator.Add(Failure(live.AddSeconds(1), "203.0.113.45", "root"), live));
        Assert.Equal(1, aggregator.OpenWindows);
    }

    [Fact]
    public void Should_keep_the_most_severe_alerts_when_a_window_has_too_many()
    {
        var aggregator = new WindowAggregator(Options(maxAlerts: 10));
        for (var i = 0; i < 30; i++)
            aggregator.Add(Alert("noise", "threshold", "low", $"198.51.100.{i}", null, T0), Now);
        aggregator.Add(Alert("login-after-failures", "sequence", "critical", "203.0.113.45", "root", T0), Now);
        var window = Assert.Single(aggregator.CloseDue(Now.AddHours(1)));
        Assert.Equal(10, window.Alerts.Count);
        Assert.Contains(window.Alerts.Values, a => a.Severity == "critical");
        var aggregate = WindowSummary.Build(window, 25);
        Assert.Equal(21, aggregate.AlertsOmitted);
        Assert.Equal("critical", aggregate.Alerts[0].Severity);
    }

    [Fact]
    public void Should_forget_a_host_heard_of_a_day_ago_with_no_open_window()
    {
        var aggregator = new WindowAggregator(Options());
        aggregator.Add(Failure(T0, "203.0.113.45", "root", host: "old-host"), Now);
        aggregator.Add(Failure(T0, "203.0.113.45", "root", host: "live-host"), Now);
        Assert.Equal(2, aggregator.CloseDue(Now.AddHours(1)).Count);
        Assert.Equal(2, aggregator.Hosts);
        aggregator.Add(Failure(T0.AddDays(1), "203.0.113.45", "root", host: "live-host"), Now.AddDays(2));
        aggregator.CloseDue(Now.AddDays(2));
        Assert.Equal(1, aggregator.Hosts);
    }

    [Fact]
    public void Should_close_a_quiet_hosts_window_on_the_clock_once_nothing_arrives()
    {
        var options = Options();
        var aggregator = new WindowAggregator(options);
        var live = DateTime.UtcNow;
        var start = aggregator.WindowStart(live);
        aggregator.Add(Failure(live, "203.0.113.45", "root"), live);
        Assert.Empty(aggregator.CloseDue(live.AddMinutes(1)));
        var end = start + options.Window;
        Assert.Empty(aggregator.CloseDue(end + options.Lateness - TimeSpan.FromSeconds(1)));
        Assert.Single(aggregator.CloseDue(end + options.Lateness + options.IdleClose));
    }

    [Fact]
    public void Should_keep_the_latest_revision_of_each_alert_in_the_window_that_holds_its_end()
    {
        var aggregator = new WindowAggregator(Options());
        aggregator.Add(Alert("ssh-brute-force", "threshold", "high", "203.0.113.45", null, T0.AddMinutes(3), revision: 1, count: 10), Now);
        aggregator.Add(Alert("ssh-brute-force", "threshold", "high", "203.0.113.45", null, T0.AddMinutes(2), revision: 0), Now);
        aggregator.Add(Alert("fleet", "fleet", "high", "203.0.113.45", null, T0.AddMinutes(4), host: "web-02"), Now);
        var windows = aggregator.CloseDue(Now.AddHours(1));
        Assert.Equal(2, windows.Count);
        var mine = Assert.Single(windows, w => w.Host == "deb-mail-01");
        var alert = Assert.Single(mine.Alerts.Values);
        Assert.Equal((1, 10L), (alert.Revision, alert.Count));
    }

    [Fact]
    public void Should_name_the_alert_as_the_reason_of_the_groups_it_concerns()
    {
        var aggregator = new WindowAggregator(Options());
        aggregator.Add(Failure(T0, "203.0.113.45", "root"), Now);
        aggregator.Add(Failure(T0, "198.51.100.7", "alice"), Now);
        aggregator.Add(Alert("ssh-brute-force", "threshold", "high", "203.0.113.45", null, T0), Now);
        aggregator.Add(Alert("login-after-failures", "sequence", "critical", "203.0.113.45", "root", T0), Now);
        var aggregate = WindowSummary.Build(Assert.Single(aggregator.CloseDue(Now.AddHours(1))), 25);
        Assert.Equal("login-after-failures", aggregate.Events.Single(g => g.Ip == "203.0.113.45").Reason);
        Assert.Equal("ssh_login_failed", aggregate.Events.Single(g => g.Ip == "198.51.100.7").Reason);
        Assert.Equal(["critical", "high"], aggregate.Alerts.Select(a => a.Severity));
    }

    [Fact]
    public void Should_count_a_failed_password_once_whatever_the_lines_beside_it()
    {
        var aggregate = Summarise(
        [
            Failure(T0, "203.0.113.45", "root"),
            Line(T0, "203.0.113.45", "root", "sshd", EventActions.PamAuthFailed),
            Line(T0.AddSeconds(1), "203.0.113.45", "root", "sshd", EventActions.SshPreauthDisconnect),
        ]);

        Assert.Equal((3L, 1L, 0L), (aggregate.Totals.Events, aggregate.Totals.Failed, aggregate.Totals.Succeeded));
        var group = Assert.Single(aggregate.Events);
        Assert.Equal(("203.0.113.45", "root", "sshd", 1L, "failed", "ssh_login_failed"), (group.Ip, group.Username, group.Service, group.Attempts, group.Status, group.Reason));
    }

    [Fact]
    public void Should_count_no_failure_for_the_keys_an_agent_offered_before_the_one_that_logged_in()
    {
        var aggregate = Summarise(
        [
            Failure(T0, "198.51.100.7", "deploy", attempt: false),
            Failure(T0, "198.51.100.7", "deploy", attempt: false),
            Failure(T0, "198.51.100.7", "deploy", attempt: false),
            Success(T0.AddSeconds(1), "198.51.100.7", "deploy"),
        ]);

        Assert.Equal((4L, 0L, 1L), (aggregate.Totals.Events, aggregate.Totals.Failed, aggregate.Totals.Succeeded));
        var group = Assert.Single(aggregate.Events);
        Assert.Equal(("deploy", 1L, "success"), (group.Username, group.Attempts, group.Status));
    }

    [Fact]
    public void Should_give_scans_rejects_bans_and_commands_their_own_status_and_count_none_as_failed_logins()
    {
        var events = Enumerable.Range(0, 30).Select(i => Line(T0.AddSeconds(i), "192.0.2.9", null, "sshd", EventActions.SshScan)).ToList();
        events.AddRange(
        [
            Line(T0, "192.0.2.10", null, "postfix/smtpd", EventActions.SmtpReject),
            Line(T0, "192.0.2.10", null, "postfix/smtpd", EventActions.SmtpReject),
            Line(T0, "192.0.2.11", null, "dovecot", EventActions.MailPreauthDisconnect),
            // A connection that ended without naming an account (a health check): a probe, not a restated attempt.
            Line(T0, "192.0.2.12", null, "sshd", EventActions.SshPreauthDisconnect),
            Line(T0, null, "root", "su", EventActions.AccountLocked),
            Line(T0.AddMinutes(1), "192.0.2.9", null, "fail2ban.actions", EventActions.Fail2banBan, EventOutcomes.Unknown),
            Line(T0, null, "bob", "sudo", EventActions.SudoCommand, EventOutcomes.Success),
            Line(T0, null, "bob", "sudo", EventActions.SudoNotAllowed),
            Failure(T0, "203.0.113.45", "root"),
        ]);
        var aggregate = Summarise(events);

        Assert.Equal((39L, 1L, 0L), (aggregate.Totals.Events, aggregate.Totals.Failed, aggregate.Totals.Succeeded));
        // The one attempt comes first, before thirty probes.
        Assert.Equal(
            ["203.0.113.45 root failed 1", "192.0.2.9 - probe 30", "192.0.2.10 - rejected 2", "- bob rejected 1", "- bob seen 1", "- root rejected 1", "192.0.2.11 - probe 1", "192.0.2.12 - probe 1", "192.0.2.9 - banned 1"],
            aggregate.Events.Select(g => $"{g.Ip ?? "-"} {g.Username ?? "-"} {g.Status} {g.Attempts}"));
    }

    [Fact]
    public void Should_give_a_group_the_reason_of_an_alert_about_its_address_or_its_account_of_the_same_kind_only()
    {
        var events = Enumerable.Range(0, 5).Select(i => Failure(T0.AddSeconds(i), "203.0.113.45", "bob")).ToList();
        events.Add(Success(T0.AddMinutes(1), "203.0.113.45", "bob"));
        events.Add(Failure(T0, "198.51.100.7", "alice", country: "RU"));
        foreach (var user in new[] { "bob", "alice" })
            events.Add(Event(T0.AddMinutes(2), null, user, "deb-mail-01", null, "sudo", EventActions.SudoAuthFailed, EventOutcomes.Failure, attempt: true));
        var aggregate = Summarise(events,
            // An address's alert whose only user is bob: about 203.0.113.45, not about bob's sudo.
            Alert("login-after-failures", "sequence", "critical", "203.0.113.45", "bob", T0.AddMinutes(1)),
            // An account's alert from addresses: alice's remote logins, not her sudo.
            Alert("distributed-attack-on-account", "distinct", "high", null, "alice", T0, sourceIps: ["198.51.100.7", "198.51.100.8"]),
            // An account's alert from no address: bob's sudo, not his ssh logins.
            Alert("sudo-auth-failures", "threshold", "medium", null, "bob", T0.AddMinutes(2)));

        string Reason(string? ip, string user, string status) => aggregate.Events.Single(g => g.Ip == ip && g.Username == user && g.Status == status).Reason;
        Assert.Equal("login-after-failures", Reason("203.0.113.45", "bob", "failed"));
        Assert.Equal("login-after-failures", Reason("203.0.113.45", "bob", "success"));
        Assert.Equal("sudo-auth-failures", Reason(null, "bob", "failed"));
        Assert.Equal("distributed-attack-on-account", Reason("198.51.100.7", "alice", "failed"));
        Assert.Equal("sudo_auth_failed", Reason(null, "alice", "failed"));
        Assert.Equal(
            ["login-after-failures address False", "distributed-attack-on-account account False", "sudo-auth-failures account True"],
            aggregate.Alerts.Select(a => $"{a.RuleId} {a.About} {a.Local}"));
    }

    [Fact]
    public void Should_give_the_groups_inside_an_ipv6_prefix_the_reason_of_an_alert_about_the_prefix()
    {
        var alert = Alert("ssh-brute-force", "threshold", "high", "2001:db8:1:2::/64", null, T0) with
        {
            Group = new Dictionary<string, string> { ["source.ip/64"] = "2001:db8:1:2::/64" },
            SourceIps = ["2001:db8:1:2::5", "2001:db8:1:2::6"],
        };
        var aggregate = Summarise([Failure(T0, "2001:db8:1:2::5", "root"), Failure(T0, "2001:db8:1:2::6", "root"), Failure(T0, "2001:db8:9::1", "root")], alert);

        Assert.Equal(["ssh-brute-force", "ssh-brute-force", "ssh_login_failed"], aggregate.Events.OrderBy(g => g.Ip, StringComparer.Ordinal).Select(g => g.Reason));
        Assert.Equal(("2001:db8:1:2::/64", "address"), (aggregate.Alerts[0].Ip, aggregate.Alerts[0].About));
    }

    [Fact]
    public void Should_save_and_restore_open_windows_and_where_closed_ones_end()
    {
        var directory = Directory.CreateTempSubdirectory("logsentinel-ai-state-").FullName;
        var aggregator = new WindowAggregator(Options());
        aggregator.Add(Failure(T0, "203.0.113.45", "root"), Now);
        aggregator.Add(Failure(T0.AddMinutes(20), "203.0.113.45", "root"), Now);
        aggregator.Add(Alert("ssh-brute-force", "threshold", "high", "203.0.113.45", null, T0.AddMinutes(20)), Now);
        Assert.Single(aggregator.CloseDue(Now));
        var store = WindowStore.In(directory);
        store.Save(new AnalyzerState { Aggregator = aggregator.State(), RecentBatches = ["b1"] });

        var restored = new WindowAggregator(Options());
        var state = store.Load()!;
        restored.Restore(state.Aggregator);
        Assert.Equal(["b1"], state.RecentBatches);
        Assert.Equal(Admission.Late, restored.Add(Failure(T0.AddMinutes(2), "203.0.113.45", "root"), Now));
        Assert.Equal(Admission.Added, restored.Add(Failure(T0.AddMinutes(21), "203.0.113.45", "root"), Now));
        var window = Assert.Single(restored.CloseDue(Now.AddHours(1)));
        Assert.Equal(2, window.Failed);
        Assert.Equal(DateTimeKind.Utc, window.Start.Kind);
        Assert.Equal("ssh-brute-force", Assert.Single(window.Alerts.Values).RuleId);
    }
}
