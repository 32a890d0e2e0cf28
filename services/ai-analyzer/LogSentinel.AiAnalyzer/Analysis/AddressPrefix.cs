using System.Net;
using System.Net.Sockets;

namespace LogSentinel.AiAnalyzer.Analysis;

/// <summary>An address as the network it is in ("203.0.113.0/24"), for sending less than the whole address.</summary>
public static class AddressPrefix
{
    /// <summary>The address's prefix; the address itself at full length; anything not an address unchanged.</summary>
    public static string Of(string address, int ipv4Prefix, int ipv6Prefix)
    {
        if (!IPAddress.TryParse(address, out var ip))
            return address;
        var prefix = ip.AddressFamily == AddressFamily.InterNetwork ? ipv4Prefix : ipv6Prefix;
        var bytes = ip.GetAddressBytes();
        if (prefix >= bytes.Length * 8)
            return address;
        for (var bit = prefix; bit < bytes.Length * 8; bit++)
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        return new IPAddress(bytes) + "/" + prefix;
    }
}
