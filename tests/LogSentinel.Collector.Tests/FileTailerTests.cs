using System.Text;
using LogSentinel.Collector.Tailing;

namespace LogSentinel.Collector.Tests;

/// <summary>Real files in a temporary folder, rotated the ways logrotate rotates them.</summary>
public sealed class FileTailerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("logsentinel-tail-").FullName;
    private readonly string _log;
    private readonly List<(string Line, long Offset, FileIdentity File)> _seen = [];

    public FileTailerTests() => _log = Path.Combine(_dir, "auth.log");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private void Append(string text, string? path = null)
    {
        using var stream = new FileStream(path ?? _log, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        stream.Write(Encoding.UTF8.GetBytes(text));
    }

    private int Poll(FileTailer tailer) =>
        tailer.Poll((line, offset, file) => _seen.Add((Encoding.UTF8.GetString(line), offset, file.Identity)));

    private FileTailer Tail(TailCheckpoint? resume = null, bool startAtEnd = false) => new(_log, resume, startAtEnd, TimeSpan.Zero);

    private string[] Lines => _seen.Select(s => s.Line).ToArray();

    [Fact]
    public void Should_hand_over_appended_lines_in_order_with_their_offsets()
    {
        Append("one\ntwo\n");
        using var tailer = Tail();
        Assert.Equal(2, Poll(tailer));
        Append("three\n");
        Assert.Equal(1, Poll(tailer));
        Assert.Equal([("one", 0L), ("two", 4L), ("three", 8L)], _seen.Select(s => (s.Line, s.Offset)));
        Assert.Equal(14, tailer.Position!.Offset);
    }

    [Fact]
    public void Should_hold_a_partial_line_until_its_line_feed_arrives()
    {
        Append("comple");
        using var tailer = Tail();
        Assert.Equal(0, Poll(tailer));
        Assert.Equal(0, tailer.Position!.Offset);
        Append("te\nnext");
        Assert.Equal(1, Poll(tailer));
        Assert.Equal(["complete"], Lines);
        Assert.Equal(9, tailer.Position!.Offset);
    }

    [Fact]
    public void Should_start_at_the_end_of_a_new_file_when_asked()
    {
        Append("old\n");
        using var tailer = Tail(startAtEnd: true);
        Assert.Equal(0, Poll(tailer));
        Append("new\n");
        Poll(tailer);
        Assert.Equal(["new"], Lines);
    }

    [Fact]
    public void Should_finish_a_renamed_file_before_reading_the_new_one()
    {
        Append("a1\n");
        using var tailer = Tail();
        Poll(tailer);
        // logrotate's create mode: rename, the writer still appends to the old file, then a new file appears.
        File.Move(_log, _log + ".1");
        Append("a2\n", _log + ".1");
        Append("b1\n");
        Append("b2\n");
        Poll(tailer);
        Poll(tailer);
        Assert.Equal(["a1", "a2", "b1", "b2"], Lines);
        Assert.NotEqual(_seen[0].File, _seen[2].File);
        Assert.Equal(0, _seen[2].Offset);
    }

    [Fact]
    public void Should_read_again_from_the_top_after_copytruncate()
    {
        Append("x1\nx2\n");
        using var tailer = Tail();
        Poll(tailer);
        File.Copy(_log, _log + ".1");
        using (new FileStream(_log, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
        }
        Append("y1\n");
        Poll(tailer);
        Assert.Equal(["x1", "x2", "y1"], Lines);
        Assert.Equal(0, _seen[2].Offset);
    }

    [Fact]
    public void Should_catch_a_truncated_file_that_grew_past_the_old_offset()
    {
        Append("first line of the old content\n");
        using var tailer = Tail();
        Poll(tailer);
        using (new FileStream(_log, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
        }
        Append("NEW 1\nNEW 2 is a longer line than before\n");
        Poll(tailer);
        Assert.Equal(["first line of the old content", "NEW 1", "NEW 2 is a longer line than before"], Lines);
    }

    [Fact]
    public void Should_wait_for_a_file_that_disappeared_and_read_it_whole_when_it_comes_back()
    {
        Append("before\n");
        using var tailer = Tail();
        Poll(tailer);
        File.Delete(_log);
        Assert.Equal(0, Poll(tailer));
        Assert.Equal(0, Poll(tailer));
        Append("after\n");
        Poll(tailer);
        Assert.Equal(["before", "after"], Lines);
    }

    [Fact]
    public void Should_resume_at_its_checkpoint_after_a_restart()
    {
        Append("r1\nr2\n");
        TailCheckpoint checkpoint;
        using (var first = Tail())
        {
            Poll(first);
            checkpoint = first.Position!;
        }
        Append("r3\n");
        using var second = Tail(checkpoint, startAtEnd: true);
        Poll(second);
        Assert.Equal(["r1", "r2", "r3"], Lines);
        Assert.Equal(6, _seen[2].Offset);
    }

    [Fact]
    public void Should_finish_a_file_rotated_while_it_was_not_running()
    {
        Append("o1\n");
        TailCheckpoint checkpoint;
        using (var first = Tail())
        {
            Poll(first);
            checkpoint = first.Position!;
        }
        Append("o2\n");
        File.Move(_log, _log + ".1");
        Append("n1\n");
        using var second = Tail(checkpoint);
        Poll(second);
        Poll(second);
        Assert.Equal(["o1", "o2", "n1"], Lines);
    }

    [Fact]
    public void Should_start_over_when_the_checkpointed_file_was_rewritten()
    {
        Append("the original first line\n");
        TailCheckpoint checkpoint;
        using (var first = Tail())
        {
            Poll(first);
            checkpoint = first.Position!;
        }
        using (new FileStream(_log, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite))
        {
        }
        Append("something else entirely, and longer than before\n");
        using var second = Tail(checkpoint);
        Poll(second);
        Assert.Equal(["the original first line", "something else entirely, and longer than before"], Lines);
    }

    [Fact]
    public void Should_give_a_rotated_file_the_rotation_grace_before_leaving_it()
    {
        Append("g1\n");
        using var tailer = new FileTailer(_log, null, false, TimeSpan.FromSeconds(10));
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        tailer.Poll((l, o, f) => _seen.Add((Encoding.UTF8.GetString(l), o, f.Identity)), t0);
        File.Move(_log, _log + ".1");
        Append("n1\n");
        tailer.Poll((l, o, f) => _seen.Add((Encoding.UTF8.GetString(l), o, f.Identity)), t0.AddSeconds(1));
        Append("g2\n", _log + ".1");
        tailer.Poll((l, o, f) => _seen.Add((Encoding.UTF8.GetString(l), o, f.Identity)), t0.AddSeconds(5));
        Assert.Equal(["g1", "g2"], Lines);
        tailer.Poll((l, o, f) => _seen.Add((Encoding.UTF8.GetString(l), o, f.Identity)), t0.AddSeconds(20));
        Assert.Equal(["g1", "g2", "n1"], Lines);
    }

    [Fact]
    public void Should_drop_an_oversize_line_and_go_on()
    {
        Append("ok\n" + new string('x', 200_000) + "\nafter\n");
        using var tailer = Tail();
        Poll(tailer);
        Assert.Equal(["ok", "after"], Lines);
        Assert.Equal(1, tailer.Oversize);
    }
}
