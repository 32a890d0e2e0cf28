using System.Text;
using LogSentinel.Collector.Reading;
using LogSentinel.Parsing;

namespace LogSentinel.Collector.Tests;

public class LineReaderTests
{
    private static List<(string Line, long Offset)> Read(byte[] data, int bufferSize, out long oversize)
    {
        var lines = new List<(string, long)>();
        oversize = new LineReader(bufferSize).ReadAll(new MemoryStream(data), (line, offset) => lines.Add((Encoding.UTF8.GetString(line), offset)));
        return lines;
    }

    [Fact]
    public void Should_give_each_line_with_the_offset_it_starts_at()
    {
        var lines = Read(Encoding.UTF8.GetBytes("first\nsecond line\n\nfourth\n"), FieldLimits.Line + 1, out _);
        Assert.Equal([("first", 0L), ("second line", 6L), ("", 18L), ("fourth", 19L)], lines);
    }

    [Fact]
    public void Should_deliver_a_last_line_without_line_feed_at_the_end_of_the_stream()
    {
        var lines = Read(Encoding.UTF8.GetBytes("a\nb"), FieldLimits.Line + 1, out _);
        Assert.Equal(("b", 2L), lines[^1]);
    }

    [Fact]
    public void Should_keep_offsets_right_across_buffer_refills()
    {
        var text = new StringBuilder();
        var expected = new List<(string, long)>();
        for (var i = 0; i < 5000; i++)
        {
            var line = new string((char)('a' + i % 26), i % 300);
            expected.Add((line, Encoding.UTF8.GetByteCount(text.ToString())));
            text.Append(line).Append('\n');
        }
        var lines = Read(Encoding.UTF8.GetBytes(text.ToString()), FieldLimits.Line + 1, out _);
        Assert.Equal(expected, lines);
    }

    [Fact]
    public void Should_drop_an_oversize_line_whole_and_go_on_with_the_next()
    {
        var huge = new string('x', 1024 * 1024);
        var lines = Read(Encoding.UTF8.GetBytes("before\n" + huge + "\nafter\n"), FieldLimits.Line + 1, out var oversize);
        Assert.Equal(1, oversize);
        Assert.Equal(["before", "after"], lines.Select(l => l.Line));
        Assert.Equal(7 + huge.Length + 1, lines[1].Offset);
    }

    [Fact]
    public void Should_drop_an_oversize_last_line_that_never_ends()
    {
        var lines = Read(Encoding.UTF8.GetBytes("ok\n" + new string('y', 200_000)), FieldLimits.Line + 1, out var oversize);
        Assert.Equal(1, oversize);
        Assert.Equal(["ok"], lines.Select(l => l.Line));
    }
}
