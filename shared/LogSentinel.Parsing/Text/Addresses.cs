using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LogSentinel.Parsing.Text;

/// <summary>
/// Recognises the remote party a log line names: an IPv4 or IPv6 address (any written form, including
/// ::ffff:a.b.c.d and zero-padded octets) or a DNS host name; gives the canonical IP text for source.ip.
/// </summary>
internal static class Addresses
{
    private const int MaxHostNameLength = 253;

    /// <summary>Length of the address-looking token at the start of <paramref name="s"/> (0 when none).</summary>
    public static int TokenLength(ReadOnlySpan<byte> s)
    {
        var i = 0;
        while (i < s.Length && IsAddressChar(s[i]))
            i++;
        // A sentence can end right after an address ("from 1.2.3.4." never occurs, "from host." might).
        while (i > 0 && s[i - 1] == '.')
            i--;
        return i;
    }

    private static bool IsAddressChar(byte b) =>
        (uint)(b - '0') <= 9 || (uint)((b | 0x20) - 'a') <= 'z' - 'a' || b is (byte)'.' or (byte)':' or (byte)'-' or (byte)'_' or (byte)'%';

    /// <summary>True when the whole span is an IP address or a plausible host name.</summary>
    public static bool IsAddress(ReadOnlySpan<byte> s) => IsIp(s) || IsHostName(s);

    public static bool IsIp(ReadOnlySpan<byte> s) => IsIPv4(s) || (s.Length >= 2 && s.Contains((byte)':') && TryParseIPv6(s, out _));

    /// <summary>Dotted quad, decimal octets (leading zeros are decimal, never octal).</summary>
    public static bool IsIPv4(ReadOnlySpan<byte> s) => TryParseIPv4(s, out _);

    public static bool TryParseIPv4(ReadOnlySpan<byte> s, out uint value)
    {
        value = 0;
        var octets = 0;
        var i = 0;
        while (true)
        {
            var start = i;
            var octet = 0;
            while (i < s.Length && Bytes.IsDigit(s[i]) && i - start < 3)
                octet = octet * 10 + (s[i++] - '0');
            if (i == start || octet > 255)
                return false;
            value = (value << 8) | (uint)octet;
            octets++;
            if (octets == 4)
                return i == s.Length;
            if (i >= s.Length || s[i] != '.')
                return false;
            i++;
        }
    }

    private static bool TryParseIPv6(ReadOnlySpan<byte> s, out IPAddress? address)
    {
        address = null;
        if (s.Length > 64)
            return false;
        Span<char> chars = stackalloc char[s.Length];
        var n = 0;
        foreach (var b in s)
        {
            if (b == '%')
                break; // zone id: not part of the address we report
            if (!(Bytes.IsDigit(b) || (uint)((b | 0x20) - 'a') <= 'f' - 'a' || b == ':' || b == '.'))
                return false;
            chars[n++] = (char)b;
        }
        return IPAddress.TryParse(chars[..n], out address) && address.AddressFamily == AddressFamily.InterNetworkV6;
    }

    public static bool IsHostName(ReadOnlySpan<byte> s)
    {
        if (s.IsEmpty || s.Length > MaxHostNameLength || s[0] == '-' || s[0] == '.')
            return false;
        var hasLetter = false;
        foreach (var b in s)
        {
            if ((uint)((b | 0x20) - 'a') <= 'z' - 'a')
                hasLetter = true;
            else if (!(Bytes.IsDigit(b) || b is (byte)'.' or (byte)'-' or (byte)'_'))
                return false;
        }
        return hasLetter;
    }

    /// <summary>
    /// Canonical text of an IP address: IPv4 in plain decimal, IPv6 compressed lower case, IPv4-mapped IPv6 as IPv4.
    /// Null when <paramref name="s"/> is not an IP. Returns <paramref name="written"/> itself when already canonical.
    /// </summary>
    public static string? CanonicalIp(ReadOnlySpan<byte> s, string written)
    {
        if (TryParseIPv4(s, out var v4))
            return IsCanonicalIPv4(s) ? written : FormatIPv4(v4);
        if (!s.Contains((byte)':') || !TryParseIPv6(s, out var v6) || v6 is null)
            return null;
        if (v6.IsIPv4MappedToIPv6)
            return v6.MapToIPv4().ToString();
        var text = v6.ToString();
        return text == written ? written : text;
    }

    private static bool IsCanonicalIPv4(ReadOnlySpan<byte> s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] == '0' && (i == 0 || s[i - 1] == '.') && i + 1 < s.Length && Bytes.IsDigit(s[i + 1]))
                return false;
        }
        return true;
    }

    private static string FormatIPv4(uint v) => new StringBuilder(15)
        .Append(v >> 24).Append('.').Append((v >> 16) & 255).Append('.').Append((v >> 8) & 255).Append('.').Append(v & 255)
        .ToString();
}
