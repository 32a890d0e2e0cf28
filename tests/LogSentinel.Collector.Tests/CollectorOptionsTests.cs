using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogSentinel.Collector.Tests;

public class CollectorOptionsTests
{
    private static CollectorOptions Resolve(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddCollector();
        return services.BuildServiceProvider().GetRequiredService<IOptions<CollectorOptions>>().Value;
    }

    [Fact]
    public void Should_bind_the_collector_section()
    {
        var options = Resolve(new() { ["Collector:Host"] = "mail-01", ["Collector:TimeZone"] = "Europe/Sofia" });
        Assert.Equal("mail-01", options.Host);
        Assert.Equal("Europe/Sofia", options.TimeZone);
    }

    [Fact]
    public void Should_reject_an_unknown_time_zone_with_a_clear_message()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Collector:TimeZone"] = "Mars/Olympus" }));
        Assert.Contains("Collector:TimeZone", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_an_empty_host()
    {
        Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Collector:Host"] = "" }));
    }

    [Fact]
    public void Should_load_the_shipped_default_configuration()
    {
        var configuration = new ConfigurationBuilder()
            .Add(LogSentinel.ServiceDefaults.YamlConfigurationExtensions.For(Repository.File("deploy", "collector", "collector.yaml"), optional: false))
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddCollector();
        var options = services.BuildServiceProvider().GetRequiredService<IOptions<CollectorOptions>>().Value;
        Assert.Equal(["/var/log/auth.log", "/var/log/mail.log", "/var/log/fail2ban.log"], options.Files);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.PollInterval);
        Assert.Equal(JournalMode.Auto, options.Journal.Mode);
        Assert.Equal(256L << 20, options.Spool.MaxBytes);
        Assert.Equal("rabbitmq.example.internal", options.RabbitMq.Host);
        Assert.Equal(CollectorOptions.DefaultRequiredQueues, options.RequiredQueues);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Publish.QueueCheckInterval);
    }

    [Fact]
    public void Should_require_the_fleets_queues_unless_told_which()
    {
        Assert.Equal(["logsentinel-detector-ingest", "logsentinel-indexer-events", "logsentinel-ai-analyzer-events"], Resolve([]).RequiredQueues);
        // A fleet without the AI analyzer: the list replaces the defaults, it does not add to them.
        var shorter = Resolve(new() { ["Collector:RequiredQueues:0"] = "logsentinel-detector-ingest", ["Collector:RequiredQueues:1"] = "logsentinel-indexer-events" });
        Assert.Equal(["logsentinel-detector-ingest", "logsentinel-indexer-events"], shorter.RequiredQueues);
    }

    [Fact]
    public void Should_reject_an_empty_required_queue_name()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(new() { ["Collector:RequiredQueues:0"] = " " }));
        Assert.Contains("Collector:RequiredQueues", error.Message, StringComparison.Ordinal);
    }
}
