using System.Text;
using LogSentinel.Collector.Spooling;

namespace LogSentinel.Collector.Tests;

public sealed class DiskSpoolTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("logsentinel-spool-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Record(int i) => Encoding.UTF8.GetBytes($"batch {i} " + new string('x', i % 50));

    private static List<string> Drain(DiskSpool spool)
    {
        var records = new List<string>();
        while (spool.TryPeek(out var record))
        {
            records.Add(Encoding.UTF8.GetString(record));
            spool.Acknowledge();
        }
        return records;
    }

    [Fact]
    public void Should_give_records_back_in_order_across_segments()
    {
        using var spool = new DiskSpool(_dir, maxBytes: 1 << 20, segmentBytes: 256);
        for (var i = 0; i < 100; i++)
            Assert.True(spool.TryAppend(Record(i)));
        Assert.Equal(100, spool.Count);
        Assert.True(Directory.GetFiles(_dir, "*.seg").Length > 1);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => Encoding.UTF8.GetString(Record(i))), Drain(spool));
        Assert.True(spool.IsEmpty);
        Assert.Equal(0, spool.Bytes);
        Assert.True(Directory.GetFiles(_dir, "*.seg").Length <= 1);
    }

    [Fact]
    public void Should_keep_unacknowledged_records_and_forget_acknowledged_ones_across_a_restart()
    {
        using (var spool = new DiskSpool(_dir, maxBytes: 1 << 20, segmentBytes: 200))
        {
            for (var i = 0; i < 20; i++)
                spool.TryAppend(Record(i));
            for (var i = 0; i < 7; i++)
            {
                Assert.True(spool.TryPeek(out _));
                spool.Acknowledge();
            }
        }
        using var reopened = new DiskSpool(_dir, maxBytes: 1 << 20, segmentBytes: 200);
        Assert.Equal(13, reopened.Count);
        reopened.TryAppend(Record(20));
        Assert.Equal(Enumerable.Range(7, 14).Select(i => Encoding.UTF8.GetString(Record(i))), Drain(reopened));
    }

    [Fact]
    public void Should_refuse_an_append_when_full_and_take_it_once_there_is_room()
    {
        using var spool = new DiskSpool(_dir, maxBytes: 100);
        Assert.True(spool.TryAppend(new byte[40]));
        Assert.True(spool.TryAppend(new byte[40]));
        Assert.False(spool.TryAppend(new byte[40]));
        Assert.Equal(2, spool.Count);
        spool.TryPeek(out _);
        spool.Acknowledge();
        Assert.True(spool.TryAppend(new byte[40]));
    }

    [Fact]
    public void Should_drop_a_record_cut_short_by_a_crash_and_keep_the_ones_before()
    {
        using (var spool = new DiskSpool(_dir, maxBytes: 1 << 20))
        {
            spool.TryAppend(Record(1));
            spool.TryAppend(Record(2));
        }
        var segment = Directory.GetFiles(_dir, "*.seg").Single();
        using (var file = new FileStream(segment, FileMode.Open))
            file.SetLength(file.Length - 3);
        var damage = new List<string>();
        using var reopened = new DiskSpool(_dir, maxBytes: 1 << 20, onDamage: damage.Add);
        Assert.Single(damage);
        reopened.TryAppend(Record(3));
        Assert.Equal([Encoding.UTF8.GetString(Record(1)), Encoding.UTF8.GetString(Record(3))], Drain(reopened));
    }

    [Fact]
    public void Should_drop_a_damaged_record_instead_of_sending_garbage()
    {
        using (var spool = new DiskSpool(_dir, maxBytes: 1 << 20))
        {
            spool.TryAppend(Record(1));
            spool.TryAppend(Record(2));
        }
        var segment = Directory.GetFiles(_dir, "*.seg").Single();
        var bytes = File.ReadAllBytes(segment);
        bytes[^2] ^= 0xFF;
        File.WriteAllBytes(segment, bytes);
        using var reopened = new DiskSpool(_dir, maxBytes: 1 << 20);
        Assert.Equal([Encoding.UTF8.GetString(Record(1))], Drain(reopened));
    }
}
