using System.CommandLine;
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
    public const string DefaultConfig = "/etc/logsentinel/detector.yaml";

    public static Command Create()
    {
        var config = new Option<string?>("--config")
        {
            Description = $"YAML configuration file (default {DefaultConfig}, used when present)",
        };
        var command = new Command("run", "Evaluate the detection rules over the event stream from RabbitMQ and publish alerts") { config };
        command.SetAction(async (result, cancellation) =>
        {
            var path = result.GetValue(config);
            using var host = Build(path ?? DefaultConfig, optional: path is null);
            try
            {
                await host.RunAsync(cancellation).ConfigureAwait(false);
            }
            catch (Rules.RuleLoadException e)
            {
                await Console.Error.WriteLineAsync("detector: the rules cannot be used:" + Environment.NewLine + e.Message).ConfigureAwait(false);
                return 2;
            }
            return 0;
        });
        return command;
    }

    public static IHost Build(string configPath, bool optional, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = ServiceHost.CreateBuilder(configPath, optional, configure);
        builder.Services.AddDetector();
        builder.Services.AddDetectorRabbitMq();
        builder.Services.AddLogSentinelTelemetry("logsentinel-detector", Telemetry.DetectorMetrics.MeterName);
        return builder.Build();
    }
}
