using System.Net;
using LogSentinel.Contracts;

namespace LogSentinel.GeoIp;

/// <summary>
/// Adds source.geo to events: the country of a public address from a MaxMind-format database (MaxMind's
/// country.iso_code / names.en, or ip-location-db's country_code), or the scope of a private or reserved one. A city
/// database (GeoLite2-City, DB-IP city: location.latitude / longitude) adds the location, which impossible-travel
/// rules measure distances with; a country database has none, and events then carry the country only.
/// Without a database, public addresses get nothing and everything else works. Answers are cached.
/// </summary>
public sealed class GeoLocator : IDisposable
{
    private const int CacheSize = 16 * 1024;
    private readonly MaxMindDatabase? _database;
    private readonly Dictionary<string, GeoFields?> _cache = new(StringComparer.Ordinal);

    public GeoLocator(string? databasePath, Action<string>? onTrouble = null)
    {
        if (string.IsNullOrEmpty(databasePath))
            return;
        if (!File.Exists(databasePath))
        {
            onTrouble?.Invoke($"GeoIP database {databasePath} not found: events carry no country");
            return;
        }
        try
        {
            _database = new MaxMindDatabase(databasePath);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or KeyNotFoundException)
        {
            onTrouble?.Invoke($"GeoIP database {databasePath} unreadable ({e.Message}): events carry no country");
        }
    }

    public bool HasDatabase => _database is not null;

    public SecurityEvent Enrich(SecurityEvent e)
    {
        if (e.Source is not { Ip: { } ip } source || source.Geo is not null)
            return e;
        var geo = Locate(ip);
        return geo is null ? e : e with { Source = source with { Geo = geo } };
    }

    public GeoFields? Locate(string ip)
    {
        if (_cache.TryGetValue(ip, out var known))
            return known;
        if (_cache.Count >= CacheSize)
            _cache.Clear();
        return _cache[ip] = Compute(ip);
    }

    private GeoFields? Compute(string ip)
    {
        if (!IPAddress.TryParse(ip, out var address))
            return null;
        if (AddressScopes.Of(address) is { } scope)
            return new GeoFields { Name = scope };
        if (_database?.Lookup(address) is not { } record)
            return null;
        string? code = null, name = null;
        if (record.TryGetValue("country_code", out var flat))
            code = flat as string;
        if (record.TryGetValue("country", out var country) && country is IReadOnlyDictionary<string, object?> c)
        {
            code ??= c.TryGetValue("iso_code", out var iso) ? iso as string : null;
            if (c.TryGetValue("names", out var names) && names is IReadOnlyDictionary<string, object?> n && n.TryGetValue("en", out var en))
                name = en as string;
        }
        return code is null ? null : new GeoFields { CountryIsoCode = code, CountryName = name, Location = LocationOf(record) };
    }

    private static GeoPoint? LocationOf(IReadOnlyDictionary<string, object?> record)
    {
        if (!record.TryGetValue("location", out var location) || location is not IReadOnlyDictionary<string, object?> l
            || Degrees(l.GetValueOrDefault("latitude")) is not { } lat || Degrees(l.GetValueOrDefault("longitude")) is not { } lon
            || lat is < -90 or > 90 || lon is < -180 or > 180)
            return null;
        return new GeoPoint { Lat = lat, Lon = lon };
    }

    // MaxMind writes doubles; other producers of the same layout write 32-bit floats.
    private static double? Degrees(object? value) => value switch
    {
        double d => d,
        float f => f,
        _ => null,
    };

    public void Dispose() => _database?.Dispose();
}
