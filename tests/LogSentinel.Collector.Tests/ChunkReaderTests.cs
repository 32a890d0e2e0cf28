using System.Text;
using LogSentinel.Collector.Reading;
using LogSentinel.Parsing;
using LogSentinel.Parsing.Scanning;

namespace LogSentinel.Collector.Tests;

public class ChunkReaderTests
{
    private const int ChunkSize = FieldLimits.Line + 1;

    /// <summary>Reads the whole stream and gives back every line with the offset it starts at, plus the oversize count.</summary>
    private static (List<(string Line, long Offset)> Lines, long Oversize) Read(byte[] data)
    {
        var reader = new ChunkReader(new MemoryStream(data));
        var chunk = new ScannedChunk(ChunkSize);
        var lines = new List<(string, long)>();
        long oversize = 0;
        while (true)
        {
            chunk.Reset();
            if (!reader.Fill(chunk))
                break;
            oversize += chunk.DroppedOversize;
            var text = chunk.Buffer.AsSpan(0, chunk.Length);
            var start = 0;
            while (start < text.Length)
            {
                var nl = text[start..].IndexOf((byte)'\n');
                var end = nl < 0 ? text.Length : start + nl;
                lines.Add((Encoding.UTF8.GetString(text[start..end]), chunk.Offset + start));
                start = end + 1;
            }
            Assert.True(chunk.Length == 0 || text[^1] == '\n' || !reader.Fill(new ScannedChunk(ChunkSize)),
                "only the last chunk of a stream may end without a line feed");
        }
        return (lines, oversize);
    }

    [Fact]
    public void Should_give_each_line_with_the_offset_it_starts_at()
    {
        var (lines, _) = Read(Encoding.UTF8.GetBytes("first\nsecond line\n\nfourth\n"));
        Assert.Equal([("first", 0L), ("second line", 6L), ("", 18L), ("fourth", 19L)], lines);
    }

    [Fact]
    public void Should_keep_a_last_line_without_line_feed()
    {
        var (lines, _) = Read(Encoding.UTF8.GetBytes("a\nb"));
        Assert.Equal(("b", 2L), lines[^1]);
    }

    [Fact]
    public void Should_cut_chunks_only_between_lines_and_keep_offsets_right()
    {
        var text = new StringBuilder();
        var expected = new List<(string, long)>();
        long offset = 0;
        for (var i = 0; i < 5000; i++)
        {
            var line = new string((char)('a' + i % 26), i % 300);
            expected.Add((line, offset));
            text.Append(line).Append('\n');
            offset += line.Length + 1;
        }
        var (lines, oversize) = Read(Encoding.UTF8.GetBytes(text.ToString()));
        Assert.Equal(expected, lines);
        Assert.Equal(0, oversize);
    }

    [Fact]
    public void Should_drop_a_line_longer_than_a_chunk_whole_and_go_on()
    {
        var huge = new string('x', 3 * ChunkSize);
        var (lines, oversize) = Read(Encoding.UTF8.GetBytes("before\n" + huge + "\nafter\n"));
        Assert.Equal(1, oversize);
        Assert.Equal(["before", "after"], lines.Select(l => l.Line));
        Assert.Equal(7 + huge.Length + 1, lines[1].Offset);
    }

    [Fact]
    public void Should_drop_an_oversize_last_line_that_never_ends()
    {
        var (lines, oversize) = Read(Encoding.UTF8.GetBytes("ok\n" + new string('y', 2 * ChunkSize)));
        Assert.Equal(1, oversize);
        Assert.Equal(["ok"], lines.Select(l => l.Line));
    }
}
