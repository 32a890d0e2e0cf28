using LogSentinel.Notifier.Commands;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogSentinel.Notifier.Tests;

/// <summary>The shipped configuration and image files (checked statically: no container engine here), and what validation refuses.</summary>
public sealed class DeploymentAndOptionsTests
{
    private static NotifierOptions Load(Dictionary<string, string?>? overrides = null)
    {
        var yaml = Path.Combine(Repository.Root, "deploy", "notifier", "notifier.yaml");
        using var host = RunCommand.Build(yaml, optional: false, c => c.AddInMemoryCollection(overrides ?? []));
        return host.Services.GetRequiredService<IOptions<NotifierOptions>>().Value;
    }

    [Fact]
    public void Should_ship_a_configuration_with_the_defaults_that_the_service_accepts()
    {
        var options = Load();
        Assert.Equal(("BG", 10, "high"), (options.HomeCountry, options.MaxEmailsPerHour, options.AlertMinSeverity));
        Assert.Equal(["RU", "CN", "BR"], options.WatchList);
        Assert.Equal([TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)], options.Redeliveries);
        Assert.False(options.Smtp.IsConfigured);
    }

    [Fact]
    public void Should_replace_the_watch_list_rather_than_add_to_it()
    {
        var options = Load(new() { ["Notifier:WatchCountries:0"] = "KP" });
        Assert.Equal(["KP"], options.WatchList);
    }

    [Fact]
    public void Should_accept_a_blank_recipient_left_by_an_unset_variable()
    {
        // Validation passes: no SMTP needed for a list that holds no address, and "" is not reported as invalid.
        var options = Load(new() { ["Notifier:Recipients:critical:0"] = "" });
        Assert.Equal([""], options.Recipients["critical"]);
    }

    [Theory]
    [InlineData("Notifier:Recipients:critical:0", "not-an-address", "not an email address")]
    [InlineData("Notifier:Recipients:urgent:0", "a@example.org", "not a severity")]
    [InlineData("Notifier:Recipients:high:0", "a@example.org", "Smtp:Host and Smtp:From are required")]
    [InlineData("Notifier:AlertMinSeverity", "severe", "AlertMinSeverity")]
    [InlineData("Notifier:Webhook:Url", "ftp://example.org/hook", "Webhook:Url")]
    [InlineData("Notifier:HomeCountry", "Bulgaria", "HomeCountry")]
    public void Should_refuse_a_bad_setting_naming_it(string key, string value, string named)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Load(new() { [key] = value }));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_build_the_image_from_files_that_exist_and_compose_it_with_a_state_volume()
    {
        var root = Repository.Root;
        var copies = Dockerfiles.CopiedSources("deploy/notifier/Dockerfile");
        Assert.NotEmpty(copies);
        Assert.All(copies, source => Assert.True(File.Exists(Path.Combine(root, source)), source));
        var compose = File.ReadAllText(Path.Combine(root, "deploy", "compose", "compose.yaml"));
        Assert.Contains("dockerfile: deploy/notifier/Dockerfile", compose, StringComparison.Ordinal);
        Assert.Contains("notifier-state:/var/lib/logsentinel/notifier", compose, StringComparison.Ordinal);
    }
}
