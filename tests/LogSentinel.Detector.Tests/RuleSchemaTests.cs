using System.Text.Json;
using LogSentinel.Contracts;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Tests;

/// <summary>
/// The JSON Schema shipped beside the default rules (for editors) and the loader must accept the same things:
/// these tests fail when a key, a rule type, an action or a field is added to one and not the other.
/// </summary>
public sealed class RuleSchemaTests : IDisposable
{
    private readonly JsonDocument _schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(Engine.DefaultRules, "rules.schema.json")));

    public void Dispose() => _schema.Dispose();

    private JsonElement Def(string name) => _schema.RootElement.GetProperty("$defs").GetProperty(name);

    private static string[] Keys(JsonElement properties) => [.. properties.EnumerateObject().Select(p => p.Name).Order()];

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!).Order()];

    [Fact]
    public void Should_list_exactly_the_rule_keys_the_loader_reads()
    {
        Assert.Equal(RuleSetLoader.RuleKeys.Order(), Keys(Def("rule").GetProperty("properties")));
    }

    [Fact]
    public void Should_list_exactly_the_match_conditions_the_loader_reads()
    {
        Assert.Equal(RuleSetLoader.MatchKeys.Order(), Keys(Def("match").GetProperty("properties")));
    }

    [Fact]
    public void Should_enumerate_every_event_action_and_rule_type()
    {
        var actions = Def("match").GetProperty("properties").GetProperty("action").GetProperty("oneOf")[0].GetProperty("enum");
        var types = Def("rule").GetProperty("properties").GetProperty("type").GetProperty("enum");

        Assert.Equal(EventActions.Catalogue.Keys.Order(), Strings(actions));
        Assert.Equal(Enum.GetValues<RuleType>().Select(Rule.TypeName).Order(), Strings(types));
    }

    [Fact]
    public void Should_offer_the_value_fields_the_loader_accepts()
    {
        var distinct = Def("rule").GetProperty("properties").GetProperty("distinct").GetProperty("enum");

        Assert.Equal(RuleSetLoader.ValueFields.Select(f => f.Name).Order(), Strings(distinct));
    }

    [Fact]
    public void Should_be_referenced_by_the_default_rules_for_editors()
    {
        Assert.StartsWith("# yaml-language-server: $schema=rules.schema.json", File.ReadAllText(Path.Combine(Engine.DefaultRules, "default.yaml")));
    }
}
