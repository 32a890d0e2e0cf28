using System.Text.Json;
using System.Text.Json.Serialization;

namespace LogSentinel.Contracts.Json;

/// <summary>
/// Reads and writes <see cref="SecurityEvent"/> in one pass, by hand. The generated serializer builds records with
/// required init-only members through a constructor-argument cache (two extra objects per nested record, a fifth of
/// the detector's allocations) and allocates every repeated string again; events are the bulk of the bus's traffic,
/// so they get this converter. The JSON is exactly the generated serializer's (same order, absent when null), which
/// the parsing tests check against the parser's own writer byte for byte.
/// </summary>
public sealed class SecurityEventJsonConverter : JsonConverter<SecurityEvent>
{
    public override SecurityEvent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        Expect(ref reader, JsonTokenType.StartObject, "event");
        DateTime? timestamp = null;
        EventFields? @event = null;
        HostFields? host = null;
        ProcessFields? process = null;
        SourceFields? source = null;
        UserFields? user = null;
        NetworkFields? network = null;
        RuleFields? rule = null;
        LogFields? log = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("@timestamp"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || !reader.TryGetDateTime(out var time))
                    throw new JsonException("@timestamp is not an ISO 8601 date and time");
                timestamp = time;
            }
            else if (reader.ValueTextEquals("event"u8))
                @event = ReadEvent(ref reader);
            else if (reader.ValueTextEquals("host"u8))
                host = ReadObject(ref reader, "host", static (ref Utf8JsonReader r) => new HostFields { Name = ReadName(ref r, "host.name") });
            else if (reader.ValueTextEquals("process"u8))
                process = ReadProcess(ref reader);
            else if (reader.ValueTextEquals("source"u8))
                source = ReadSource(ref reader);
            else if (reader.ValueTextEquals("user"u8))
                user = ReadUser(ref reader);
            else if (reader.ValueTextEquals("network"u8))
                network = ReadObject(ref reader, "network", static (ref Utf8JsonReader r) => new NetworkFields { Protocol = ReadOnly(ref r, "protocol"u8, "network.protocol") });
            else if (reader.ValueTextEquals("rule"u8))
                rule = ReadObject(ref reader, "rule", static (ref Utf8JsonReader r) => new RuleFields { Name = ReadName(ref r, "rule.name") });
            else if (reader.ValueTextEquals("log"u8))
                log = ReadLog(ref reader);
            else
                Skip(ref reader);
        }
        return new SecurityEvent
        {
            Timestamp = timestamp ?? throw Missing("@timestamp"),
            Event = @event ?? throw Missing("event"),
            Host = host ?? throw Missing("host"),
            Process = process,
            Source = source,
            User = user,
            Network = network,
            Rule = rule,
            Log = log ?? throw Missing("log"),
        };
    }

    private static EventFields? ReadEvent(ref Utf8JsonReader reader)
    {
        if (!StartObject(ref reader, "event"))
            return null;
        string? id = null, kind = null, action = null, outcome = null, dataset = null, reason = null, original = null;
        IReadOnlyList<string>? category = null, type = null;
        var attempt = false;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("id"u8))
                id = UniqueString(ref reader, "event.id");
            else if (reader.ValueTextEquals("kind"u8))
                kind = RepeatedString(ref reader, "event.kind");
            else if (reader.ValueTextEquals("action"u8))
                action = RepeatedString(ref reader, "event.action");
            else if (reader.ValueTextEquals("outcome"u8))
                outcome = RepeatedString(ref reader, "event.outcome");
            else if (reader.ValueTextEquals("category"u8))
                category = StringArray(ref reader, "event.category");
            else if (reader.ValueTextEquals("type"u8))
                type = StringArray(ref reader, "event.type");
            else if (reader.ValueTextEquals("dataset"u8))
                dataset = RepeatedString(ref reader, "event.dataset");
            else if (reader.ValueTextEquals("attempt"u8))
                attempt = Boolean(ref reader, "event.attempt");
            else if (reader.ValueTextEquals("reason"u8))
                reason = UniqueString(ref reader, "event.reason");
            else if (reader.ValueTextEquals("original"u8))
                original = UniqueString(ref reader, "event.original");
            else
                Skip(ref reader);
        }
        return new EventFields
        {
            Id = id ?? throw Missing("event.id"),
            Action = action ?? throw Missing("event.action"),
            Outcome = outcome ?? throw Missing("event.outcome"),
            Category = category ?? throw Missing("event.category"),
            Type = type,
            Dataset = dataset ?? throw Missing("event.dataset"),
            Attempt = attempt,
            Reason = reason,
            Original = original,
            Kind = kind ?? EventFields.DefaultKind,
        };
    }

    private static ProcessFields? ReadProcess(ref Utf8JsonReader reader)
    {
        if (!StartObject(ref reader, "process"))
            return null;
        string? name = null, commandLine = null;
        int? pid = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("name"u8))
                name = RepeatedString(ref reader, "process.name");
            else if (reader.ValueTextEquals("pid"u8))
                pid = Int32(ref reader, "process.pid");
            else if (reader.ValueTextEquals("command_line"u8))
                commandLine = UniqueString(ref reader, "process.command_line");
            else
                Skip(ref reader);
        }
        return new ProcessFields { Name = name ?? throw Missing("process.name"), Pid = pid, CommandLine = commandLine };
    }

    private static SourceFields? ReadSource(ref Utf8JsonReader reader)
    {
        if (!StartObject(ref reader, "source"))
            return null;
        string? address = null, ip = null;
        int? port = null;
        GeoFields? geo = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("address"u8))
                address = RepeatedString(ref reader, "source.address");
            else if (reader.ValueTextEquals("ip"u8))
                ip = RepeatedString(ref reader, "source.ip");
            else if (reader.ValueTextEquals("port"u8))
                port = Int32(ref reader, "source.port");
            else if (reader.ValueTextEquals("geo"u8))
                geo = ReadGeo(ref reader);
            else
                Skip(ref reader);
        }
        return new SourceFields { Address = address ?? throw Missing("source.address"), Ip = ip, Port = port, Geo = geo };
    }

    private static GeoFields? ReadGeo(ref Utf8JsonReader reader)
    {
        if (!StartObject(ref reader, "source.geo"))
            return null;
        string? code = null, country = null, name = null;
        GeoPoint? location = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("country_iso_code"u8))
                code = RepeatedString(ref reader, "source.geo.country_iso_code");
            else if (reader.ValueTextEquals("country_name"u8))
                country = RepeatedString(ref reader, "source.geo.country_name");
            else if (reader.ValueTextEquals("name"u8))
                name = RepeatedString(ref reader, "source.geo.name");
            else if (reader.ValueTextEquals("location"u8))
                location = ReadLocation(ref reader);
            else
                Skip(ref reader);
        }
        return new GeoFields { CountryIsoCode = code, CountryName = country, Name = name, Location = location };
    }

    private static GeoPoint? ReadLocation(ref Utf8JsonReader reader)
    {
        if (!StartObject(ref reader, "source.geo.location"))
            return null;
        double? lat = null, lon = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("lat"u8))
                lat = Double(ref reader, "source.geo.location.lat");
            else if (reader.ValueTextEquals("lon"u8))
                lon = Double(ref reader, "source.geo.location.lon");
            else
                Skip(ref reader);
        }
        return new GeoPoint { Lat = lat ?? throw Missing("source.geo.location.lat"), Lon = lon ?? throw Missing("source.geo.location.lon") };
    }

    private static UserFields? ReadUser(ref Utf8JsonReader reader)
    {
        if (!StartObject(ref reader, "user"))
            return null;
        string? name = null;
        TargetUserFields? target = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("name"u8))
                name = RepeatedString(ref reader, "user.name");
            else if (reader.ValueTextEquals("target"u8))
                target = ReadObject(ref reader, "user.target", static (ref Utf8JsonReader r) => new TargetUserFields { Name = ReadName(ref r, "user.target.name") });
            else
                Skip(ref reader);
        }
        return new UserFields { Name = name ?? throw Missing("user.name"), Target = target };
    }

    private static LogFields? ReadLog(ref Utf8JsonReader reader)
    {
        if (!StartObject(ref reader, "log"))
            return null;
        LogFileFields? file = null;
        long? offset = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals("file"u8))
                file = ReadObject(ref reader, "log.file", static (ref Utf8JsonReader r) => new LogFileFields { Path = ReadOnly(ref r, "path"u8, "log.file.path") });
            else if (reader.ValueTextEquals("offset"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value))
                    throw new JsonException("log.offset is not a 64-bit integer");
                offset = value;
            }
            else
                Skip(ref reader);
        }
        return new LogFields { File = file ?? throw Missing("log.file"), Offset = offset ?? throw Missing("log.offset") };
    }

    private delegate T ObjectReader<out T>(ref Utf8JsonReader reader);

    /// <summary>An object of one required property, read by <paramref name="body"/> (positioned inside the object).</summary>
    private static T? ReadObject<T>(ref Utf8JsonReader reader, string path, ObjectReader<T> body)
        where T : class =>
        StartObject(ref reader, path) ? body(ref reader) : null;

    /// <summary>The rest of a one-property object whose property is "name": its value.</summary>
    private static string ReadName(ref Utf8JsonReader reader, string path) => ReadOnly(ref reader, "name"u8, path);

    private static string ReadOnly(ref Utf8JsonReader reader, ReadOnlySpan<byte> property, string path)
    {
        string? value = null;
        while (NextProperty(ref reader))
        {
            if (reader.ValueTextEquals(property))
                value = RepeatedString(ref reader, path);
            else
                Skip(ref reader);
        }
        return value ?? throw Missing(path);
    }

    /// <summary>Reads the value's first token: true at the start of an object, false for null.</summary>
    private static bool StartObject(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
            return false;
        Expect(ref reader, JsonTokenType.StartObject, path);
        return true;
    }

    /// <summary>Moves to the next property name of the current object; false at its end.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.PropertyName;
    }

    private static void Skip(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType token, string path)
    {
        if (reader.TokenType != token)
            throw new JsonException($"{path} is {reader.TokenType}, expected {token}");
    }

    private static JsonException Missing(string path) => new($"{path} is required and missing");

    /// <summary>A value that repeats across events (names, actions, addresses): one instance per distinct value.</summary>
    private static string? RepeatedString(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
            return null;
        Expect(ref reader, JsonTokenType.String, path);
        return reader.ValueIsEscaped || reader.HasValueSequence ? reader.GetString() : Utf8StringCache.Get(reader.ValueSpan);
    }

    private static string? UniqueString(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
            return null;
        Expect(ref reader, JsonTokenType.String, path);
        return reader.GetString();
    }

    private static bool Boolean(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False or JsonTokenType.Null => false,
            _ => throw new JsonException($"{path} is not true or false"),
        };
    }

    private static double Double(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out var value) || !double.IsFinite(value))
            throw new JsonException($"{path} is not a number");
        return value;
    }

    private static int? Int32(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
            return null;
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value))
            throw new JsonException($"{path} is not a 32-bit integer");
        return value;
    }

    private static string[]? StringArray(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
            return null;
        Expect(ref reader, JsonTokenType.StartArray, path);
        var first = (string?)null;
        List<string>? more = null;
        while (true)
        {
            reader.Read();
            if (reader.TokenType == JsonTokenType.EndArray)
                break;
            Expect(ref reader, JsonTokenType.String, path + "[]");
            var value = reader.ValueIsEscaped || reader.HasValueSequence ? reader.GetString()! : Utf8StringCache.Get(reader.ValueSpan);
            if (first is null)
                first = value;
            else
                (more ??= [first]).Add(value);
        }
        return more is not null ? [.. more] : first is not null ? [first] : [];
    }

    public override void Write(Utf8JsonWriter writer, SecurityEvent value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("@timestamp"u8, value.Timestamp);
        var e = value.Event;
        writer.WriteStartObject("event"u8);
        writer.WriteString("id"u8, e.Id);
        Optional(writer, "kind"u8, e.Kind);
        writer.WriteString("action"u8, e.Action);
        writer.WriteString("outcome"u8, e.Outcome);
        Array(writer, "category"u8, e.Category);
        Array(writer, "type"u8, e.Type);
        writer.WriteString("dataset"u8, e.Dataset);
        if (e.Attempt)
            writer.WriteBoolean("attempt"u8, true);
        Optional(writer, "reason"u8, e.Reason);
        Optional(writer, "original"u8, e.Original);
        writer.WriteEndObject();
        writer.WriteStartObject("host"u8);
        writer.WriteString("name"u8, value.Host.Name);
        writer.WriteEndObject();
        if (value.Process is { } process)
        {
            writer.WriteStartObject("process"u8);
            writer.WriteString("name"u8, process.Name);
            if (process.Pid is { } pid)
                writer.WriteNumber("pid"u8, pid);
            Optional(writer, "command_line"u8, process.CommandLine);
            writer.WriteEndObject();
        }
        if (value.Source is { } source)
        {
            writer.WriteStartObject("source"u8);
            writer.WriteString("address"u8, source.Address);
            Optional(writer, "ip"u8, source.Ip);
            if (source.Port is { } port)
                writer.WriteNumber("port"u8, port);
            if (source.Geo is { } geo)
            {
                writer.WriteStartObject("geo"u8);
                Optional(writer, "country_iso_code"u8, geo.CountryIsoCode);
                Optional(writer, "country_name"u8, geo.CountryName);
                Optional(writer, "name"u8, geo.Name);
                if (geo.Location is { } location)
                {
                    writer.WriteStartObject("location"u8);
                    writer.WriteNumber("lat"u8, location.Lat);
                    writer.WriteNumber("lon"u8, location.Lon);
                    writer.WriteEndObject();
                }
                writer.WriteEndObject();
            }
            writer.WriteEndObject();
        }
        if (value.User is { } user)
        {
            writer.WriteStartObject("user"u8);
            writer.WriteString("name"u8, user.Name);
            if (user.Target is { } target)
                One(writer, "target"u8, "name"u8, target.Name);
            writer.WriteEndObject();
        }
        if (value.Network is { } network)
            One(writer, "network"u8, "protocol"u8, network.Protocol);
        if (value.Rule is { } rule)
            One(writer, "rule"u8, "name"u8, rule.Name);
        writer.WriteStartObject("log"u8);
        One(writer, "file"u8, "path"u8, value.Log.File.Path);
        writer.WriteNumber("offset"u8, value.Log.Offset);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void Optional(Utf8JsonWriter writer, ReadOnlySpan<byte> name, string? value)
    {
        if (value is not null)
            writer.WriteString(name, value);
    }

    private static void Array(Utf8JsonWriter writer, ReadOnlySpan<byte> name, IReadOnlyList<string>? values)
    {
        if (values is null)
            return;
        writer.WriteStartArray(name);
        foreach (var value in values)
            writer.WriteStringValue(value);
        writer.WriteEndArray();
    }

    private static void One(Utf8JsonWriter writer, ReadOnlySpan<byte> name, ReadOnlySpan<byte> property, string value)
    {
        writer.WriteStartObject(name);
        writer.WriteString(property, value);
        writer.WriteEndObject();
    }
}
