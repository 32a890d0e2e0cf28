using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Rules;
using LogSentinel.Detector.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static LogSentinel.Detector.Tests.Events;

namespace LogSentinel.Detector.Tests;

public sealed class HotReloadTests : IDisposable
{
    private const string Brute = """
        rules:
          - id: brute
            description: brute force
            severity: high
            type: threshold
            match: { action: ssh_login_failed }
            group_by: source.ip
            window: 10m
            threshold: 5
        """;

    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ls-reload-");

    public void Dispose() => _dir.Delete(recursive: true);

    private (RuleFileWatcher Watcher, RuleSetProvider Provider) Start(string yaml)
    {
        File.WriteAllText(Path.Combine(_dir.FullName, "rules.yaml"), yaml);
        var provider = new RuleSetProvider();
        var watcher = new RuleFileWatcher(provider, Options.Create(new DetectorOptions { Rules = _dir.FullName }), new DetectorMetrics(), NullLogger<RuleFileWatcher>.Instance);
        watcher.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
        return (watcher, provider);
    }

    [Fact]
    public void Should_refuse_to_start_with_invalid_rules()
    {
        var e = Assert.Throws<RuleLoadException>(() => Start(Brute.Replace("window: 10m", "window: ten")));

        Assert.Contains("rules.yaml:8:13", e.Message);
    }

    [Fact]
    public void Should_take_a_valid_change_and_keep_the_running_rules_when_a_change_is_invalid()
    {
        var (watcher, provider) = Start(Brute);
        Assert.False(watcher.CheckForChanges());

        File.WriteAllText(Path.Combine(_dir.FullName, "rules.yaml"), Brute.Replace("threshold: 5", "threshold: 3"));
        // A change is taken once it held still for a round: a file caught half-written is not applied.
        Assert.False(watcher.CheckForChanges());
        Assert.Equal(5, provider.Current.Rules.Single().Threshold);
        Assert.True(watcher.CheckForChanges());
        Assert.Equal(3, provider.Current.Rules.Single().Threshold);

        var running = provider.Current;
        File.WriteAllText(Path.Combine(_dir.FullName, "rules.yaml"), Brute.Replace("threshold: 5", "threshold: lots"));
        Assert.False(watcher.CheckForChanges());
        Assert.False(watcher.CheckForChanges());
        Assert.Same(running, provider.Current);
        File.WriteAllText(Path.Combine(_dir.FullName, "rules.yaml"), "rules: []\n");
        Assert.False(watcher.CheckForChanges());
        Assert.False(watcher.CheckForChanges());
        Assert.Same(running, provider.Current);

        File.WriteAllText(Path.Combine(_dir.FullName, "more.yml"), Brute.Replace("id: brute", "id: other"));
        File.WriteAllText(Path.Combine(_dir.FullName, "rules.yaml"), Brute);
        Assert.False(watcher.CheckForChanges());
        Assert.True(watcher.CheckForChanges());
        // Files load in name order: more.yml, then rules.yaml.
        Assert.Equal(["other", "brute"], provider.Current.Rules.Select(r => r.Id));
    }

    [Fact]
    public void Should_keep_the_counts_of_unchanged_rules_across_a_reload()
    {
        var engine = new DetectionEngine(RuleSetLoader.LoadText(Brute));
        var alerts = new List<AlertRaised>();
        for (var i = 0; i < 4; i++)
            engine.Process(SshFailed(T0.AddSeconds(i), "203.0.113.45"), alerts);

        // Same rule (block style, a comment) plus a new one: the four failures are still counted.
        engine.Replace(RuleSetLoader.LoadText(Brute.Replace("group_by: source.ip", "group_by: source.ip  # per address").Replace("match: { action: ssh_login_failed }", "match:\n      action: ssh_login_failed")
            + "\n" + Brute.Replace("rules:\n", "").Replace("id: brute", "id: new")), alerts);
        engine.Process(SshFailed(T0.AddSeconds(5), "203.0.113.45"), alerts);

        Assert.Equal("brute", Assert.Single(alerts).RuleId);
    }
}
