using LogSentinel.Contracts;

namespace LogSentinel.Detector.Rules;

/// <summary>The event fields rules can test, group by and count, by their ECS names.</summary>
public sealed class EventField
{
    public string Name { get; }
    private readonly Func<SecurityEvent, string?> _read;

    private EventField(string name, Func<SecurityEvent, string?> read)
    {
        Name = name;
        _read = read;
    }

    public string? Read(SecurityEvent e) => _read(e);

    public static readonly EventField SourceIp = new("source.ip", e => e.Source?.Ip);
    public static readonly EventField SourceAddress = new("source.address", e => e.Source?.Address);
    public static readonly EventField UserName = new("user.name", e => e.User?.Name);
    public static readonly EventField TargetUserName = new("user.target.name", e => e.User?.Target?.Name);
    public static readonly EventField HostName = new("host.name", e => e.Host.Name);
    public static readonly EventField ProcessName = new("process.name", e => e.Process?.Name);
    public static readonly EventField Action = new("event.action", e => e.Event.Action);
    public static readonly EventField Outcome = new("event.outcome", e => e.Event.Outcome);
    public static readonly EventField Dataset = new("event.dataset", e => e.Event.Dataset);
    public static readonly EventField Country = new("source.geo.country_iso_code", e => e.Source?.Geo?.CountryIsoCode);
    public static readonly EventField Protocol = new("network.protocol", e => e.Network?.Protocol);
    public static readonly EventField Jail = new("rule.name", e => e.Rule?.Name);

    /// <summary>"true" or "false" (constants, no allocation): the generic matcher compares it like any other value.</summary>
    public static readonly EventField Attempt = new("event.attempt", e => e.Event.Attempt ? True : False);

    public const string True = "true";
    public const string False = "false";

    public static readonly IReadOnlyList<EventField> All =
        [SourceIp, SourceAddress, UserName, TargetUserName, HostName, ProcessName, Action, Outcome, Dataset, Attempt, Country, Protocol, Jail];

    public static EventField? Find(string name) => All.FirstOrDefault(f => f.Name == name);

    public override string ToString() => Name;
}
