using System.CommandLine;
using LogSentinel.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace LogSentinel.AiAnalyzer.Commands;

/// <summary>
/// `run [--config /etc/logsentinel/ai-analyzer.yaml]`: the long-running analyzer. Settings come from the YAML file
/// (section "AiAnalyzer"), then from the environment (AiAnalyzer__Model__ApiKey=...), which wins.
/// </summary>
public static class RunCommand
{
    public const string DefaultConfig = "/etc/logsentinel/ai-analyzer.yaml";

    public static Command Create()
    {
        var config = new Option<string?>("--config")
        {
            Description = $"YAML configuration file (default {DefaultConfig}, used when present)",
        };
        var command = new Command("run", "Analyse each host's time windows of events and alerts (AI model or rules) and publish the analyses") { config };
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
        builder.Services.AddAiAnalyzer();
        builder.Services.AddAiAnalyzerRabbitMq();
        builder.Services.AddLogSentinelTelemetry("logsentinel-ai-analyzer", Telemetry.AnalyzerMetrics.MeterName);
        return builder.Build();
    }
}
