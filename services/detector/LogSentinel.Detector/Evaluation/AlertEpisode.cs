using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Evaluation;

/// <summary>
/// One alert from the moment its rule fires for a key until the cooldown ends: the running counters that later
/// matching events update. It publishes revision 0 when it opens, a new revision each time the count doubles, and a
/// final revision when the cooldown is over: a long attack gives a handful of messages, not one per event.
/// </summary>
internal sealed class AlertEpisode
{
    public const int MaxListed = 20;
    public const int MaxHosts = 16;
    public const int MaxSamples = 10;
    public const int MaxTrackedValues = 10_000;

    /// <summary>Values come from log lines: an alert lists at most this many characters of each.</summary>
    public const int MaxValueLength = 256;

    private readonly Rule _rule;
    private readonly string _offender;
    private readonly List<string> _hosts = [];
    private readonly List<string> _users = [];
    private readonly List<string> _ips = [];
    private readonly List<string> _samples = [];
    private readonly Dictionary<string, int> _countries = new(StringComparer.Ordinal);
    // Distinct values are told apart by a 64-bit hash: an open alert does not hold 10,000 attacker-chosen strings.
    private HashSet<ulong>? _values;
    private readonly List<string> _listedValues = [];
    private bool _usersTruncated;
    private long _publishedCount;
    private int _revision;

    public string Id { get; }
    public DateTime WindowStart { get; private set; }
    public DateTime WindowEnd { get; private set; }
    public long Count { get; private set; }
    public long Events { get; private set; }
    public long CooldownUntilTicks { get; private set; }

    public AlertEpisode(Rule rule, string offender, in Seen first, long firedTicks)
    {
        var windowStartTicks = first.Ticks;
        _rule = rule;
        _offender = offender;
        WindowStart = new DateTime(windowStartTicks, DateTimeKind.Utc);
        WindowEnd = new DateTime(firedTicks, DateTimeKind.Utc);
        CooldownUntilTicks = firedTicks + rule.Cooldown.Ticks;
        Id = AlertIds.For(rule.Id, offender, WindowStart, first.Id);
    }

    private AlertEpisode(Rule rule, string offender, string id)
    {
        _rule = rule;
        _offender = offender;
        Id = id;
    }

    /// <summary>Everything the alert's later revisions report, for a checkpoint.</summary>
    public void Save(BinaryWriter w)
    {
        w.Write(Id);
        w.Write(WindowStart.Ticks);
        w.Write(WindowEnd.Ticks);
        w.Write(Count);
        w.Write(Events);
        w.Write(CooldownUntilTicks);
        w.Write(_publishedCount);
        w.Write(_revision);
        w.Write(_usersTruncated);
        SaveList(w, _hosts);
        SaveList(w, _users);
        SaveList(w, _ips);
        SaveList(w, _samples);
        SaveList(w, _listedValues);
        w.Write(_countries.Count);
        foreach (var (country, n) in _countries)
        {
            w.Write(country);
            w.Write(n);
        }
        w.Write(_values?.Count ?? -1);
        foreach (var hash in _values ?? [])
            w.Write(hash);
    }

    public static AlertEpisode Load(Rule rule, string offender, BinaryReader r)
    {
        var episode = new AlertEpisode(rule, offender, r.ReadString())
        {
            WindowStart = new DateTime(r.ReadInt64(), DateTimeKind.Utc),
            WindowEnd = new DateTime(r.ReadInt64(), DateTimeKind.Utc),
            Count = r.ReadInt64(),
            Events = r.ReadInt64(),
            CooldownUntilTicks = r.ReadInt64(),
        };
        episode._publishedCount = r.ReadInt64();
        episode._revision = r.ReadInt32();
        episode._usersTruncated = r.ReadBoolean();
        LoadList(r, episode._hosts);
        LoadList(r, episode._users);
        LoadList(r, episode._ips);
        LoadList(r, episode._samples);
        LoadList(r, episode._listedValues);
        var countries = r.ReadInt32();
        for (var i = 0; i < countries; i++)
            episode._countries[r.ReadString()] = r.ReadInt32();
        var values = r.ReadInt32();
        if (values >= 0)
        {
            episode._values = new HashSet<ulong>(values);
            for (var i = 0; i < values; i++)
                episode._values.Add(r.ReadUInt64());
        }
        return episode;
    }

    private static void SaveList(BinaryWriter w, List<string> list)
    {
        w.Write(list.Count);
        foreach (var item in list)
            w.Write(item);
    }

    private static void LoadList(BinaryReader r, List<string> list)
    {
        var count = r.ReadInt32();
        for (var i = 0; i < count; i++)
            list.Add(r.ReadString());
    }

    /// <summary>An event counted by the alert; <paramref name="value"/> is the distinct or new value it carries.</summary>
    public void Add(in Seen seen, string? value)
    {
        Events++;
        if (seen.Ticks > WindowEnd.Ticks)
            WindowEnd = new DateTime(seen.Ticks, DateTimeKind.Utc);
        AddCapped(_hosts, Cut(seen.Host), MaxHosts);
        if (seen.User is { } user && !AddCapped(_users, Cut(user), MaxListed))
            _usersTruncated = true;
        if (seen.Ip is { } ip)
            AddCapped(_ips, ip, MaxListed);
        if (seen.Country is { } country && (_countries.Count < MaxListed || _countries.ContainsKey(country)))
            _countries[country] = _countries.GetValueOrDefault(country) + 1;
        if (_samples.Count < MaxSamples)
            _samples.Add(seen.Id);
        if (value is not null)
        {
            _values ??= [];
            var hash = Parsing.Identity.EventIds.Fingerprint(value);
            if (_values.Count < MaxTrackedValues && _values.Add(hash))
                AddCapped(_listedValues, Cut(value), MaxListed);
        }
    }

    /// <summary>Sets what the rule counts: events, distinct values, failures or hosts.</summary>
    public void SetCount(long count) => Count = count;

    /// <summary>The number of distinct values added so far (distinct and fleet rules count these).</summary>
    public long DistinctValues => _values?.Count ?? 0;

    /// <summary>The first revision, or an update when the count has doubled since the last one published.</summary>
    public AlertRaised? TakeRevision()
    {
        if (_revision > 0 && Count < _publishedCount * 2)
            return null;
        return Publish(final: false);
    }

    public AlertRaised Close() => Publish(final: true);

    private AlertRaised Publish(bool final)
    {
        _publishedCount = Count;
        var country = _countries.Count == 0 ? null
            : _countries.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).First().Key;
        return new AlertRaised
        {
            AlertId = Id,
            Revision = _revision++,
            Final = final,
            RuleId = _rule.Id,
            RuleType = Rule.TypeName(_rule.Type),
            Description = _rule.Description,
            Severity = Rule.SeverityName(_rule.Severity),
            Offender = _offender,
            Group = _rule.GroupBy.Describe(_offender),
            Count = Count,
            Threshold = _rule.Threshold,
            Events = Events,
            WindowStart = WindowStart,
            WindowEnd = WindowEnd,
            Hosts = [.. _hosts],
            Users = [.. _users],
            UsersTruncated = _usersTruncated,
            SourceIps = [.. _ips],
            Country = country,
            Values = _listedValues.Count == 0 ? null : [.. _listedValues],
            SampleEventIds = [.. _samples],
        };
    }

    private static string Cut(string value) => value.Length <= MaxValueLength ? value : value[..(MaxValueLength - 1)] + "…";

    private static bool AddCapped(List<string> list, string value, int cap)
    {
        if (list.Contains(value))
            return true;
        if (list.Count >= cap)
            return false;
        list.Add(value);
        return true;
    }
}
