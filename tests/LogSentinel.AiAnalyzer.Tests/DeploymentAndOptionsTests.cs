using LogSentinel.AiAnalyzer.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogSentinel.AiAnalyzer.Tests;

/// <summary>The shipped configuration and image files (checked statically: no container engine here), and what validation refuses.</summary>
public sealed class DeploymentAndOptionsTests
{
    private static AiAnalyzerOptions Load(string yaml, Dictionary<string, string?>? overrides = null)
    {
        using var host = RunCommand.Build(yaml, optional: false, c => c.AddInMemoryCollection(overrides ?? []));
        return host.Services.GetRequiredService<IOptions<AiAnalyzerOptions>>().Value;
    }

    [Fact]
    public void Should_ship_a_configuration_with_every_default_that_the_service_accepts()
    {
        var options = Load(Path.Combine(Repository.Root, "deploy", "ai-analyzer", "ai-analyzer.yaml"));
        var defaults = new AiAnalyzerOptions();
        Assert.Equal((defaults.Window, defaults.Lateness, defaults.IdleClose, defaults.TopGroups, defaults.NotableFailures), (options.Window, options.Lateness, options.IdleClose, options.TopGroups, options.NotableFailures));
        Assert.Equal((defaults.Model.CallsPerHour, defaults.Model.Budget, defaults.Model.MaxRetries), (options.Model.CallsPerHour, options.Model.Budget, options.Model.MaxRetries));
        Assert.False(options.Model.IsConfigured);
        Assert.Equal((32, 128), (options.Privacy.Ipv4Prefix, options.Privacy.Ipv6Prefix));
    }

    [Theory]
    [InlineData("AiAnalyzer:Privacy:PseudonymizeUsernames", "true", "PseudonymKey")]
    [InlineData("AiAnalyzer:Model:Endpoint", "http://localhost:11434/v1", "Model.Model is required")]
    [InlineData("AiAnalyzer:Privacy:Ipv4Prefix", "4", "Ipv4Prefix")]
    [InlineData("AiAnalyzer:WarningFrom", "9", "WarningFrom")]
    [InlineData("AiAnalyzer:Window", "00:00:10", "Window")]
    public void Should_refuse_a_bad_setting_naming_it(string key, string value, string named)
    {
        var yaml = Path.Combine(Repository.Root, "deploy", "ai-analyzer", "ai-analyzer.yaml");
        var error = Assert.Throws<OptionsValidationException>(() => Load(yaml, new() { [key] = value }));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_build_the_image_from_files_that_exist_and_compose_it_with_a_state_volume()
    {
        var root = Repository.Root;
        var copies = Dockerfiles.CopiedSources("deploy/ai-analyzer/Dockerfile");
        Assert.NotEmpty(copies);
        Assert.All(copies, source => Assert.True(File.Exists(Path.Combine(root, source)), source));
        var compose = File.ReadAllText(Path.Combine(root, "deploy", "compose", "compose.yaml"));
        Assert.Contains("dockerfile: deploy/ai-analyzer/Dockerfile", compose, StringComparison.Ordinal);
        Assert.Contains("ai-analyzer-state:/var/lib/logsentinel/ai-analyzer", compose, StringComparison.Ordinal);
    }
}
