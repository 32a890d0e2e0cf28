using System.CommandLine;
using LogSentinel.Messaging;
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
    public static string DefaultConfig => ServiceRunCommand.DefaultConfig("ai-analyzer");

    public static Command Create() => ServiceRunCommand.Create("ai-analyzer", "Analyse each host's time windows of events and alerts (AI model or rules) and publish the analyses", (path, optional) => Build(path, optional));

    public static IHost Build(string configPath, bool optional, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = ServiceHost.CreateBuilder(configPath, optional, configure);
        builder.Services.AddAiAnalyzer();
        builder.Services.AddAiAnalyzerRabbitMq();
        builder.AddRabbitMqDefaults();
        builder.Services.AddLogSentinelTelemetry("logsentinel-ai-analyzer", Telemetry.AnalyzerMetrics.MeterName);
        return builder.Build();
    }
}
