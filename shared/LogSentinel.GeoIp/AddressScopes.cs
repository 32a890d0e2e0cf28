using System.Net;
using System.Net.Sockets;

namespace LogSentinel.GeoIp;

/// <summary>Addresses no country owns (RFC 1918, RFC 6598, RFC 5737, RFC 4193, loopback, link-local, multicast...), by name.</summary>
public static class AddressScopes
{
    public const string Private = "private";
    public const string Loopback = "loopback";
    public const string LinkLocal = "link-local";
    public const string Shared = "shared";
    public const string Reserved = "reserved";

    private static readonly (IPNetwork Network, string Scope)[] Ranges =
    [
        (IPNetwork.Parse("10.0.0.0/8"), Private),
        (IPNetwork.Parse("172.16.0.0/12"), Private),
        (IPNetwork.Parse("192.168.0.0/16"), Private),
        (IPNetwork.Parse("127.0.0.0/8"), Loopback),
        (IPNetwork.Parse("169.254.0.0/16"), LinkLocal),
        (IPNetwork.Parse("100.64.0.0/10"), Shared),
        (IPNetwork.Parse("0.0.0.0/8"), Reserved),
        (IPNetwork.Parse("192.0.0.0/24"), Reserved),
        (IPNetwork.Parse("192.0.2.0/24"), Reserved),
        (IPNetwork.Parse("198.18.0.0/15"), Reserved),
        (IPNetwork.Parse("198.51.100.0/24"), Reserved),
        (IPNetwork.Parse("203.0.113.0/24"), Reserved),
        (IPNetwork.Parse("224.0.0.0/3"), Reserved),
        (IPNetwork.Parse("::1/128"), Loopback),
        (IPNetwork.Parse("::/128"), Reserved),
        (IPNetwork.Parse("fc00::/7"), Private),
        (IPNetwork.Parse("fe80::/10"), LinkLocal),
        (IPNetwork.Parse("2001:db8::/32"), Reserved),
        (IPNetwork.Parse("ff00::/8"), Reserved),
    ];

    /// <summary>The scope of a non-public address, or null for a public one.</summary>
    public static string? Of(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        foreach (var (network, scope) in Ranges)
        {
            if (network.BaseAddress.AddressFamily == address.AddressFamily && network.Contains(address))
                return scope;
        }
        return null;
    }
}
