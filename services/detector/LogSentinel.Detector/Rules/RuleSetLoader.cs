using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using LogSentinel.Contracts;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace LogSentinel.Detector.Rules;

/// <summary>
/// Reads rule files (docs/rules.md, schema: services/detector/rules/rules.schema.json): one YAML file, or every
/// *.yaml / *.yml file of a folder in name order. Every problem is reported with its file, line and column, and
/// nothing is used unless the whole set is valid.
/// </summary>
public static partial class RuleSetLoader
{
    public const int MaxThreshold = 100_000;
    private const int MaxNesting = 8;
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(31);
    public static readonly TimeSpan MaxLookBack = TimeSpan.FromDays(366);

    /// <summary>The `match` keys and the event field each one tests.</summary>
    public static readonly IReadOnlyDictionary<string, EventField> MatchFields = new Dictionary<string, EventField>
    {
        ["action"] = EventField.Action,
        ["outcome"] = EventField.Outcome,
        ["dataset"] = EventField.Dataset,
        [AttemptKey] = EventField.Attempt,
        ["process"] = EventField.ProcessName,
        ["user"] = EventField.UserName,
        ["target_user"] = EventField.TargetUserName,
        ["host"] = EventField.HostName,
        ["country"] = EventField.Country,
        ["protocol"] = EventField.Protocol,
        ["jail"] = EventField.Jail,
    };

    public const string AttemptKey = "attempt";
    public const string SourceCidrKey = "source_cidr";
    public const string UserLocalPartKey = "user_local_part";
    public const string NotKey = "not";

    /// <summary>Every key a `match`, `then`, `reset` or `not` block may hold.</summary>
    public static readonly IReadOnlyList<string> MatchKeys = [.. MatchFields.Keys, SourceCidrKey, UserLocalPartKey, NotKey];

    public const double DefaultSpeed = 1000;
    public const double MaxSpeed = 100_000;

    /// <summary>Fields a rule may group by; "source.ip/N" (N from 48 to 128) groups IPv6 sources by their /N.</summary>
    public static readonly IReadOnlyList<EventField> GroupFields = [EventField.SourceIp, EventField.UserName, EventField.HostName];

    /// <summary>Fields a distinct or new_value rule may count.</summary>
    public static readonly IReadOnlyList<EventField> ValueFields =
        [EventField.SourceIp, EventField.UserName, EventField.HostName, EventField.Country, EventField.ProcessName, EventField.Protocol, EventField.TargetUserName];

    public static readonly IReadOnlyList<string> RuleKeys =
        ["id", "description", "severity", "type", "enabled", "match", "then", "reset", "group_by", "window", "threshold", "distinct", "field", "lookback", "learning", "speed", "min_span", "cooldown"];

    public static RuleSet Load(string path)
    {
        string[] files;
        if (Directory.Exists(path))
        {
            files = Directory.EnumerateFiles(path)
                .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToArray();
            if (files.Length == 0)
                throw new RuleLoadException([new RuleError(path, 0, 0, "the folder holds no .yaml or .yml rule file")]);
        }
        else if (File.Exists(path))
        {
            files = [path];
        }
        else
        {
            throw new RuleLoadException([new RuleError(path, 0, 0, "no such rule file or folder")]);
        }
        return LoadTexts(files.Select(f => (f, ReadText(f))).ToArray());
    }

    public static RuleSet LoadText(string yaml, string fileName = "rules.yaml") => LoadTexts([(fileName, yaml)]);

    private static string ReadText(string file)
    {
        try
        {
            return File.ReadAllText(file, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RuleLoadException([new RuleError(file, 0, 0, e.Message)]);
        }
    }

    private static RuleSet LoadTexts((string File, string Text)[] texts)
    {
        var errors = new List<RuleError>();
        var rules = new List<Rule>();
        var allowlist = new List<IpNetwork>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, text) in texts)
        {
            var reader = new FileReader(file, errors);
            foreach (var (rule, mark) in reader.Read(text, allowlist))
            {
                if (seen.TryGetValue(rule.Id, out var where))
                    errors.Add(new RuleError(file, mark.Line, mark.Column, $"rule id '{rule.Id}' is already used at {where}"));
                else
                {
                    seen[rule.Id] = $"{file}:{mark.Line}";
                    rules.Add(rule);
                }
            }
        }
        if (errors.Count == 0 && rules.Count == 0)
            errors.Add(new RuleError(texts[0].File, 0, 0, "no rule to run: the files hold no enabled rule"));
        if (errors.Count > 0)
            throw new RuleLoadException(errors);
        return new RuleSet(rules, allowlist, texts.Select(t => t.File).ToArray());
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex IdPattern();

