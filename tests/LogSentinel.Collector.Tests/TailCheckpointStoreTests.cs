using LogSentinel.Collector.Tailing;

namespace LogSentinel.Collector.Tests;

public sealed class TailCheckpointStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("logsentinel-state-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TailCheckpoint Checkpoint(string path, long offset) => new()
    {
        Path = Path.GetFullPath(path),
        Device = 2049,
        Inode = 1234567,
        Offset = offset,
        FingerprintLength = 1024,
        Fingerprint = 0xDEADBEEF,
    };

    [Fact]
    public void Should_give_back_the_last_checkpoint_saved_for_a_path()
    {
        var store = new TailCheckpointStore(_dir);
        store.Save(Checkpoint("/var/log/auth.log", 10));
        store.Save(Checkpoint("/var/log/auth.log", 99));
        store.Save(Checkpoint("/var/log/mail.log", 5));
        var again = new TailCheckpointStore(_dir);
        Assert.Equal(Checkpoint("/var/log/auth.log", 99), again.Load("/var/log/auth.log"));
        Assert.Equal(5, again.Load("/var/log/mail.log")!.Offset);
        Assert.Null(again.Load("/var/log/fail2ban.log"));
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void Should_report_and_ignore_a_damaged_checkpoint()
    {
        var store = new TailCheckpointStore(_dir);
        store.Save(Checkpoint("/var/log/auth.log", 10));
        File.WriteAllText(Directory.GetFiles(_dir).Single(), "{ not json");
        var errors = new List<string>();
        Assert.Null(store.Load("/var/log/auth.log", errors.Add));
        Assert.Single(errors);
    }
}
