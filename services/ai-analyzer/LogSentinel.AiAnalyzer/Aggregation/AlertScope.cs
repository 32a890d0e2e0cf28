using System.Net;
using LogSentinel.Contracts;

namespace LogSentinel.AiAnalyzer.Aggregation;

/// <summary>
/// Which groups of a window an alert is about, from the key its rule counted per. An alert keyed by an address (or
/// a network prefix) is about that address's groups, whatever accounts its events named: a login-after-failures
/// alert for an attacker's address says nothing of bob's sudo failures even when bob is among its users. An alert
/// keyed by an account alone is about that account's groups of the same kind: remote ones (with an address) when
/// its events came from addresses, local ones (sudo, su, a console login) when none did. An alert keyed by the
/// host alone is about the whole host, no group in particular.
/// </summary>
public sealed class AlertScope
{
    public const string Address = "address";
    public const string Account = "account";
    public const string Host = "host";

    private readonly string? _address;
    private readonly IPNetwork? _network;
    private readonly string? _account;

    private AlertScope(string about, string? address, string? account, bool local)
    {
        About = about;
        _address = address;
        // "source.ip/N" keys carry an IPv6 prefix (IPv4 addresses stay whole): a group is about it when inside it.
        if (address is not null && address.Contains('/', StringComparison.Ordinal) && IPNetwork.TryParse(address, out var network))
            _network = network;
        _account = account;
        Local = local;
    }

    /// <summary><see cref="Address"/>, <see cref="Account"/> or <see cref="Host"/>.</summary>
    public string About { get; }

    /// <summary>None of the alert's events came from a remote address.</summary>
    public bool Local { get; }

    /// <summary>From the detector's alert, whose group names every field of the key.</summary>
    public static AlertScope Of(AlertRaised alert)
    {
        string? address = null, account = null;
        foreach (var (field, value) in alert.Group)
        {
            if (field == "source.ip" || field.StartsWith("source.ip/", StringComparison.Ordinal))
                address = value;
            else if (field == "user.name")
                account = value;
        }
        var about = address is not null ? Address : account is not null ? Account : Host;
        return new AlertScope(about, address, account, alert.SourceIps.Count == 0);
    }

    /// <summary>From an alert of an aggregate: its address, or its account when it is about one.</summary>
    public static AlertScope Of(WindowAlert alert)
    {
        var about = alert.About ?? (alert.Ip is not null ? Address : alert.Username is not null ? Account : Host);
        return about switch
        {
            Address => new AlertScope(Address, alert.Ip, null, alert.Local),
            Account => new AlertScope(Account, null, alert.Username, alert.Local),
            _ => new AlertScope(about, null, null, alert.Local),
        };
    }

    /// <summary>Whether the alert is about the group of this address and account.</summary>
    public bool Names(string? ip, string? username)
    {
        if (_address is not null)
            return ip is not null && Covers(ip) && (_account is null || string.Equals(_account, username, StringComparison.Ordinal));
        if (_account is not null)
            return string.Equals(_account, username, StringComparison.Ordinal) && (ip is null) == Local;
        return false;
    }

    private bool Covers(string ip)
    {
        if (string.Equals(_address, ip, StringComparison.Ordinal))
            return true;
        return _network is { } network && IPAddress.TryParse(ip, out var parsed) && network.Contains(parsed);
    }
}
