using System.CommandLine;
using LogSentinel.Messaging;
using LogSentinel.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace LogSentinel.Detector.Commands;

/// <summary>
/// `run [--config /etc/logsentinel/detector.yaml]`: the long-running detector replica. Settings come from the YAML
/// file (section "Detector"), then from the environment (Detector__RabbitMq__Password=...), which wins.
/// </summary>
public static class RunCommand
{
    public static string DefaultConfig => ServiceRunCommand.DefaultConfig("detector");

    public static Command Create() => ServiceRunCommand.Create("detector", "Evaluate the detection rules over the event stream from RabbitMQ and publish alerts", (path, optional) => Build(path, optional),
        e => e is Rules.RuleLoadException ? "the rules cannot be used:" + Environment.NewLine + e.Message : null);

    public static IHost Build(string configPath, bool optional, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = ServiceHost.CreateBuilder(configPath, optional, configure);
        builder.Services.AddDetector();
        builder.Services.AddDetectorRabbitMq();
        builder.AddRabbitMqDefaults();
        builder.Services.AddLogSentinelTelemetry("logsentinel-detector", Telemetry.DetectorMetrics.MeterName);
        return builder.Build();
    }
}
