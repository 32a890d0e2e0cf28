using System.CommandLine;
using LogSentinel.Messaging;
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
    public static string DefaultConfig => ServiceRunCommand.DefaultConfig("collector");

    public static Command Create() => ServiceRunCommand.Create("collector", "Follow the host's logs and publish security events to RabbitMQ", (path, optional) => Build(path, optional));

    public static IHost Build(string configPath, bool optional, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = ServiceHost.CreateBuilder(configPath, optional, configure);
        builder.Services.AddCollector();
        builder.Services.AddCollectorRabbitMq();
        builder.AddRabbitMqDefaults();
        builder.Services.AddLogSentinelTelemetry("logsentinel-collector", Telemetry.CollectorMetrics.MeterName);
        return builder.Build();
    }
}
