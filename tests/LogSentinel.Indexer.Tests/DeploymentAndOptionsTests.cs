using LogSentinel.Indexer.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogSentinel.Indexer.Tests;

/// <summary>The shipped configuration and image files (checked statically: no container engine here), and what validation refuses.</summary>
public sealed class DeploymentAndOptionsTests
{
    private static IndexerOptions Load(Dictionary<string, string?> overrides)
    {
        var yaml = Path.Combine(Repository.Root, "deploy", "indexer", "indexer.yaml");
        using var host = RunCommand.Build(yaml, optional: false, c => c.AddInMemoryCollection(overrides));
        return host.Services.GetRequiredService<IOptions<IndexerOptions>>().Value;
    }

    [Fact]
    public void Should_ship_a_configuration_that_the_service_accepts_once_a_store_is_named()
    {
        var options = Load(new() { ["Indexer:Elasticsearch:Url"] = "http://elasticsearch:9200" });
        Assert.Equal(("logsentinel", TimeSpan.FromDays(30), 5000), (options.Elasticsearch.Prefix, options.Elasticsearch.EventsRetention, options.Elasticsearch.BulkMaxDocuments));
        Assert.Equal(500, options.MySql.RowsPerStatement);
    }

    [Theory]
    [InlineData("Indexer:Elasticsearch:Url", "", "would write nowhere")]
    [InlineData("Indexer:Elasticsearch:Prefix", "LogSentinel!", "Prefix")]
    [InlineData("Indexer:Elasticsearch:EventsRetention", "02:00:00", "EventsRetention")]
    [InlineData("Indexer:Elasticsearch:Url", "ftp://x", "Elasticsearch:Url")]
    public void Should_refuse_a_bad_setting_naming_it(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?> { ["Indexer:Elasticsearch:Url"] = "http://elasticsearch:9200", [key] = value };
        var error = Assert.Throws<OptionsValidationException>(() => Load(settings));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_build_the_image_from_files_that_exist_and_compose_it()
    {
        var root = Repository.Root;
        var copies = Dockerfiles.CopiedSources("deploy/indexer/Dockerfile");
        Assert.NotEmpty(copies);
        Assert.All(copies, source => Assert.True(File.Exists(Path.Combine(root, source)), source));
        var compose = File.ReadAllText(Path.Combine(root, "deploy", "compose", "compose.yaml"));
        Assert.Contains("dockerfile: deploy/indexer/Dockerfile", compose, StringComparison.Ordinal);
    }
}
