using LogSentinel.Cli.Composition;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.Messaging.Tests;

/// <summary>Every composition of a bus goes through the shared defaults: each fleet service's `run` host and the single-process command.</summary>
public sealed class BusDefaultsTests
{
    private const string NoFile = "/nonexistent/logsentinel-test.yaml";

    public static TheoryData<string> FleetServices => ["collector", "detector", "ai-analyzer", "notifier", "indexer"];

    /// <summary>The host each service's `run` command would start (built, not started).</summary>
    private static IHost RunHost(string service) => service switch
    {
        "collector" => Collector.Commands.RunCommand.Build(NoFile, optional: true),
        "detector" => Detector.Commands.RunCommand.Build(NoFile, optional: true),
        "ai-analyzer" => AiAnalyzer.Commands.RunCommand.Build(NoFile, optional: true),
        "notifier" => Notifier.Commands.RunCommand.Build(NoFile, optional: true),
        "indexer" => Indexer.Commands.RunCommand.Build(NoFile, optional: true),
        _ => throw new ArgumentOutOfRangeException(nameof(service), service, null),
    };

    [Theory]
    [MemberData(nameof(FleetServices))]
    public void Should_not_report_usage_telemetry_from_any_fleet_service(string service)
    {
        using var host = RunHost(service);
        Assert.False(host.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled, $"{service} reports MassTransit usage telemetry");
    }

    [Theory]
    [MemberData(nameof(FleetServices))]
    public void Should_log_broker_outages_once_in_every_fleet_service(string service)
    {
        using var host = RunHost(service);
        Assert.Contains(host.Services.GetServices<IReceiveEndpointObserver>(), o => o is BrokerOutageObserver);
        Assert.Contains(host.Services.GetServices<ISendObserver>(), o => o is BrokerOutageObserver);
        Assert.Contains(host.Services.GetServices<IPublishObserver>(), o => o is BrokerOutageObserver);
        Assert.IsType<BrokerRetryLogFilter>(host.Services.GetRequiredService<ILoggerFactory>());
    }

    [Fact]
    public void Should_not_report_usage_telemetry_from_the_single_process_command()
    {
        var configuration = PipelineHost.Configuration(null, PipelineHost.Mode.Scan, new Dictionary<string, string?>());
        using var host = PipelineHost.Build(configuration, PipelineHost.Mode.Scan, LogLevel.Warning, (_, _) => { });
        Assert.False(host.Services.GetRequiredService<IOptions<UsageTelemetryOptions>>().Value.Enabled);
    }
}
