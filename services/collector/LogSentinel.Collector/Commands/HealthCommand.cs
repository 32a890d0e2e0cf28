using System.CommandLine;
using LogSentinel.ServiceDefaults;
using LogSentinel.Collector.Telemetry;
using Microsoft.Extensions.Configuration;

namespace LogSentinel.Collector.Commands;

/// <summary>
/// `health [--config FILE] [--max-age SECONDS]`: exit 0 when the running collector wrote its health file recently,
/// 1 otherwise, with the status on stdout; for a container HEALTHCHECK or a systemd check.
/// </summary>
public static class HealthCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = $"The collector's YAML configuration (default {RunCommand.DefaultConfig})" };
        var maxAge = new Option<int>("--max-age") { Description = "Seconds after which the health file counts as stale", DefaultValueFactory = _ => 60 };
        var command = new Command("health", "Tell whether the running collector is alive (exit 0) or not (exit 1)") { config, maxAge };
        command.SetAction(result =>
        {
            var path = result.GetValue(config);
            var configuration = new ConfigurationBuilder()
                .AddYamlFileAndEnvironment(Path.GetFullPath(path ?? RunCommand.DefaultConfig), optional: path is null)
                .Build();
            var options = new CollectorOptions();
            configuration.GetSection(CollectorOptions.Section).Bind(options);
            var fresh = HealthFile.TryReadFresh(options.StateDirectory, TimeSpan.FromSeconds(result.GetValue(maxAge)), DateTimeOffset.UtcNow, out var status);
            Console.WriteLine(status);
            return fresh ? 0 : 1;
        });
        return command;
    }
}
