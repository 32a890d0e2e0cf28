using System.Text;
using LogSentinel.Contracts;
using LogSentinel.Parsing.Identity;
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
    }

    public SecurityEvent Build(in LineFacts line, in EventDraft d, ReadOnlySpan<byte> text, int index)
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
    public string? Text(TextRef r, ReadOnlySpan<byte> text, int limit) => Text(r, text, limit, _strings);

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

    private static string Cap(ReadOnlySpan<byte> bytes, int limit)
    {
        // Cut on a character boundary: never leave half a UTF-8 sequence behind.
        var n = limit;
        while (n > 0 && (bytes[n] & 0xC0) == 0x80)
            n--;
        return Encoding.UTF8.GetString(bytes[..n]);
    }

    private string? CanonicalIp(string address)
    {
        if (_canonicalIps.TryGetValue(address, out var known))
            return known;
        if (_canonicalIps.Count >= 4096)
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
