using System.CommandLine;
using LogSentinel.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace LogSentinel.Collector.Commands;

/// <summary>
/// `run [--config /etc/logsentinel/collector.yaml]`: the long-running collector. Settings come from the YAML
/// file (section "Collector"), then from the environment (Collector__RabbitMq__Password=...), which wins.
/// </summary>
public static class RunCommand
{
    public const string DefaultConfig = "/etc/logsentinel/collector.yaml";

    public static Command Create()
    {
        var config = new Option<string?>("--config")
        {
            Description = $"YAML configuration file (default {DefaultConfig}, used when present)",
        };
        var command = new Command("run", "Follow the host's logs and publish security events to RabbitMQ") { config };
        command.SetAction(async (result, cancellation) =>
        {
            var path = result.GetValue(config);
            using var host = Build(path ?? DefaultConfig, optional: path is null);
            await host.RunAsync(cancellation).ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    public static IHost Build(string configPath, bool optional, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = ServiceHost.CreateBuilder(configPath, optional, configure);
        builder.Services.AddCollector();
        builder.Services.AddCollectorRabbitMq();
        builder.Services.AddLogSentinelTelemetry("logsentinel-collector", Telemetry.CollectorMetrics.MeterName);
        return builder.Build();
    }
}
