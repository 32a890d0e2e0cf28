using System.Buffers.Binary;
using System.Globalization;
using LogSentinel.ServiceDefaults;

namespace LogSentinel.Collector.Spooling;

/// <summary>
/// A bounded, ordered, crash-safe queue of records on disk: where batches wait while the broker is unreachable.
/// Records go into numbered segment files as [length][checksum][bytes], each append flushed to the disk before it
/// returns (a checkpoint may then move past the lines it holds). The oldest record is read first and only removed
/// when acknowledged; the read position survives restarts. A record cut short by a crash, or damaged, ends its
/// segment: what follows it in that segment is dropped and reported. When the spool holds its maximum, appends are
/// refused and the caller stops reading (back-pressure) instead of losing anything.
/// </summary>
public sealed class DiskSpool : IDisposable
{
    private const int HeaderSize = 8;
    private const string SegmentPrefix = "spool-";
    private const string SegmentSuffix = ".seg";

    private readonly string _directory;
    private readonly long _maxBytes;
    private readonly long _segmentBytes;
    private readonly string _positionFile;
    private readonly SortedDictionary<long, Segment> _segments = new();
    private FileStream? _writer;
    private long _writeSegment;
    private long _readSegment;
    private int _readIndex;
    private long _readOffset;

    public DiskSpool(string directory, long maxBytes, long segmentBytes = 8 << 20, Action<string>? onDamage = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBytes, 1);
        _directory = directory;
        _maxBytes = maxBytes;
        _segmentBytes = Math.Min(segmentBytes, maxBytes);
        _positionFile = Path.Combine(directory, "spool.position");
        Directory.CreateDirectory(directory);
        Open(onDamage);
    }

    /// <summary>Bytes of records not yet acknowledged (headers included).</summary>
    public long Bytes { get; private set; }

    /// <summary>Records not yet acknowledged.</summary>
    public long Count { get; private set; }

    public bool IsEmpty => Count == 0;

    /// <summary>Appends a record and flushes it to the disk; false (and nothing written) when the spool is full.</summary>
    public bool TryAppend(ReadOnlySpan<byte> record)
    {
        var size = HeaderSize + record.Length;
        if (Bytes + size > _maxBytes && Count > 0)
            return false;
        if (_writer is null)
            StartSegment(_segments.Count == 0 ? _readSegment : _writeSegment + 1);
        else if (_writer.Length + size > _segmentBytes && _writer.Length > 0)
            StartSegment(_writeSegment + 1);
        Span<byte> header = stackalloc byte[HeaderSize];
        BinaryPrimitives.WriteInt32LittleEndian(header, record.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Checksum(record));
        _writer!.Write(header);
        _writer.Write(record);
        _writer.Flush(flushToDisk: true);
        _segments[_writeSegment].Records.Add(size);
        Bytes += size;
        Count++;
        return true;
    }

    /// <summary>The oldest record not yet acknowledged.</summary>
    public bool TryPeek(out byte[] record)
    {
        record = [];
        while (Count > 0)
        {
            var segment = _segments[_readSegment];
            if (_readIndex < segment.Records.Count)
            {
                record = ReadRecord(_readSegment, _readOffset, segment.Records[_readIndex] - HeaderSize);
                return true;
            }
            NextSegment();
        }
        return false;
    }

    /// <summary>Removes the record <see cref="TryPeek"/> gave; the position is kept on disk.</summary>
    public void Acknowledge()
    {
        if (Count == 0)
            throw new InvalidOperationException("nothing to acknowledge");
        var segment = _segments[_readSegment];
        if (_readIndex >= segment.Records.Count)
        {
            NextSegment();
            segment = _segments[_readSegment];
        }
        var size = segment.Records[_readIndex];
        _readIndex++;
        _readOffset += size;
        Bytes -= size;
        Count--;
        if (_readIndex >= segment.Records.Count && _readSegment != _writeSegment)
            NextSegment();
        SavePosition();
    }

    public void Dispose() => _writer?.Dispose();

    private void Open(Action<string>? onDamage)
    {
        foreach (var file in Directory.EnumerateFiles(_directory, SegmentPrefix + "*" + SegmentSuffix))
        {
            var name = Path.GetFileName(file);
            if (long.TryParse(name.AsSpan(SegmentPrefix.Length, name.Length - SegmentPrefix.Length - SegmentSuffix.Length),
                    NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                _segments[number] = Scan(file, onDamage);
        }
        (_readSegment, _readIndex) = LoadPosition();
        foreach (var number in _segments.Keys.Where(n => n < _readSegment).ToList())
        {
            File.Delete(SegmentPath(number));
            _segments.Remove(number);
        }
        if (_segments.Count == 0)
        {
            _readSegment = _readIndex = 0;
            return;
        }
        if (!_segments.ContainsKey(_readSegment))
        {
            _readSegment = _segments.Keys.First();
            _readIndex = 0;
        }
        // A damaged segment may now hold fewer records than the position says were read.
        _readIndex = Math.Min(_readIndex, _segments[_readSegment].Records.Count);
        _readOffset = _segments[_readSegment].Records.Take(_readIndex).Sum(r => (long)r);
        foreach (var (number, segment) in _segments)
        {
            var from = number == _readSegment ? _readIndex : 0;
            for (var i = from; i < segment.Records.Count; i++)
            {
                Bytes += segment.Records[i];
                Count++;
            }
        }
        _writeSegment = _segments.Keys.Last();
        _writer = new FileStream(SegmentPath(_writeSegment), FileMode.Open, FileAccess.Write, FileShare.Read);
        _writer.Seek(0, SeekOrigin.End);
    }

    /// <summary>Reads a segment's record sizes; a torn or damaged record ends it (the file is cut there).</summary>
    private static Segment Scan(string file, Action<string>? onDamage)
    {
        var segment = new Segment();
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        Span<byte> header = stackalloc byte[HeaderSize];
        long offset = 0;
        var buffer = new byte[64 * 1024];
        while (true)
        {
            stream.Position = offset;
            if (stream.ReadAtLeast(header, HeaderSize, throwOnEndOfStream: false) < HeaderSize)
                break;
            var length = BinaryPrimitives.ReadInt32LittleEndian(header);
            var checksum = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (length < 0 || offset + HeaderSize + length > stream.Length)
                break;
            if (buffer.Length < length)
                buffer = new byte[length];
            stream.ReadExactly(buffer, 0, length);
            if (Checksum(buffer.AsSpan(0, length)) != checksum)
                break;
            segment.Records.Add(HeaderSize + length);
            offset += HeaderSize + length;
        }
        if (offset < stream.Length)
        {
            onDamage?.Invoke($"{file}: {stream.Length - offset} bytes after offset {offset} are not a whole record; dropped");
            stream.SetLength(offset);
        }
        return segment;
    }

    private void StartSegment(long number)
    {
        _writer?.Dispose();
        if (Count == 0)
        {
            // Everything before is acknowledged: those segments can go.
            foreach (var old in _segments.Keys.ToList())
            {
                File.Delete(SegmentPath(old));
                _segments.Remove(old);
            }
            _readSegment = number;
            _readIndex = 0;
            _readOffset = 0;
        }
        _writeSegment = number;
        _writer = new FileStream(SegmentPath(number), FileMode.Create, FileAccess.Write, FileShare.Read);
        _segments[number] = new Segment();
        if (Count == 0)
            SavePosition();
    }

    private void NextSegment()
    {
        if (_readSegment == _writeSegment)
            return;
        File.Delete(SegmentPath(_readSegment));
        _segments.Remove(_readSegment);
        _readSegment = _segments.Keys.First();
        _readIndex = 0;
        _readOffset = 0;
    }

    private byte[] ReadRecord(long segment, long offset, int length)
    {
        var record = new byte[length];
        using var stream = new FileStream(SegmentPath(segment), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        stream.Position = offset + HeaderSize;
        stream.ReadExactly(record);
        return record;
    }

    private (long Segment, int Index) LoadPosition()
    {
        try
        {
            var text = File.ReadAllText(_positionFile).Split(' ');
            return (long.Parse(text[0], CultureInfo.InvariantCulture), int.Parse(text[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or OverflowException)
        {
            return (0, 0);
        }
    }

    private void SavePosition()
    {
        AtomicFile.Write(_positionFile, string.Create(CultureInfo.InvariantCulture, $"{_readSegment} {_readIndex}"), flushToDisk: false);
    }

    private string SegmentPath(long number) => Path.Combine(_directory, $"{SegmentPrefix}{number:D12}{SegmentSuffix}");

    private static uint Checksum(ReadOnlySpan<byte> bytes) => (uint)Parsing.Identity.EventIds.Fingerprint(bytes);

    private sealed class Segment
    {
        /// <summary>Sizes (header included) of the records, in order.</summary>
        public List<int> Records { get; } = [];
    }
}
