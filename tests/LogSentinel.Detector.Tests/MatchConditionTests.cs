using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;
using static LogSentinel.Detector.Tests.Events;

namespace LogSentinel.Detector.Tests;

public class MatchConditionTests
{
    private const string Attempts = """
        rules:
          - id: attempts
            description: failed attempts, not the lines that restate them
            severity: high
            type: threshold
            match: { attempt: true, outcome: failure }
            group_by: source.ip
            window: 1m
            threshold: 3
          - id: echoes
            description: lines that restate an attempt
            severity: low
            type: threshold
            match: { outcome: failure, not: { attempt: true } }
            group_by: source.ip
            window: 1m
            threshold: 3
        """;

    [Fact]
    public void Should_count_only_the_event_that_stands_for_the_attempt_with_attempt_true()
    {
        // Two passwords tried: sshd's lines are the attempts, PAM's lines restate them.
        var events = new[]
        {
            SshFailed(T0, "203.0.113.7"),
            Of(EventActions.PamAuthFailed, T0, "203.0.113.7", "root"),
            SshFailed(T0.AddSeconds(2), "203.0.113.7"),
            Of(EventActions.PamAuthFailed, T0.AddSeconds(2), "203.0.113.7", "root"),
            Of(EventActions.PamAuthFailed, T0.AddSeconds(3), "203.0.113.7", "root"),
        };

        var alert = Assert.Single(Engine.Final(Attempts, events));
        Assert.Equal(("echoes", 3L), (alert.RuleId, alert.Count));

        var third = Engine.Final(Attempts, events.Append(SshFailed(T0.AddSeconds(4), "203.0.113.7")));
        Assert.Equal(3, Assert.Single(third, a => a.RuleId == "attempts").Count);
    }

    [Fact]
    public void Should_read_event_attempt_as_true_or_false()
    {
        Assert.Equal("true", EventField.Attempt.Read(SshFailed(T0, "203.0.113.7")));
        Assert.Equal("false", EventField.Attempt.Read(Of(EventActions.PamAuthFailed, T0, "203.0.113.7")));
        Assert.Same(EventField.Attempt, EventField.Find("event.attempt"));
    }

    private const string Bait = """
        rules:
          - id: bait-account
            description: Someone tried an account nobody uses
            severity: high
            type: threshold
            match:
              attempt: true
              user_local_part: [admin, postmaster, test]
              not: { user_local_part: [TEST], source_cidr: 198.51.100.0/24 }
            group_by: user.name
            window: 1m
            threshold: 1
        """;

    [Fact]
    public void Should_match_the_part_of_the_user_name_before_the_at_sign_ignoring_case()
    {
        string[] users = ["admin", "postmaster@example.com", "Test", "ADMIN@corp.example", "administrator", "alice@admin", "test.user", "xadmin", "@example.com"];
        var events = users.Select((user, i) => SshFailed(T0.AddSeconds(i), "203.0.113.7", user))
            .Append(SshFailed(T0, "203.0.113.8", "test@intranet"));

        var offenders = Engine.Final(Bait, events).Select(a => a.Offender).Order(StringComparer.Ordinal);

        Assert.Equal(["ADMIN@corp.example", "Test", "admin", "postmaster@example.com", "test@intranet"], offenders);
    }

    [Fact]
    public void Should_apply_user_local_part_inside_not()
    {
        // The same bait account from the excluded network: the not block's local part and network both hold.
        Assert.Empty(Engine.Final(Bait, [SshFailed(T0, "198.51.100.20", "test@example.com")]));
        Assert.Single(Engine.Final(Bait, [SshFailed(T0, "198.51.100.20", "admin")]));
    }

    [Theory]
    [InlineData("admin", true)]
    [InlineData("Admin", true)]
    [InlineData("ADMIN@example.com", true)]
    [InlineData("admin@", true)]
    [InlineData("admin@x@y", true)]
    [InlineData("", false)]
    [InlineData("@admin", false)]
    [InlineData("admins", false)]
    [InlineData("adm", false)]
    [InlineData(null, false)]
    public void Should_compare_the_local_part_whole(string? user, bool matches)
    {
        Assert.Equal(matches, EventMatcher.HasLocalPart(user, ["root", "admin"]));
    }

    [Fact]
    public void Should_match_local_parts_and_attempt_without_allocating()
    {
        var matcher = Assert.Single(RuleSetLoader.LoadText(Bait).Rules).Match;
        var hit = SshFailed(T0, "203.0.113.7", "Postmaster@example.com");
        var miss = SshFailed(T0, "203.0.113.7", "postmistress@example.com");
        Assert.True(matcher.Matches(hit));
        Assert.False(matcher.Matches(miss));

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            matcher.Matches(hit);
            matcher.Matches(miss);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
