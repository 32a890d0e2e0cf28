using System.Text;

namespace LogSentinel.Parsing.Text;

/// <summary>
/// Reuses the string made for a short byte sequence seen recently (host names, program names, user names,
/// attacker addresses repeat line after line), so a burst of events does not allocate the same text again.
/// Direct-mapped and fixed in size: a miss replaces the slot, memory stays bounded.
/// </summary>
internal sealed class Utf8StringCache
{
    private const int Slots = 1024;
    private const int MaxCachedLength = 64;
    private readonly byte[]?[] _keys = new byte[Slots][];
    private readonly string?[] _values = new string[Slots];

    public string Get(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > MaxCachedLength)
            return Encoding.UTF8.GetString(bytes);
        var slot = (int)(Identity.XxHash64.Hash(bytes) & (Slots - 1));
        var key = _keys[slot];
        if (key is not null && bytes.SequenceEqual(key))
            return _values[slot]!;
        var value = Encoding.UTF8.GetString(bytes);
        _keys[slot] = bytes.ToArray();
        _values[slot] = value;
        return value;
    }
}
