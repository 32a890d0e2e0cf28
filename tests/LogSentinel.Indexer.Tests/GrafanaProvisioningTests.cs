using System.Text.Json;
using System.Text.Json.Nodes;
using LogSentinel.Indexer.Elasticsearch;
using YamlDotNet.RepresentationModel;

namespace LogSentinel.Indexer.Tests;

/// <summary>
/// Grafana's provisioning, checked statically against what the indexer writes (no Grafana here): every data source
/// a panel names is provisioned, each points at the indexer's index pattern, and every field a panel queries is in
/// the mappings of that index.
/// </summary>
public sealed class GrafanaProvisioningTests
{
    private static readonly IndexTemplates Templates = new(new ElasticsearchOptions());

    private static Dictionary<string, string> DataSources()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Repository.File("grafana", "provisioning", "datasources", "logsentinel.yaml"))));
        var list = (YamlSequenceNode)((YamlMappingNode)yaml.Documents[0].RootNode)["datasources"];
        return list.Cast<YamlMappingNode>().ToDictionary(
            d => d["uid"].ToString(),
            d => ((YamlMappingNode)d["jsonData"])["index"].ToString());
    }

    /// <summary>Every mapped field of an index pattern, as dotted paths.</summary>
    private static HashSet<string> Fields(string pattern)
    {
        var properties = pattern switch
        {
            "logsentinel-events-*" => IndexTemplates.EventProperties,
            "logsentinel-alerts-*" => IndexTemplates.AlertProperties,
            "logsentinel-analyses-*" => IndexTemplates.AnalysisProperties,
            _ => throw new InvalidOperationException("no template for " + pattern),
        };
        var fields = new HashSet<string>(StringComparer.Ordinal);
        void Walk(JsonObject node, string prefix)
        {
            foreach (var (name, mapping) in node)
            {
                if (mapping!["properties"] is JsonObject nested)
                    Walk(nested, prefix + name + ".");
                else
                    fields.Add(prefix + name);
            }
        }
        Walk(JsonNode.Parse(properties)!.AsObject(), "");
        return fields;
    }

    [Fact]
    public void Should_point_each_data_source_at_an_index_pattern_the_indexer_writes()
    {
        var sources = DataSources();
        Assert.Equal(Templates.Events, sources["logsentinel-events"]);
        Assert.Equal("logsentinel-alerts-*", sources["logsentinel-alerts"]);
        Assert.Equal("logsentinel-analyses-*", sources["logsentinel-analyses"]);
        Assert.StartsWith("logsentinel-alerts-", Templates.AlertsIndex(DateTime.UtcNow), StringComparison.Ordinal);
        Assert.StartsWith("logsentinel-analyses-", Templates.AnalysesIndex(DateTime.UtcNow), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_query_only_provisioned_data_sources_and_mapped_fields()
    {
        var sources = DataSources();
        using var dashboard = JsonDocument.Parse(File.ReadAllText(Repository.File("grafana", "dashboards", "logsentinel-overview.json")));
        var panels = dashboard.RootElement.GetProperty("panels").EnumerateArray().ToList();
        Assert.True(panels.Count >= 8);
        foreach (var panel in panels)
        {
            var uid = panel.GetProperty("datasource").GetProperty("uid").GetString()!;
            Assert.True(sources.ContainsKey(uid), $"panel '{panel.GetProperty("title")}' uses data source {uid}, not provisioned");
            var fields = Fields(sources[uid]);
            var used = new List<string>();
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                Assert.Equal(uid, target.GetProperty("datasource").GetProperty("uid").GetString());
                Assert.Equal("@timestamp", target.GetProperty("timeField").GetString());
                foreach (var aggregation in target.GetProperty("bucketAggs").EnumerateArray().Concat(target.GetProperty("metrics").EnumerateArray()))
                {
                    if (aggregation.TryGetProperty("field", out var field))
                        used.Add(field.GetString()!);
                }
                used.AddRange(System.Text.RegularExpressions.Regex.Matches(target.GetProperty("query").GetString()!, @"([A-Za-z_@][\w.@]*):").Select(m => m.Groups[1].Value));
            }
            if (panel.TryGetProperty("transformations", out var transformations))
            {
                foreach (var t in transformations.EnumerateArray())
                    used.AddRange(t.GetProperty("options").GetProperty("includeByName").EnumerateObject().Select(p => p.Name));
            }
            Assert.All(used, f => Assert.True(fields.Contains(f), $"panel '{panel.GetProperty("title")}' queries {f}, which the {sources[uid]} mapping does not have"));
        }
    }

    [Fact]
    public void Should_mount_the_provisioning_in_the_compose_file()
    {
        var compose = File.ReadAllText(Repository.File("deploy", "compose", "compose.yaml"));
        Assert.Contains("../../grafana/provisioning:/etc/grafana/provisioning:ro", compose, StringComparison.Ordinal);
        Assert.Contains("../../grafana/dashboards:/var/lib/grafana/dashboards:ro", compose, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Repository.File("grafana", "provisioning", "dashboards")));
    }
}