    private sealed class FileReader(string file, List<RuleError> errors)
    {
        public List<(Rule Rule, Mark Mark)> Read(string text, List<IpNetwork> allowlist)
        {
            var rules = new List<(Rule, Mark)>();
            var yaml = new YamlStream();
            try
            {
                yaml.Load(new StringReader(text));
            }
            catch (YamlException e)
            {
                errors.Add(new RuleError(file, e.Start.Line, e.Start.Column, "not valid YAML: " + e.Message));
                return rules;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException or OverflowException)
            {
                errors.Add(new RuleError(file, 0, 0, "cannot be read: " + e.Message));
                return rules;
            }
            if (yaml.Documents.Count == 0)
                return rules;
            if (yaml.Documents.Count > 1)
                Error(yaml.Documents[1].RootNode, "a rule file holds one YAML document; put further rules in the same list or another file");
            if (yaml.Documents[0].RootNode is not YamlMappingNode root)
            {
                Error(yaml.Documents[0].RootNode, "a rule file is a mapping with 'rules' (and optionally 'allowlist')");
                return rules;
            }
            foreach (var (keyNode, value) in root.Children)
            {
                switch (Key(keyNode))
                {
                    case "allowlist":
                        foreach (var item in Strings(value, "allowlist"))
                        {
                            if (IpNetwork.TryParse(item.Value, out var network, out var error))
                                allowlist.Add(network!);
                            else
                                Error(item.Node, "allowlist: " + error);
                        }
                        break;
                    case "rules":
                        if (value is not YamlSequenceNode list)
                        {
                            Error(value, "rules: expected a list of rules");
                            break;
                        }
                        foreach (var item in list)
                        {
                            if (ReadRule(item) is { } rule)
                                rules.Add((rule, item.Start));
                        }
                        break;
                    default:
                        Error(keyNode, $"unknown key '{Key(keyNode)}' (expected 'rules' or 'allowlist')");
                        break;
                }
            }
            return rules;
        }

