using System.Collections.Concurrent;
using LogSentinel.Contracts;

namespace LogSentinel.Detector.Rules;

/// <summary>The loaded rules and the global allowlist of trusted networks, whose events no rule counts.</summary>
public sealed class RuleSet
{
    public IReadOnlyList<Rule> Rules { get; }
    public IReadOnlyList<IpNetwork> Allowlist { get; }

    /// <summary>The partitioned streams the rules need (see <see cref="Partitioning.Dimensions"/>).</summary>
    public IReadOnlyList<string> Dimensions { get; }

    /// <summary>The files the rules came from.</summary>
    public IReadOnlyList<string> Files { get; }

    private readonly IpNetwork[] _allowlist;
    private readonly Dictionary<string, EventMatcher[]> _matchersByDimension;

    public RuleSet(IReadOnlyList<Rule> rules, IReadOnlyList<IpNetwork> allowlist, IReadOnlyList<string> files)
    {
        Rules = rules;
        Allowlist = allowlist;
        Files = files;
        _allowlist = [.. allowlist];
        Dimensions = Partitioning.Dimensions.All.Where(d => rules.Any(r => r.GroupBy.Dimension == d)).ToArray();
        // A reset event (the login after a few typos) counts nothing, but must reach the replica that holds the count.
        _matchersByDimension = Dimensions.ToDictionary(
            d => d,
            d => rules.Where(r => r.GroupBy.Dimension == d).SelectMany(Matchers).ToArray());
    }

    public static RuleSet Empty { get; } = new([], [], []);

    /// <summary>Every block whose events the rule evaluates: match, then (sequence) and reset (threshold, distinct).</summary>
    public static IEnumerable<EventMatcher> Matchers(Rule rule)
    {
        yield return rule.Match;
        if (rule.Then is { } then)
            yield return then;
        if (rule.Reset is { } reset)
            yield return reset;
    }

    // Parsing an address per event to test the allowlist costs more than all the rules; attackers repeat. One cache
    // for the router (several consumers at once) and the engine.
    private readonly ConcurrentDictionary<string, bool> _allowlisted = new(StringComparer.Ordinal);
    private const int AllowlistCacheSize = 65_536;

    public bool IsAllowlisted(SecurityEvent e)
    {
        if (_allowlist.Length == 0 || e.Source?.Ip is not { } ip)
            return false;
        if (_allowlisted.TryGetValue(ip, out var known))
            return known;
        // ConcurrentDictionary.Count takes every lock: the size is counted here instead.
        if (Interlocked.Increment(ref _cached) > AllowlistCacheSize)
        {
            _allowlisted.Clear();
            Interlocked.Exchange(ref _cached, 0);
        }
        return _allowlisted[ip] = EventMatcher.InAny(e, _allowlist);
    }

    private int _cached;

    /// <summary>Whether some rule of the dimension could count (or reset) on the event: only those are forwarded to its stream.</summary>
    public bool AnyRuleMayCount(SecurityEvent e, string dimension)
    {
        if (!_matchersByDimension.TryGetValue(dimension, out var matchers))
            return false;
        foreach (var matcher in matchers)
        {
            if (matcher.Matches(e))
                return true;
        }
        return false;
    }
}
