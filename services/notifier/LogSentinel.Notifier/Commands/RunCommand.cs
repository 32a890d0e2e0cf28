using System.CommandLine;
using LogSentinel.Messaging;
using LogSentinel.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace LogSentinel.Notifier.Commands;

/// <summary>
/// `run [--config /etc/logsentinel/notifier.yaml]`: the long-running notifier. Settings come from the YAML file
/// (section "Notifier"), then from the environment (Notifier__Smtp__Password=...), which wins.
/// </summary>
public static class RunCommand
{
    public static Command Create() => ServiceRunCommand.Create("notifier", "Email (and post) the detector's alerts and the analyzer's analyses", (path, optional) => Build(path, optional));

    public static IHost Build(string configPath, bool optional, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = ServiceHost.CreateBuilder(configPath, optional, configure);
        builder.Services.AddNotifier();
        builder.Services.AddNotifierRabbitMq();
        builder.AddRabbitMqDefaults();
        builder.Services.AddLogSentinelTelemetry("logsentinel-notifier", Telemetry.NotifierMetrics.MeterName);
        return builder.Build();
    }
}
