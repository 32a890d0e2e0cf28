using System.Text;

namespace LogSentinel.Parsing.Identity;

/// <summary>
/// Deterministic event ids: 40 lower-case hex digits =
/// 16 for the stream (XXH64 of collector host and file path), 12 for the line's byte offset,
/// 4 for the event's index on that line, 8 for a hash of the line's bytes.
/// Offset and index are written out, not hashed, so two lines of one file can never share an id; the line
/// hash tells apart a new line written at an old offset after the file was truncated.
/// </summary>
public static class EventIds
{
    /// <summary>Key of one stream of lines: the same host and path always give the same key.</summary>
    public static ulong StreamKey(string collectorHost, string path) =>
        XxHash64.Hash(Encoding.UTF8.GetBytes(collectorHost + "\0" + path), StreamKeySeed);

    // Fixed forever: changing it changes every event id.
    private const ulong StreamKeySeed = 0x4C6F6753656E7431; // "LogSent1"

    public static uint LineHash(ReadOnlySpan<byte> line) => (uint)XxHash64.Hash(line);

    /// <summary>A 64-bit hash of some bytes (the head of a file, to recognise it again).</summary>
    public static ulong Fingerprint(ReadOnlySpan<byte> bytes) => XxHash64.Hash(bytes);

    /// <summary>A 64-bit hash of a text's UTF-16 bytes: no allocation, the same on every little-endian host.</summary>
    public static ulong Fingerprint(string text) => XxHash64.Hash(System.Runtime.InteropServices.MemoryMarshal.AsBytes(text.AsSpan()));

    public static string Create(ulong streamKey, long offset, int index, uint lineHash) =>
        string.Create(40, (streamKey, offset, index, lineHash), static (span, v) =>
        {
            WriteHex(span[..16], v.streamKey);
            WriteHex(span.Slice(16, 12), (ulong)v.offset);
            WriteHex(span.Slice(28, 4), (ulong)v.index);
            WriteHex(span.Slice(32, 8), v.lineHash);
        });

    private static void WriteHex(Span<char> into, ulong value)
    {
        for (var i = into.Length - 1; i >= 0; i--)
        {
            into[i] = "0123456789abcdef"[(int)(value & 0xF)];
            value >>= 4;
        }
    }
}
