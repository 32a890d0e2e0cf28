using System.Text;
using LogSentinel.Contracts;
using LogSentinel.Parsing.Identity;
using LogSentinel.Parsing.Json;
using LogSentinel.Parsing.Messages;
using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing;

/// <summary>Turns a draft plus the facts of its line into the shared <see cref="SecurityEvent"/> contract.</summary>
internal sealed class EventFactory
{
    private readonly ulong _streamKey;
    private readonly string _filePath;
    private readonly Utf8StringCache _strings = new();
    private readonly LogFileFields _file;
    private readonly byte[] _pathJson;
    private readonly Dictionary<(string, string), byte[]> _classifications = new();
    private string? _lastAction;
    private string? _lastOutcome;
    private byte[] _lastClassification = [];
    private readonly RecentJson _hostJson = new();
    private readonly RecentJson _programJson = new();
    private JsonText.TimestampDay _day;

    // Events are immutable records: consecutive events of one host, process, attacker or user share the
    // same sub-objects instead of allocating them again (bursts repeat all of these).
    private HostFields? _lastHost;
    private ProcessFields? _lastProcess;
    private SourceFields? _lastSource;
    private UserFields? _lastUser;
    private readonly Dictionary<string, string?> _canonicalIps = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, NetworkFields> Protocols = new[] { "ssh", "smtp", "imap", "pop3", "sieve" }
        .ToDictionary(p => p, p => new NetworkFields { Protocol = p }, StringComparer.Ordinal);

    public EventFactory(string collectorHost, string filePath)
    {
        _streamKey = EventIds.StreamKey(collectorHost, filePath);
        _filePath = filePath;
        _file = new LogFileFields { Path = _filePath };
        _pathJson = JsonText.Quote(filePath);
    }

    public SecurityEvent Build(in LineFacts line, in EventDraft d, ReadOnlySpan<byte> text, int index, bool attempt)
    {
        var info = EventActions.Catalogue[d.Action];
        var address = Text(d.Address, text, FieldLimits.Address);
        var user = Text(d.User, text, FieldLimits.UserName);
        var target = Text(d.TargetUser, text, FieldLimits.UserName);
        var command = Text(d.Command, text, FieldLimits.Command);
        var rule = Text(d.Rule, text, FieldLimits.Rule);
        return new SecurityEvent
        {
            Timestamp = line.Time,
            Event = new EventFields
            {
                Id = EventIds.Create(_streamKey, line.Offset, index, line.LineHash),
                Action = d.Action,
                Outcome = d.Outcome,
                Category = info.Category,
                Type = info.Type,
                Dataset = info.Dataset,
                Attempt = attempt,
                Reason = Text(d.Reason, text, FieldLimits.Reason),
                Original = line.Original,
            },
            Host = HostOf(line.Host),
            Process = line.Program is null ? null : ProcessOf(line.Program, line.Pid, command),
            Source = address is null ? null : SourceOf(address, d.Port is >= 0 and <= 65535 ? d.Port : null),
            User = string.IsNullOrEmpty(user) ? null : UserOf(user, target),
            Network = d.Protocol is null ? null : Protocols.GetValueOrDefault(d.Protocol) ?? new NetworkFields { Protocol = d.Protocol },
            Rule = string.IsNullOrEmpty(rule) ? null : new RuleFields { Name = rule },
            Log = new LogFields { File = _file, Offset = line.Offset },
        };
    }

