using System.Buffers.Binary;
using System.IO.MemoryMappedFiles;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LogSentinel.GeoIp;

/// <summary>
/// Reads a MaxMind DB (.mmdb, format 2.0: binary search tree over address bits, then a data section of typed
/// values, then metadata), as GeoLite2, DB-IP and ip-location-db ship it. The file is memory-mapped, so only the
/// pages a lookup touches use memory. No package reader is served here; this covers what country and city lookups need.
/// Thread-safe for lookups.
/// </summary>
public sealed unsafe class MaxMindDatabase : IDisposable
{
    private static readonly byte[] MetadataMarker = [0xAB, 0xCD, 0xEF, .. "MaxMind.com"u8];

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly long _length;
    private readonly int _nodeCount;
    private readonly int _recordSize;
    private readonly int _ipVersion;
    private readonly long _treeSize;
    private readonly int _ipv4Start;

    public MaxMindDatabase(string path)
    {
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.Read);
        _view = _file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _base = pointer + _view.PointerOffset;
        _length = new FileInfo(path).Length;
        var data = Bytes;
        var marker = data.LastIndexOf(MetadataMarker);
        if (marker < 0)
            throw new InvalidDataException($"{path}: no MaxMind DB metadata");
        var metadata = new Decoder(data[(marker + MetadataMarker.Length)..]).DecodeMap(0, out _);
        _nodeCount = checked((int)Convert.ToInt64(metadata["node_count"], System.Globalization.CultureInfo.InvariantCulture));
        _recordSize = Convert.ToInt32(metadata["record_size"], System.Globalization.CultureInfo.InvariantCulture);
        _ipVersion = Convert.ToInt32(metadata["ip_version"], System.Globalization.CultureInfo.InvariantCulture);
        if (_recordSize is not (24 or 28 or 32))
            throw new InvalidDataException($"{path}: record size {_recordSize} is not one of 24, 28, 32");
        _treeSize = (long)_nodeCount * _recordSize / 4;
        if (_treeSize + 16 > marker)
            throw new InvalidDataException($"{path}: search tree larger than the file");
        _ipv4Start = 0;
        if (_ipVersion == 6)
        {
            // IPv4 addresses live under ::/96 in an IPv6 tree: follow 96 zero bits once.
            var node = 0;
            for (var i = 0; i < 96 && node < _nodeCount; i++)
                node = ReadRecord(node, 0);
            _ipv4Start = node;
        }
    }

    private ReadOnlySpan<byte> Bytes => new(_base, checked((int)_length));

    /// <summary>The record stored for the network holding <paramref name="address"/>: a map of fields, or null.</summary>
    public IReadOnlyDictionary<string, object?>? Lookup(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        Span<byte> bytes = stackalloc byte[16];
        if (!address.TryWriteBytes(bytes, out var written))
            return null;
        bytes = bytes[..written];
        int node;
        if (address.AddressFamily == AddressFamily.InterNetwork)
            node = _ipVersion == 6 ? _ipv4Start : 0;
        else if (_ipVersion == 6)
            node = 0;
        else
            return null;
        var bits = bytes.Length * 8;
        for (var i = 0; i < bits && node < _nodeCount; i++)
            node = ReadRecord(node, (bytes[i >> 3] >> (7 - (i & 7))) & 1);
        if (node <= _nodeCount)
            return null;
        var offset = node - _nodeCount - 16;
        var data = Bytes[(int)(_treeSize + 16)..];
        if (offset < 0 || offset >= data.Length)
            throw new InvalidDataException("record points outside the data section");
        return new Decoder(data).Decode(offset, out _) as IReadOnlyDictionary<string, object?>;
    }

    private int ReadRecord(int node, int bit)
    {
        var data = Bytes;
        switch (_recordSize)
        {
            case 24:
            {
                var at = node * 6 + bit * 3;
                return data[at] << 16 | data[at + 1] << 8 | data[at + 2];
            }
            case 28:
            {
                var at = node * 7;
                if (bit == 0)
                    return (data[at + 3] & 0xF0) << 20 | data[at] << 16 | data[at + 1] << 8 | data[at + 2];
                return (data[at + 3] & 0x0F) << 24 | data[at + 4] << 16 | data[at + 5] << 8 | data[at + 6];
            }
            default:
                return (int)BinaryPrimitives.ReadUInt32BigEndian(data[(node * 8 + bit * 4)..]);
        }
    }

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    /// <summary>The data section's encoding: a control byte (type, size), then the value; pointers refer into the section.</summary>
    private readonly ref struct Decoder(ReadOnlySpan<byte> section)
    {
        private readonly ReadOnlySpan<byte> _section = section;

        public Dictionary<string, object?> DecodeMap(int offset, out int next) =>
            Decode(offset, out next) as Dictionary<string, object?> ?? throw new InvalidDataException("metadata is not a map");

        public object? Decode(int offset, out int next)
        {
            var control = _section[offset++];
            var type = control >> 5;
            if (type == 1)
            {
                var pointer = Pointer(control, ref offset);
                next = offset;
                return Decode(pointer, out _);
            }
            if (type == 0)
                type = 7 + _section[offset++];
            var size = control & 0x1F;
            if (size >= 29)
            {
                var extra = size - 28;
                var value = 0;
                for (var i = 0; i < extra; i++)
                    value = value << 8 | _section[offset++];
                size = size switch { 29 => 29 + value, 30 => 285 + value, _ => 65821 + value };
            }
            switch (type)
            {
                case 2:
                    next = offset + size;
                    return Encoding.UTF8.GetString(_section.Slice(offset, size));
                case 3:
                    next = offset + 8;
                    return BinaryPrimitives.ReadDoubleBigEndian(_section[offset..]);
                case 4:
                    next = offset + size;
                    return _section.Slice(offset, size).ToArray();
                case 5 or 6 or 9 or 10:
                    next = offset + size;
                    return UnsignedInteger(_section.Slice(offset, size));
                case 8:
                    next = offset + size;
                    return (int)UnsignedInteger(_section.Slice(offset, size));
                case 7:
                {
                    var map = new Dictionary<string, object?>(size, StringComparer.Ordinal);
                    for (var i = 0; i < size; i++)
                    {
                        var key = Decode(offset, out offset) as string ?? throw new InvalidDataException("map key is not a string");
                        map[key] = Decode(offset, out offset);
                    }
                    next = offset;
                    return map;
                }
                case 11:
                {
                    var list = new List<object?>(size);
                    for (var i = 0; i < size; i++)
                        list.Add(Decode(offset, out offset));
                    next = offset;
                    return list;
                }
                case 14:
                    next = offset;
                    return size != 0;
                case 15:
                    next = offset + 4;
                    return BinaryPrimitives.ReadSingleBigEndian(_section[offset..]);
                default:
                    throw new InvalidDataException($"unknown data type {type}");
            }
        }

        private int Pointer(byte control, ref int offset)
        {
            var size = (control >> 3) & 0x3;
            var high = control & 0x7;
            int pointer;
            switch (size)
            {
                case 0:
                    pointer = high << 8 | _section[offset];
                    break;
                case 1:
                    pointer = (high << 16 | _section[offset] << 8 | _section[offset + 1]) + 2048;
                    break;
                case 2:
                    pointer = (high << 24 | _section[offset] << 16 | _section[offset + 1] << 8 | _section[offset + 2]) + 526336;
                    break;
                default:
                    pointer = (int)BinaryPrimitives.ReadUInt32BigEndian(_section[offset..]);
                    break;
            }
            offset += size + 1;
            return pointer;
        }

        private static ulong UnsignedInteger(ReadOnlySpan<byte> bytes)
        {
            ulong value = 0;
            foreach (var b in bytes[Math.Max(0, bytes.Length - 8)..])
                value = value << 8 | b;
            return value;
        }
    }
}