        private Rule? ReadRule(YamlNode node)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node, "a rule is a mapping (id, description, severity, type, match, group_by, window...)");
                return null;
            }
            var before = errors.Count;
            var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in map.Children)
            {
                var key = Key(keyNode);
                if (!RuleKeys.Contains(key))
                    Error(keyNode, $"unknown rule key '{key}' (expected one of {string.Join(", ", RuleKeys)})");
                else
                    fields[key] = value;
            }

            var id = Scalar(fields, "id", map);
            if (id is not null && !IdPattern().IsMatch(id))
                Error(fields["id"], $"id: '{id}' must be 1-64 characters of a-z, 0-9, '.', '_' or '-', starting with a letter or digit");
            var where = id is null ? "" : $"rule '{id}': ";
            var description = Scalar(fields, "description", map, where);
            var severity = Enum<Severity>(fields, "severity", map, where, ["low", "medium", "high", "critical"]);
            var type = Enum<RuleType>(fields, "type", map, where, ["threshold", "distinct", "sequence", "new_value", "fleet", "impossible_travel"]);
            if (fields.TryGetValue("enabled", out var enabledNode) && Bool(enabledNode, where + "enabled") is false)
                return null;

            var match = fields.TryGetValue("match", out var matchNode) ? Matcher(matchNode, where + "match") : Missing(map, where, "match");
            EventMatcher? then = null;
            if (type == RuleType.Sequence)
                then = fields.TryGetValue("then", out var thenNode) ? Matcher(thenNode, where + "then") : Missing(map, where, "then");
            else if (fields.TryGetValue("then", out var stray))
                Error(stray, where + "'then' belongs to sequence rules only");
            EventMatcher? reset = null;
            if (fields.TryGetValue("reset", out var resetNode))
            {
                if (type is RuleType.Threshold or RuleType.Distinct)
                    reset = Matcher(resetNode, where + "reset");
                else
                    Error(resetNode, where + "'reset' belongs to threshold and distinct rules only");
            }

            var groupBy = fields.TryGetValue("group_by", out var groupNode) ? Group(groupNode, where) : MissingGroup(map, where);
            if (type == RuleType.Fleet && groupBy?.Parts.Any(p => p.Field == EventField.HostName) == true)
                Error(groupNode!, where + "group_by: a fleet rule counts hosts, so it cannot group by host.name");

            var window = TimeSpan.Zero;
            if (type != RuleType.NewValue)
                window = Duration(fields, "window", map, where, required: true, max: MaxWindow) ?? TimeSpan.Zero;
            else if (fields.TryGetValue("window", out var strayWindow))
                Error(strayWindow, where + "a new_value rule has a 'lookback', not a 'window'");

            long threshold = 1;
            if (type == RuleType.ImpossibleTravel)
            {
                // Two logins make an impossible journey: that is the alert's count and threshold.
                threshold = 2;
                if (fields.TryGetValue("threshold", out var strayTravelThreshold))
                    Error(strayTravelThreshold, where + "an impossible_travel rule compares two logins: it has no 'threshold'");
            }
            else if (type != RuleType.NewValue)
                threshold = Integer(fields, "threshold", map, where) ?? 1;
            else if (fields.TryGetValue("threshold", out var strayThreshold))
                Error(strayThreshold, where + "a new_value rule fires on the first new value: it has no 'threshold'");

            var minSpan = TimeSpan.Zero;
            if (fields.TryGetValue("min_span", out var minSpanNode))
            {
                if (type != RuleType.Threshold)
                    Error(minSpanNode, where + "'min_span' belongs to threshold rules only");
                else if (Duration(fields, "min_span", map, where, required: false, max: MaxWindow) is { } span)
                {
                    if (span >= window && window > TimeSpan.Zero)
                        Error(minSpanNode, where + $"min_span: '{Durations.Format(span)}' must be shorter than the window ({Durations.Format(window)})");
                    minSpan = span;
                }
            }

            var speed = DefaultSpeed;
            if (fields.TryGetValue("speed", out var speedNode))
            {
                if (type == RuleType.ImpossibleTravel)
                    speed = Speed(speedNode, where) ?? DefaultSpeed;
                else
                    Error(speedNode, where + "'speed' belongs to impossible_travel rules only");
            }

            EventField? field = null;
            var lookBack = TimeSpan.Zero;
            var learning = TimeSpan.Zero;
            if (type == RuleType.Distinct)
                field = ValueField(fields, "distinct", map, where);
            else if (type == RuleType.NewValue)
            {
                field = ValueField(fields, "field", map, where);
                lookBack = Duration(fields, "lookback", map, where, required: true, max: MaxLookBack) ?? TimeSpan.Zero;
                learning = Duration(fields, "learning", map, where, required: false, max: MaxLookBack) ?? TimeSpan.Zero;
            }
            else if (type == RuleType.Fleet)
                field = EventField.HostName;
            else if (type == RuleType.ImpossibleTravel)
                lookBack = Duration(fields, "lookback", map, where, required: false, max: MaxLookBack) ?? TimeSpan.Zero;
            foreach (var key in new[] { "distinct", "field", "lookback", "learning" })
            {
                if (fields.TryGetValue(key, out var strayField) && !(key == "distinct" && type == RuleType.Distinct) && !(key is "field" or "lookback" or "learning" && type == RuleType.NewValue)
                    && !(key == "lookback" && type == RuleType.ImpossibleTravel))
                    Error(strayField, where + $"'{key}' does not apply to a {(type is { } t ? Rule.TypeName(t) : "")} rule");
            }

            // Without a cooldown a long attack would raise an alert per event; an hour (or the window, when longer) is the default.
            var defaultCooldown = type == RuleType.NewValue ? TimeSpan.Zero : window > TimeSpan.FromHours(1) ? window : TimeSpan.FromHours(1);
            var cooldown = Duration(fields, "cooldown", map, where, required: false, max: MaxLookBack) ?? defaultCooldown;

            if (errors.Count > before || id is null || description is null || severity is null || type is null || match is null || groupBy is null)
                return null;
            return new Rule
            {
                Id = id,
                Description = description,
                Severity = severity.Value,
                Type = type.Value,
                Match = match,
                Then = then,
                Reset = reset,
                GroupBy = groupBy,
                Window = window,
                Threshold = threshold,
                Field = field,
                LookBack = lookBack,
                Learning = learning,
                Speed = speed,
                MinSpan = minSpan,
                Cooldown = cooldown,
                Fingerprint = Canonical(map),
            };
        }

        private EventMatcher? Matcher(YamlNode node, string where, int depth = 0)
        {
            // An alias can point back at its own block (&m ... not: *m): nesting is bounded instead of followed forever.
            if (depth > MaxNesting)
            {
                Error(node, where + ": nested more than " + MaxNesting + " levels (an alias that refers to itself?)");
                return null;
            }
            if (node is not YamlMappingNode map)
            {
                Error(node, where + ": expected a mapping of field conditions (action, outcome, user, source_cidr, not...)");
                return null;
            }
            var conditions = new List<(EventField, string[])>();
            var networks = new List<IpNetwork>();
            var localParts = new List<string>();
            EventMatcher? not = null;
            foreach (var (keyNode, value) in map.Children)
            {
                var key = Key(keyNode);
                if (key == SourceCidrKey)
                {
                    foreach (var item in Strings(value, where + "." + key))
                    {
                        if (IpNetwork.TryParse(item.Value, out var network, out var error))
                            networks.Add(network!);
                        else
                            Error(item.Node, $"{where}.{key}: {error}");
                    }
                }
                else if (key == UserLocalPartKey)
                {
                    foreach (var item in Strings(value, where + "." + key))
                    {
                        if (item.Value.Contains('@'))
                            Error(item.Node, $"{where}.{key}: '{item.Value}' holds '@': list only the part before it, which matches the account at any domain");
                        else
                            localParts.Add(item.Value);
                    }
                }
                else if (key == NotKey)
                {
                    not = Matcher(value, where + ".not", depth + 1);
                }
                else if (key == AttemptKey)
                {
                    // One value: "attempt: [true, false]" would mean "any event", which is no condition at all.
                    if (value is YamlScalarNode { Value: EventField.True or EventField.False } flag)
                        conditions.Add((EventField.Attempt, [flag.Value!]));
                    else
                        Error(value, $"{where}.attempt: expected true or false");
                }
                else if (MatchFields.TryGetValue(key, out var field))
                {
                    var values = Strings(value, where + "." + key);
                    if (field == EventField.Action)
                    {
                        foreach (var v in values.Where(v => !EventActions.Catalogue.ContainsKey(v.Value)))
                            Error(v.Node, $"{where}.action: '{v.Value}' is not an event action (docs/events.md lists them)");
                    }
                    if (field == EventField.Outcome)
                    {
                        foreach (var v in values.Where(v => v.Value is not (EventOutcomes.Failure or EventOutcomes.Success or EventOutcomes.Unknown)))
                            Error(v.Node, $"{where}.outcome: '{v.Value}' is not failure, success or unknown");
                    }
                    conditions.Add((field, values.Select(v => v.Value).ToArray()));
                }
                else
                {
                    Error(keyNode, $"{where}: unknown condition '{key}' (expected one of {string.Join(", ", MatchKeys)})");
                }
            }
            return new EventMatcher(conditions, networks, not, localParts);
        }

        private GroupBy? Group(YamlNode node, string where)
        {
            var parts = new List<GroupBy.Part>();
            var before = errors.Count;
            foreach (var item in Strings(node, where + "group_by"))
            {
                var name = item.Value;
                int? prefix = null;
                var fieldName = name;
                var slash = name.IndexOf('/');
                if (slash >= 0)
                {
                    fieldName = name[..slash];
                    if (fieldName != EventField.SourceIp.Name
                        || !int.TryParse(name.AsSpan(slash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var bits)
                        || bits < GroupBy.MinV6Prefix || bits > 128)
                    {
                        Error(item.Node, $"{where}group_by: '{name}': only source.ip takes a prefix, an IPv6 prefix length from {GroupBy.MinV6Prefix} to 128");
                        continue;
                    }
                    prefix = bits;
                }
                var field = GroupFields.FirstOrDefault(f => f.Name == fieldName);
                if (field is null)
                {
                    Error(item.Node, $"{where}group_by: '{name}' is not one of {string.Join(", ", GroupFields.Select(f => f.Name))} (or source.ip/64)");
                    continue;
                }
                if (parts.Any(p => p.Field == field))
                {
                    Error(item.Node, $"{where}group_by: '{fieldName}' is listed twice");
                    continue;
                }
                parts.Add(new GroupBy.Part(name, field, prefix));
            }
            if (parts.Count == 0)
            {
                if (errors.Count == before)
                    Error(node, where + "group_by: name at least one field");
                return null;
            }
            return new GroupBy(parts);
        }

        private GroupBy? MissingGroup(YamlMappingNode map, string where)
        {
            Error(map, where + "missing 'group_by'");
            return null;
        }

        private EventMatcher? Missing(YamlMappingNode map, string where, string key)
        {
            Error(map, $"{where}missing '{key}'");
            return null;
        }

        private EventField? ValueField(Dictionary<string, YamlNode> fields, string key, YamlMappingNode map, string where)
        {
            var name = Scalar(fields, key, map, where);
            if (name is null)
                return null;
            var field = ValueFields.FirstOrDefault(f => f.Name == name);
            if (field is null)
                Error(fields[key], $"{where}{key}: '{name}' is not one of {string.Join(", ", ValueFields.Select(f => f.Name))}");
            return field;
        }

        private string? Scalar(Dictionary<string, YamlNode> fields, string key, YamlMappingNode map, string where = "")
        {
            if (!fields.TryGetValue(key, out var node))
            {
                Error(map, $"{where}missing '{key}'");
                return null;
            }
            if (node is not YamlScalarNode { Value: { Length: > 0 } value })
            {
                Error(node, $"{where}{key}: expected a non-empty value");
                return null;
            }
            return value;
        }

        private T? Enum<T>(Dictionary<string, YamlNode> fields, string key, YamlMappingNode map, string where, string[] names) where T : struct, System.Enum
        {
            var value = Scalar(fields, key, map, where);
            if (value is null)
                return null;
            var index = Array.IndexOf(names, value);
            if (index < 0)
            {
                Error(fields[key], $"{where}{key}: '{value}' is not one of {string.Join(", ", names)}");
                return null;
            }
            return (T)(object)index;
        }

        private TimeSpan? Duration(Dictionary<string, YamlNode> fields, string key, YamlMappingNode map, string where, bool required, TimeSpan max)
        {
            if (!fields.ContainsKey(key) && !required)
                return null;
            var value = Scalar(fields, key, map, where);
            if (value is null)
                return null;
            if (!Durations.TryParse(value, out var duration) || duration > max || (duration <= TimeSpan.Zero && key is not ("cooldown" or "learning")))
            {
                Error(fields[key], $"{where}{key}: '{value}' is not a duration from 1s to {Durations.Format(max)} (e.g. 30s, 10m, 24h, 7d)");
                return null;
            }
            return duration;
        }

        private double? Speed(YamlNode node, string where)
        {
            if (node is YamlScalarNode { Value: { } text }
                && double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var speed)
                && speed >= 1 && speed <= MaxSpeed)
                return speed;
            Error(node, $"{where}speed: expected a speed in km/h from 1 to {MaxSpeed:0} (e.g. 1000)");
            return null;
        }

        private long? Integer(Dictionary<string, YamlNode> fields, string key, YamlMappingNode map, string where)
        {
            var value = Scalar(fields, key, map, where);
            if (value is null)
                return null;
            if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number < 1 || number > MaxThreshold)
            {
                Error(fields[key], $"{where}{key}: '{value}' is not a whole number from 1 to {MaxThreshold}");
                return null;
            }
            return number;
        }

        private bool? Bool(YamlNode node, string where)
        {
            if (node is YamlScalarNode { Value: "true" or "false" } scalar)
                return scalar.Value == "true";
            Error(node, where + ": expected true or false");
            return null;
        }

        private List<(string Value, YamlNode Node)> Strings(YamlNode node, string where)
        {
            var items = new List<(string, YamlNode)>();
            switch (node)
            {
                case YamlScalarNode { Value: { Length: > 0 } value }:
                    items.Add((value, node));
                    break;
                case YamlSequenceNode list:
                    foreach (var item in list)
                    {
                        if (item is YamlScalarNode { Value: { Length: > 0 } v })
                            items.Add((v, item));
                        else
                            Error(item, where + ": expected a non-empty text");
                    }
                    if (list.Children.Count == 0)
                        Error(node, where + ": the list is empty");
                    break;
                default:
                    Error(node, where + ": expected a value or a list of values");
                    break;
            }
            return items;
        }

        private static string Key(YamlNode node) => node is YamlScalarNode { Value: { } value } ? value : "";

        private void Error(YamlNode node, string message) => errors.Add(new RuleError(file, node.Start.Line, node.Start.Column, message));

        /// <summary>The rule node written back as text without positions or comments: equal text, equal rule.</summary>
        private static string Canonical(YamlNode node, int depth = 0) => depth > MaxNesting ? "…" : node switch
        {
            YamlScalarNode s => "'" + s.Value + "'",
            YamlSequenceNode l => "[" + string.Join(",", l.Children.Select(c => Canonical(c, depth + 1))) + "]",
            YamlMappingNode m => "{" + string.Join(",", m.Children.OrderBy(c => Canonical(c.Key, depth + 1), StringComparer.Ordinal).Select(c => Canonical(c.Key, depth + 1) + ":" + Canonical(c.Value, depth + 1))) + "}",
            _ => "",
        };
    }
}
