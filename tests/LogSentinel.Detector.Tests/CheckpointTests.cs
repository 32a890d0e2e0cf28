using System.Text.Json;
using LogSentinel.Contracts;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Offline;
using LogSentinel.Detector.Pipeline;
using LogSentinel.Detector.Rules;
using LogSentinel.Detector.Tests.Corpora;
using LogSentinel.GeoIp;

namespace LogSentinel.Detector.Tests;

/// <summary>
/// A partition's checkpoint holds everything its rules remember: an engine stopped anywhere in a stream, saved and
/// loaded into a new engine, goes on to publish exactly the revisions (every field of them) that one engine running
/// through publishes. Over a week of a real-looking server with attacks, so every rule type, open alerts with
/// their lists and distinct values, new-value histories and known places are in the state when it is saved.
/// </summary>
public sealed class CheckpointTests : IClassFixture<CheckpointTests.Week>
{
    public sealed class Week : IDisposable
    {
        private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ls-checkpoint-");

        public Week()
        {
            var week = OrdinaryWeek.Write(_dir.FullName);
            var settings = new LogFileEvents.Settings { Year = 2026, TimeZone = TimeZoneInfo.Utc, GeoIpDatabase = GeoIpDatabase.Path };
            using var geo = new GeoLocator(settings.GeoIpDatabase);
            foreach (var file in new[] { week.AuthLog, week.MailLog })
                LogFileEvents.Read(file, settings, geo, e => Events.Add(e));
            Events.AddRange(RecordedStream.Events());
            Events.Sort(EventOrder.Instance);
        }

        public List<SecurityEvent> Events { get; } = [];

        public void Dispose() => _dir.Delete(recursive: true);
    }

    private readonly Week _stream;

    public CheckpointTests(Week stream) => _stream = stream;

    private static RuleSet Rules => RuleSetLoader.Load(Engine.DefaultRules);

    public static TheoryData<double> Points => new() { 0.1, 0.35, 0.5, 0.73, 0.9 };

    [Theory]
    [MemberData(nameof(Points))]
    public void Should_publish_the_same_revisions_after_a_checkpoint_as_without_one(double at)
    {
        var rules = Rules;
        var events = _stream.Events;
        var straight = Run(new DetectionEngine(rules), events);

        var split = (int)(events.Count * at);
        var first = new DetectionEngine(rules);
        var output = Run(first, events.Take(split), close: false);
        Assert.True(first.TrackedKeys > 0, "the state saved should hold keys");
        using var saved = new MemoryStream();
        first.Save(saved);
        saved.Position = 0;
        var second = new DetectionEngine(rules);
        Assert.True(second.Load(saved));
        Assert.Equal(first.TrackedKeys, second.TrackedKeys);
        output.AddRange(Run(second, events.Skip(split)));

        Assert.True(straight.Count > 20, $"the stream should raise many revisions, it raised {straight.Count}");
        Assert.Equal(straight.Select(Json), output.Select(Json));
    }

    [Fact]
    public void Should_keep_the_state_of_unchanged_rules_and_start_changed_ones_empty()
    {
        var events = _stream.Events;
        var first = new DetectionEngine(Rules);
        Run(first, events.Take(events.Count / 2), close: false);
        using var saved = new MemoryStream();
        first.Save(saved);

        var changed = RuleSetLoader.LoadText("""
            rules:
              - id: ssh-any-failure
                description: Any ssh failure
                type: threshold
                severity: low
                match: { action: [ssh_login_failed] }
                group_by: [source.ip]
                threshold: 1
                window: 1m
            """);
        saved.Position = 0;
        var other = new DetectionEngine(changed);
        Assert.True(other.Load(saved));
        Assert.Equal(0, other.TrackedKeys);
    }

    [Fact]
    public void Should_carry_the_recent_segment_ids_of_a_partition_in_its_checkpoint()
    {
        var partition = new PartitionState("source.03", Rules, epoch: 4);
        var events = _stream.Events;
        var alerts = new List<AlertRaised>();
        foreach (var e in events.Take(5000))
            partition.Engine.Process(e, alerts);
        for (ulong i = 0; i < PartitionState.RememberedSegments + 10; i++)
            partition.AddSegment(i);

        // Events accepted but still waiting in the reorder buffer travel with the checkpoint.
        var waiting = events.Skip(5000).Take(3).ToList();
        var loaded = new PartitionState("source.03", Rules, epoch: 5);
        Assert.True(loaded.Load(partition.Save(waiting)));

        Assert.Equal(waiting.Select(e => JsonSerializer.Serialize(e)), loaded.Waiting.Select(e => JsonSerializer.Serialize(e)));
        Assert.Equal(partition.RecentSegments, loaded.RecentSegments);
        Assert.Equal(PartitionState.RememberedSegments, loaded.RecentSegments.Count());
        Assert.Equal(partition.Engine.TrackedKeys, loaded.Engine.TrackedKeys);
        Assert.Equal(partition.Engine.Now, loaded.Engine.Now);
    }

    [Fact]
    public void Should_refuse_a_checkpoint_of_another_format()
    {
        var partition = new PartitionState("user.00", Rules, epoch: 1);
        using var other = new MemoryStream();
        using (var zip = new System.IO.Compression.ZLibStream(other, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
            zip.Write(BitConverter.GetBytes(12345));
        Assert.False(partition.Load(other.ToArray()));
    }

    private static List<AlertRaised> Run(DetectionEngine engine, IEnumerable<SecurityEvent> events, bool close = true)
    {
        var alerts = new List<AlertRaised>();
        foreach (var e in events)
            engine.Process(e, alerts);
        if (close)
            engine.CloseAll(alerts);
        return alerts;
    }

    private static string Json(AlertRaised alert) => JsonSerializer.Serialize(alert);
}