    /// <summary>
    /// Writes the JSON of the event <see cref="Build"/> makes from the same arguments, byte for byte, without
    /// making it: the `parse` command prints hundreds of thousands of events a second in bounded memory.
    /// Every presence rule and cap here mirrors <see cref="Build"/>; a test holds the two together.
    /// </summary>
    internal void WriteJson(ref JsonText w, in LineFacts line, in EventDraft d, ReadOnlySpan<byte> text, int index, bool attempt)
    {
        w.Raw("{\"@timestamp\":"u8);
        w.Timestamp(line.Time, ref _day);
        w.Raw(",\"event\":{\"id\":\""u8);
        w.Hex(_streamKey, 16);
        w.Hex((ulong)line.Offset, 12);
        w.Hex((ulong)index, 4);
        w.Hex(line.LineHash, 8);
        w.Raw(Classification(d.Action, d.Outcome));
        if (attempt)
            w.Raw(",\"attempt\":true"u8);
        Optional(ref w, ",\"reason\":"u8, d.Reason, text, FieldLimits.Reason);
        if (line.Original is not null)
        {
            w.Raw(",\"original\":"u8);
            w.String(line.Original);
        }
        w.Raw("},\"host\":{\"name\":"u8);
        w.Raw(_hostJson.Get(line.Host));
        w.Byte((byte)'}');
        if (line.Program is not null)
        {
            w.Raw(",\"process\":{\"name\":"u8);
            w.Raw(_programJson.Get(line.Program));
            if (line.Pid >= 0)
            {
                w.Raw(",\"pid\":"u8);
                w.Number(line.Pid);
            }
            Optional(ref w, ",\"command_line\":"u8, d.Command, text, FieldLimits.Command);
            w.Byte((byte)'}');
        }
        if (Resolve(d.Address, text, FieldLimits.Address, out var address, out var addressText))
        {
            w.Raw(",\"source\":{\"address\":"u8);
            Value(ref w, address, addressText);
            var ip = addressText is not null ? CanonicalIp(addressText) : CanonicalIp(address);
            if (ip is not null)
            {
                w.Raw(",\"ip\":"u8);
                if (ReferenceEquals(ip, SameAsWritten))
                    Value(ref w, address, addressText);
                else
                    w.String(ip);
            }
            if (d.Port is >= 0 and <= 65535)
            {
                w.Raw(",\"port\":"u8);
                w.Number(d.Port);
            }
            w.Byte((byte)'}');
        }
        if (ResolveNonEmpty(d.User, text, FieldLimits.UserName, out var user, out var userText))
        {
            w.Raw(",\"user\":{\"name\":"u8);
            Value(ref w, user, userText);
            if (ResolveNonEmpty(d.TargetUser, text, FieldLimits.UserName, out var target, out var targetText))
            {
                w.Raw(",\"target\":{\"name\":"u8);
                Value(ref w, target, targetText);
                w.Byte((byte)'}');
            }
            w.Byte((byte)'}');
        }
        if (d.Protocol is not null)
        {
            w.Raw(",\"network\":{\"protocol\":"u8);
            w.String(d.Protocol);
            w.Byte((byte)'}');
        }
        if (ResolveNonEmpty(d.Rule, text, FieldLimits.Rule, out var rule, out var ruleText))
        {
            w.Raw(",\"rule\":{\"name\":"u8);
            Value(ref w, rule, ruleText);
            w.Byte((byte)'}');
        }
        w.Raw(",\"log\":{\"file\":{\"path\":"u8);
        w.Raw(_pathJson);
        w.Raw("},\"offset\":"u8);
        w.Number(line.Offset);
        w.Raw("}}"u8);
    }

    /// <summary>
    /// "\",\"kind\":\"event\",\"action\":...,\"dataset\":..." for one action and outcome: the same bytes for every such
    /// event, made once. Actions and outcomes are the vocabulary's own string instances.
    /// </summary>
    private byte[] Classification(string action, string outcome)
    {
        if (ReferenceEquals(action, _lastAction) && ReferenceEquals(outcome, _lastOutcome))
            return _lastClassification;
        if (!_classifications.TryGetValue((action, outcome), out var bytes))
        {
            var info = EventActions.Catalogue[action];
            var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
            var w = new JsonText(buffer);
            w.Raw("\",\"kind\":\"event\",\"action\":"u8);
            w.String(action);
            w.Raw(",\"outcome\":"u8);
            w.String(outcome);
            w.Raw(",\"category\":"u8);
            Strings(ref w, info.Category);
            w.Raw(",\"type\":"u8);
            Strings(ref w, info.Type);
            w.Raw(",\"dataset\":"u8);
            w.String(info.Dataset);
            w.Commit();
            bytes = buffer.WrittenSpan.ToArray();
            _classifications[(action, outcome)] = bytes;
        }
        _lastAction = action;
        _lastOutcome = outcome;
        _lastClassification = bytes;
        return bytes;
    }

