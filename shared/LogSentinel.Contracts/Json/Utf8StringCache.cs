using System.Text;

namespace LogSentinel.Contracts.Json;

/// <summary>
/// Hands out one string instance for the same short UTF-8 value: the event stream repeats host names, actions,
/// datasets, countries, attackers' addresses and targeted user names thousands of times a second, and a consumer
/// that holds events in memory (the detector's reorder buffer) would otherwise keep a copy of each per event.
/// Direct-mapped and lock-free: a slot holds the last string that hashed to it; readers compare before reusing, so
/// a collision or a race only costs an allocation, never a wrong value.
/// </summary>
internal static class Utf8StringCache
{
    private const int Slots = 1 << 14;
    private const int MaxLength = 48;

    private static readonly string?[] _slots = new string?[Slots];

    public static string Get(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > MaxLength || !Ascii.IsValid(utf8))
            return Encoding.UTF8.GetString(utf8);
        var hash = new HashCode();
        hash.AddBytes(utf8);
        var slot = hash.ToHashCode() & (Slots - 1);
        var cached = Volatile.Read(ref _slots[slot]);
        if (cached is not null && Ascii.Equals(utf8, cached))
            return cached;
        var value = Encoding.ASCII.GetString(utf8);
        Volatile.Write(ref _slots[slot], value);
        return value;
    }
}
