using LogSentinel.AiAnalyzer.Analysis;
using LogSentinel.Contracts;
using static LogSentinel.AiAnalyzer.Tests.Events;

namespace LogSentinel.AiAnalyzer.Tests;

/// <summary>The deterministic analyzer on windows aggregated from events and alerts as the pipeline builds them.</summary>
public sealed class RulesAnalyzerTests
{
    private static ModelAnswer Analyze(WindowAggregate aggregate) => RulesAnalyzer.Analyze(aggregate, RiskFloor.Of(aggregate.Alerts));

    private static string Recommendation(ModelAnswer answer, string type) => Assert.Single(answer.Findings, f => f.Type == type).Recommendation;

    private static void AssertNamesNoUnknownAccount(ModelAnswer answer)
    {
        Assert.DoesNotContain("'?'", answer.Summary, StringComparison.Ordinal);
        Assert.All(answer.Findings, f => Assert.DoesNotContain("'?'", f.Recommendation, StringComparison.Ordinal));
    }

    [Fact]
    public void Should_tell_what_to_do_about_a_recidive_address_and_name_no_account()
    {
        var aggregate = Summarise(
            [
                Line(T0, "203.0.113.9", null, "fail2ban.actions", EventActions.Fail2banUnban, EventOutcomes.Unknown),
                Line(T0.AddMinutes(5), "203.0.113.9", null, "fail2ban.actions", EventActions.Fail2banBan, EventOutcomes.Unknown),
            ],
            Alert("fail2ban-recidive", "sequence", "high", "203.0.113.9", null, T0.AddMinutes(5), count: 1));
        var answer = Analyze(aggregate);

        var recommendation = Recommendation(answer, "fail2ban-recidive");
        Assert.Contains("203.0.113.9", recommendation, StringComparison.Ordinal);
        Assert.Contains("recidive", recommendation, StringComparison.Ordinal);
        Assert.DoesNotContain("account", recommendation, StringComparison.Ordinal);
        AssertNamesNoUnknownAccount(answer);
        Assert.StartsWith("0 failed and 0 successful authentication attempts", answer.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_name_the_account_that_logged_in_after_the_failures_not_the_ones_that_failed()
    {
        var events = Enumerable.Range(0, 5).Select(i => Failure(T0.AddSeconds(i), "46.4.86.12", "root", country: "DE")).ToList();
        events.AddRange(Enumerable.Range(0, 3).Select(i => Failure(T0.AddSeconds(10 + i), "46.4.86.12", "admin", country: "DE")));
        events.Add(Success(T0.AddMinutes(1), "46.4.86.12", "deploy", country: "DE"));
        var aggregate = Summarise(events,
            Alert("login-after-failures", "sequence", "critical", "46.4.86.12", null, T0.AddMinutes(1), users: ["root", "admin", "deploy"]));
        var answer = Analyze(aggregate);

        var recommendation = Recommendation(answer, "login-after-failures");
        Assert.StartsWith("Treat the account 'deploy' as compromised", recommendation, StringComparison.Ordinal);
        Assert.Contains("46.4.86.12", recommendation, StringComparison.Ordinal);
        Assert.DoesNotContain("'root'", recommendation, StringComparison.Ordinal);
        AssertNamesNoUnknownAccount(answer);
    }

    [Fact]
    public void Should_count_failed_attempts_not_lines_before_calling_a_login_a_success_after_failures()
    {
        var events = new List<SecurityEvent>();
        // Two passwords, each with pam_unix's line, then the close of the connection and a login: two failures, not five.
        for (var i = 0; i < 2; i++)
        {
            events.Add(Failure(T0.AddSeconds(i), "198.51.100.7", "alice", country: "RU"));
            events.Add(Line(T0.AddSeconds(i), "198.51.100.7", "alice", "sshd", EventActions.PamAuthFailed, country: "RU"));
        }
        events.Add(Line(T0.AddSeconds(3), "198.51.100.7", "alice", "sshd", EventActions.SshPreauthDisconnect, country: "RU"));
        events.Add(Success(T0.AddMinutes(1), "198.51.100.7", "alice", country: "RU"));
        // Five passwords then a login.
        events.AddRange(Enumerable.Range(0, 5).Select(i => Failure(T0.AddSeconds(i), "203.0.113.45", "bob")));
        events.Add(Success(T0.AddMinutes(1), "203.0.113.45", "bob"));
        var answer = Analyze(Summarise(events));

        var finding = Assert.Single(answer.Findings, f => f.Type == "success_after_failures");
        Assert.Equal(("203.0.113.45", "bob"), (finding.Ip, finding.Username));
        Assert.StartsWith("7 failed and 2 successful authentication attempts", answer.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_not_call_probes_rejects_or_bans_failed_logins()
    {
        var events = Enumerable.Range(0, 40).Select(i => Line(T0.AddSeconds(i), "192.0.2.9", null, "sshd", EventActions.SshScan)).ToList();
        events.Add(Line(T0, "192.0.2.10", null, "postfix/smtpd", EventActions.SmtpReject));
        events.Add(Line(T0.AddMinutes(1), "192.0.2.9", null, "fail2ban.actions", EventActions.Fail2banBan, EventOutcomes.Unknown));
        var quiet = Analyze(Summarise(events));

        Assert.DoesNotContain(quiet.Findings, f => f.Type == "failed_logins");
        Assert.StartsWith("0 failed and 0 successful authentication attempts", quiet.Summary, StringComparison.Ordinal);
        Assert.Contains("No login attempted: 40 probes, 1 rejected, 1 fail2ban ban.", quiet.Summary, StringComparison.Ordinal);
        Assert.Equal(0, quiet.RiskScore);

        var alerted = Analyze(Summarise(events, Alert("ssh-preauth-probing", "threshold", "medium", "192.0.2.9", null, T0.AddSeconds(39), count: 40)));
        var recommendation = Recommendation(alerted, "ssh-preauth-probing");
        Assert.StartsWith("192.0.2.9 is probing sshd without ever authenticating", recommendation, StringComparison.Ordinal);
        Assert.DoesNotContain("password", recommendation, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_recommend_by_what_an_account_alert_is_about()
    {
        var events = Enumerable.Range(0, 3)
            .Select(i => Event(T0.AddSeconds(i), null, "bob", "deb-mail-01", null, "sudo", EventActions.SudoAuthFailed, EventOutcomes.Failure, attempt: true)).ToList();
        events.AddRange(Enumerable.Range(0, 20).Select(i => Failure(T0.AddSeconds(i), $"198.51.100.{i}", "root")));
        events.Add(Success(T0, "198.51.100.200", "alice", country: "DE"));
        events.Add(Success(T0.AddMinutes(3), "203.0.113.77", "alice", country: "BR"));
        var answer = Analyze(Summarise(events,
            Alert("sudo-auth-failures", "threshold", "medium", null, "bob", T0.AddSeconds(2), count: 3),
            Alert("distributed-attack-on-account", "distinct", "high", null, "root", T0.AddSeconds(19), count: 20, sourceIps: ["198.51.100.0", "198.51.100.1"]),
            Alert("impossible-travel", "impossible_travel", "high", null, "alice", T0.AddMinutes(3), count: 2, sourceIps: ["198.51.100.200", "203.0.113.77"])));

        var sudo = Recommendation(answer, "sudo-auth-failures");
        Assert.StartsWith("'bob' keeps failing or being refused at local authentication on deb-mail-01", sudo, StringComparison.Ordinal);
        Assert.DoesNotContain("Block", sudo, StringComparison.Ordinal);
        Assert.StartsWith("Many addresses are trying the account 'root'", Recommendation(answer, "distributed-attack-on-account"), StringComparison.Ordinal);
        var travel = Recommendation(answer, "impossible-travel");
        Assert.StartsWith("'alice' logged in from places too far apart for the time between the logins (DE, BR)", travel, StringComparison.Ordinal);
        AssertNamesNoUnknownAccount(answer);
    }

    [Fact]
    public void Should_recommend_for_a_host_alert_what_to_do_on_the_host()
    {
        var events = Enumerable.Range(0, 50).Select(i => Failure(T0.AddSeconds(i), $"198.51.100.{i}", "root")).ToList();
        var answer = Analyze(Summarise(events, Alert("host-under-attack", "threshold", "medium", null, null, T0.AddSeconds(49), count: 50)));

        var recommendation = Recommendation(answer, "host-under-attack");
        Assert.StartsWith("deb-mail-01 is receiving failed logins from many addresses", recommendation, StringComparison.Ordinal);
        AssertNamesNoUnknownAccount(answer);
    }
}
