using System.Net;
using LogSentinel.Contracts;

namespace LogSentinel.Detector.Rules;

/// <summary>
/// A rule's `match` (or `then`, or `reset`) block: every listed field must have one of its listed values, the source
/// must be inside one of the `source_cidr` networks when those are given, the account's local part must be one of
/// the `user_local_part` names when those are given, and the event must not match the `not` block.
/// </summary>
public sealed class EventMatcher
{
    private readonly (EventField Field, string[] Values)[] _conditions;
    private readonly IpNetwork[] _networks;
    private readonly string[] _localParts;
    private readonly EventMatcher? _not;

    public EventMatcher(
        IReadOnlyList<(EventField Field, string[] Values)> conditions,
        IReadOnlyList<IpNetwork> networks,
        EventMatcher? not,
        IReadOnlyList<string>? localParts = null)
    {
        _conditions = [.. conditions];
        _networks = [.. networks];
        _localParts = localParts is null ? [] : [.. localParts];
        _not = not;
    }

    /// <summary>The actions the block accepts, or null when it accepts any: lets the engine index rules by action.</summary>
    public IReadOnlyList<string>? Actions =>
        _conditions.FirstOrDefault(c => c.Field == EventField.Action).Values;

    public bool Matches(SecurityEvent e)
    {
        foreach (var (field, values) in _conditions)
        {
            var value = field.Read(e);
            if (value is null || Array.IndexOf(values, value) < 0)
                return false;
        }
        // Names before networks: comparing spans costs nothing, parsing the address allocates.
        if (_localParts.Length > 0 && !HasLocalPart(e.User?.Name, _localParts))
            return false;
        if (_networks.Length > 0 && !InAny(e, _networks))
            return false;
        return _not is null || !_not.Matches(e);
    }

    public static bool InAny(SecurityEvent e, IpNetwork[] networks)
    {
        if (e.Source?.Ip is not { } ip || !IPAddress.TryParse(ip, out var address))
            return false;
        foreach (var network in networks)
        {
            if (network.Contains(address))
                return true;
        }
        return false;
    }

    /// <summary>
    /// Whether the account's part before the first '@' (the whole name without one) is one of the names, ignoring
    /// case: "Admin", "admin@example.com" and "ADMIN" are the same bait account. Compared on spans, nothing allocated.
    /// </summary>
    public static bool HasLocalPart(string? userName, string[] names)
    {
        if (userName is null)
            return false;
        var local = userName.AsSpan();
        var at = local.IndexOf('@');
        if (at >= 0)
            local = local[..at];
        foreach (var name in names)
        {
            if (local.Equals(name, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }
}