    private static void Strings(ref JsonText w, IReadOnlyList<string> values)
    {
        w.Byte((byte)'[');
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
                w.Byte((byte)',');
            w.String(values[i]);
        }
        w.Byte((byte)']');
    }

    private static void Optional(ref JsonText w, ReadOnlySpan<byte> name, TextRef r, ReadOnlySpan<byte> text, int limit)
    {
        if (!Resolve(r, text, limit, out var bytes, out var str))
            return;
        w.Raw(name);
        Value(ref w, bytes, str);
    }

    private static void Value(ref JsonText w, ReadOnlySpan<byte> bytes, string? str)
    {
        if (str is not null)
            w.String(str);
        else
            w.String(bytes);
    }

    /// <summary>The capped text of a reference, as bytes of the line or as a string; false when absent. Mirrors <see cref="Text(TextRef, ReadOnlySpan{byte}, int)"/>.</summary>
    private static bool Resolve(TextRef r, ReadOnlySpan<byte> text, int limit, out ReadOnlySpan<byte> bytes, out string? str)
    {
        bytes = default;
        str = null;
        if (r.Value is not null)
        {
            str = r.Value.Length <= limit ? r.Value : Cap(Encoding.UTF8.GetBytes(r.Value), limit);
            return true;
        }
        if (r.Length < 0)
            return false;
        var span = r.Slice(text);
        bytes = span.Length <= limit ? span : span[..CapLength(span, limit)];
        return true;
    }

    /// <summary>As <see cref="Resolve"/>, and false for an empty value too (names are left out when empty).</summary>
    private static bool ResolveNonEmpty(TextRef r, ReadOnlySpan<byte> text, int limit, out ReadOnlySpan<byte> bytes, out string? str) =>
        Resolve(r, text, limit, out bytes, out str) && (str is null ? bytes.Length > 0 : str.Length > 0);

    private HostFields HostOf(string name) =>
        _lastHost is { } h && ReferenceEquals(h.Name, name) ? h : _lastHost = new HostFields { Name = name };

    private ProcessFields ProcessOf(string name, int pid, string? command)
    {
        int? p = pid >= 0 ? pid : null;
        if (command is null && _lastProcess is { CommandLine: null } last && ReferenceEquals(last.Name, name) && last.Pid == p)
            return last;
        var made = new ProcessFields { Name = name, Pid = p, CommandLine = command };
        if (command is null)
            _lastProcess = made;
        return made;
    }

    private SourceFields SourceOf(string address, int? port)
    {
        if (_lastSource is { } last && ReferenceEquals(last.Address, address) && last.Port == port)
            return last;
        return _lastSource = new SourceFields { Address = address, Ip = CanonicalIp(address), Port = port };
    }

    private UserFields UserOf(string name, string? target)
    {
        if (_lastUser is { } last && ReferenceEquals(last.Name, name) && ReferenceEquals(last.Target?.Name, target))
            return last;
        return _lastUser = new UserFields
        {
            Name = name,
            Target = string.IsNullOrEmpty(target) ? null : new TargetUserFields { Name = target },
        };
    }

    /// <summary>The text a reference points at, capped to <paramref name="limit"/> bytes; null when absent.</summary>
    private string? Text(TextRef r, ReadOnlySpan<byte> text, int limit) => Text(r, text, limit, _strings);

    private static string? Text(TextRef r, ReadOnlySpan<byte> text, int limit, Utf8StringCache strings)
    {
        if (r.Value is not null)
            return r.Value.Length <= limit ? r.Value : Cap(Encoding.UTF8.GetBytes(r.Value), limit);
        if (r.Length < 0)
            return null;
        var span = r.Slice(text);
        return span.Length <= limit ? strings.Get(span) : Cap(span, limit);
    }

    /// <summary>Turns every range of a draft into a string, so it survives the line buffer.</summary>
    public static EventDraft Detach(in EventDraft d, ReadOnlySpan<byte> text, Utf8StringCache strings)
    {
        var copy = d;
        copy.Address = Detach(d.Address, text, FieldLimits.Address, strings);
        copy.User = Detach(d.User, text, FieldLimits.UserName, strings);
        copy.TargetUser = Detach(d.TargetUser, text, FieldLimits.UserName, strings);
        copy.Reason = Detach(d.Reason, text, FieldLimits.Reason, strings);
        copy.Command = Detach(d.Command, text, FieldLimits.Command, strings);
        copy.Rule = Detach(d.Rule, text, FieldLimits.Rule, strings);
        return copy;
    }

    private static TextRef Detach(TextRef r, ReadOnlySpan<byte> text, int limit, Utf8StringCache strings) =>
        Text(r, text, limit, strings) is { } s ? TextRef.FromString(s) : TextRef.None;

    private static string Cap(ReadOnlySpan<byte> bytes, int limit) => Encoding.UTF8.GetString(bytes[..CapLength(bytes, limit)]);

    /// <summary>Cut on a character boundary: never leave half a UTF-8 sequence behind.</summary>
    private static int CapLength(ReadOnlySpan<byte> bytes, int limit)
    {
        var n = limit;
        while (n > 0 && (bytes[n] & 0xC0) == 0x80)
            n--;
        return n;
    }

    /// <summary>Marker from <see cref="CanonicalIp(ReadOnlySpan{byte})"/>: the written address is already canonical.</summary>
    private static readonly string SameAsWritten = new('=', 1);

    /// <summary>The canonical IP of an address given as bytes: <see cref="SameAsWritten"/>, another text, or null (not an IP).</summary>
    private string? CanonicalIp(ReadOnlySpan<byte> address)
    {
        if (Addresses.TryParseIPv4(address, out _))
        {
            var canonical = Addresses.CanonicalIp(address, "");
            return canonical is "" ? SameAsWritten : canonical;
        }
        if (!address.Contains((byte)':'))
            return null;
        var written = Encoding.ASCII.GetString(address);
        var ip = CanonicalIp(written);
        return ip is null ? null : ip == written ? SameAsWritten : ip;
    }

    private string? CanonicalIp(string address)
    {
        if (_canonicalIps.TryGetValue(address, out var known))
            return known;
        if (_canonicalIps.Count >= 1024)
            _canonicalIps.Clear();
        return _canonicalIps[address] = ComputeCanonicalIp(address);
    }

    private static string? ComputeCanonicalIp(string address)
    {
        if (address.Length > 64)
            return null;
        Span<byte> bytes = stackalloc byte[address.Length];
        for (var i = 0; i < address.Length; i++)
        {
            if (address[i] > 127)
                return null;
            bytes[i] = (byte)address[i];
        }
        return Addresses.CanonicalIp(bytes, address);
    }
}

/// <summary>The JSON string of the last value asked for: hosts and programs repeat from one event to the next.</summary>
internal sealed class RecentJson
{
    private string? _value;
    private byte[] _json = [];

    public byte[] Get(string value)
    {
        if (!ReferenceEquals(value, _value))
        {
            _json = JsonText.Quote(value);
            _value = value;
        }
        return _json;
    }
}
