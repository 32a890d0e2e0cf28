using System.Text.Json.Serialization;

namespace LogSentinel.Contracts;

/// <summary>
/// One security-relevant fact read from a log line, shaped as an Elastic Common Schema document.
/// The same record is the message on the bus, the Elasticsearch document and a line of `parse` output.
/// Field meanings and the closed action vocabulary: docs/events.md.
/// Read and written by <see cref="Json.SecurityEventJsonConverter"/> (the bus's busiest path).
/// </summary>
[JsonConverter(typeof(Json.SecurityEventJsonConverter))]
public sealed record SecurityEvent
{
    /// <summary>When the log line says it happened, in UTC.</summary>
    [JsonPropertyName("@timestamp")]
    public required DateTime Timestamp { get; init; }

    [JsonPropertyName("event")]
    public required EventFields Event { get; init; }

    [JsonPropertyName("host")]
    public required HostFields Host { get; init; }

    [JsonPropertyName("process")]
    public ProcessFields? Process { get; init; }

    [JsonPropertyName("source")]
    public SourceFields? Source { get; init; }

    [JsonPropertyName("user")]
    public UserFields? User { get; init; }

    [JsonPropertyName("network")]
    public NetworkFields? Network { get; init; }

    /// <summary>The rule that produced the fact in the observed tool (a fail2ban jail).</summary>
    [JsonPropertyName("rule")]
    public RuleFields? Rule { get; init; }

    [JsonPropertyName("log")]
    public required LogFields Log { get; init; }
}

public sealed record EventFields
{
    internal const string DefaultKind = "event";

    /// <summary>Deterministic: same host, file, offset and line bytes give the same id (docs/events.md).</summary>
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("kind")]
    public string Kind { get; init; } = DefaultKind;

    /// <summary>One value of <see cref="EventActions"/>.</summary>
    [JsonPropertyName("action")]
    public required string Action { get; init; }

    /// <summary>One value of <see cref="EventOutcomes"/>.</summary>
    [JsonPropertyName("outcome")]
    public required string Outcome { get; init; }

    [JsonPropertyName("category")]
    public required IReadOnlyList<string> Category { get; init; }

    [JsonPropertyName("type")]
    public IReadOnlyList<string>? Type { get; init; }

    /// <summary>Which log the line belongs to: auth, mail or fail2ban.</summary>
    [JsonPropertyName("dataset")]
    public required string Dataset { get; init; }

    /// <summary>
    /// True on the one event that stands for an authentication attempt (failed or successful); false on lines that
    /// restate or accompany an attempt already counted (PAM's line for sshd's, the close of a connection whose
    /// passwords were counted, a key the agent offered before the right one). Rules, window aggregates and the
    /// failed-login table count attempts, not lines (docs/events.md, "Counting"). Written only when true.
    /// </summary>
    [JsonPropertyName("attempt")]
    public bool Attempt { get; init; }

    /// <summary>Short, size-capped reason given by the log (a reject text, a disconnect reason).</summary>
    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    /// <summary>The raw line, only when asked for; capped in size.</summary>
    [JsonPropertyName("original")]
    public string? Original { get; init; }
}

public sealed record HostFields
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }
}

public sealed record ProcessFields
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("pid")]
    public int? Pid { get; init; }

    /// <summary>The command a sudo line ran; capped in size.</summary>
    [JsonPropertyName("command_line")]
    public string? CommandLine { get; init; }
}

public sealed record SourceFields
{
    /// <summary>The remote party as the log wrote it: an IP address or a host name.</summary>
    [JsonPropertyName("address")]
    public required string Address { get; init; }

    /// <summary>Only when the address is an IP; canonical form, IPv4-mapped IPv6 turned into IPv4.</summary>
    [JsonPropertyName("ip")]
    public string? Ip { get; init; }

    [JsonPropertyName("port")]
    public int? Port { get; init; }

    /// <summary>Where the address is: its country (collector GeoIP), or what kind of non-public address it is.</summary>
    [JsonPropertyName("geo")]
    public GeoFields? Geo { get; init; }
}

public sealed record GeoFields
{
    /// <summary>ISO 3166-1 alpha-2 code of the address's country.</summary>
    [JsonPropertyName("country_iso_code")]
    public string? CountryIsoCode { get; init; }

    [JsonPropertyName("country_name")]
    public string? CountryName { get; init; }

    /// <summary>For addresses that have no country: private, loopback, link-local, shared (CGNAT) or reserved.</summary>
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>Where the address is on the map, only when the collector's database is a city one (a country database has none).</summary>
    [JsonPropertyName("location")]
    public GeoPoint? Location { get; init; }
}

/// <summary>An ECS geo_point: latitude and longitude in degrees (WGS 84).</summary>
public sealed record GeoPoint
{
    [JsonPropertyName("lat")]
    public required double Lat { get; init; }

    [JsonPropertyName("lon")]
    public required double Lon { get; init; }
}

public sealed record UserFields
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    /// <summary>The account a user tried to become (sudo's USER=, su's target).</summary>
    [JsonPropertyName("target")]
    public TargetUserFields? Target { get; init; }
}

public sealed record TargetUserFields
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }
}

public sealed record NetworkFields
{
    /// <summary>Application protocol in lower case: ssh, smtp, imap, pop3, sieve.</summary>
    [JsonPropertyName("protocol")]
    public required string Protocol { get; init; }
}

public sealed record RuleFields
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }
}

public sealed record LogFields
{
    [JsonPropertyName("file")]
    public required LogFileFields File { get; init; }

    /// <summary>Byte offset of the start of the line the event is reported on.</summary>
    [JsonPropertyName("offset")]
    public required long Offset { get; init; }
}

public sealed record LogFileFields
{
    [JsonPropertyName("path")]
    public required string Path { get; init; }
}
