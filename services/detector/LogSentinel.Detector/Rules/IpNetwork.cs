using System.Net;
using System.Net.Sockets;

namespace LogSentinel.Detector.Rules;

/// <summary>An IPv4 or IPv6 network in CIDR notation ("10.0.0.0/8", "2001:db8::/32"; a bare address is a /32 or /128).</summary>
public sealed class IpNetwork
{
    private readonly byte[] _prefix;
    private readonly int _bits;
    private readonly AddressFamily _family;
    private readonly string _text;

    private IpNetwork(IPAddress address, int bits, string text)
    {
        _family = address.AddressFamily;
        _bits = bits;
        _prefix = Mask(address.GetAddressBytes(), bits);
        _text = text;
    }

    public static bool TryParse(string text, out IpNetwork? network, out string? error)
    {
        network = null;
        error = null;
        var slash = text.IndexOf('/');
        var addressText = slash < 0 ? text : text[..slash];
        if (!IPAddress.TryParse(addressText, out var address))
        {
            error = $"'{text}' is not an IP address or network";
            return false;
        }
        var max = address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        var bits = max;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out bits) || bits > max))
        {
            error = $"'{text}' has a prefix length that is not 0-{max}";
            return false;
        }
        network = new IpNetwork(address, bits, text);
        return true;
    }

    public bool Contains(IPAddress address)
    {
        if (address.AddressFamily != _family)
            return false;
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var written);
        var full = _bits / 8;
        if (!bytes[..full].SequenceEqual(_prefix.AsSpan(0, full)))
            return false;
        var rest = _bits % 8;
        return rest == 0 || (bytes[full] & (byte)(0xFF << (8 - rest))) == _prefix[full];
    }

    /// <summary>The address with every bit after the first <paramref name="bits"/> cleared.</summary>
    public static byte[] Mask(byte[] bytes, int bits)
    {
        var masked = (byte[])bytes.Clone();
        for (var i = 0; i < masked.Length; i++)
        {
            var keep = Math.Clamp(bits - i * 8, 0, 8);
            masked[i] &= (byte)(0xFF << (8 - keep));
        }
        return masked;
    }

    /// <summary>"2001:db8:1:2::/64" for an IPv6 address and a prefix length; IPv4 addresses are returned unchanged.</summary>
    public static string? PrefixOf(string ip, int v6Bits)
    {
        if (!ip.Contains(':'))
            return ip;
        if (!IPAddress.TryParse(ip, out var address))
            return null;
        return new IPAddress(Mask(address.GetAddressBytes(), v6Bits)) + "/" + v6Bits.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public override string ToString() => _text;
}
