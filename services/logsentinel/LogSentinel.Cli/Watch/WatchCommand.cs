using System.CommandLine;
using LogSentinel.Cli.Composition;
using LogSentinel.Detector.Rules;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.Cli.Watch;

/// <summary>
/// `logsentinel watch`: the host's logs followed live (the collector's tailing, rotation handling and journald
/// reading) through the same pipeline, alerts printed as they fire; runs until stopped (SIGTERM, Ctrl+C), the shape
/// a systemd unit wants (deploy/logsentinel/logsentinel-watch.service).
/// </summary>
public static class WatchCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = $"YAML configuration (default {PipelineHost.DefaultConfig}, used when present)" };
        var verbose = new Option<bool>("--verbose") { Description = "Log the services' information messages too (stderr)" };
        var command = new Command("watch", "Follow this host's logs live through the whole pipeline and print alerts as they fire") { config, verbose };
        command.SetAction(async (result, cancellation) =>
        {
            IHost host;
            try
            {
                var configuration = PipelineHost.Configuration(result.GetValue(config), PipelineHost.Mode.Watch, new Dictionary<string, string?>());
                host = PipelineHost.Build(configuration, PipelineHost.Mode.Watch, result.GetValue(verbose) ? LogLevel.Information : LogLevel.Warning, (services, bus) =>
                {
                    services.AddSingleton(Console.Out);
                    bus.AddConsumer<AlertPrinter, AlertPrinterDefinition>();
                });
            }
            catch (Exception e) when (e is IOException or InvalidDataException or FormatException or UnauthorizedAccessException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync("logsentinel watch: configuration: " + Cli.Describe(e)).ConfigureAwait(false);
                return Cli.Error;
            }
            using (host)
            {
                try
                {
                    await host.RunAsync(cancellation).ConfigureAwait(false);
                }
                catch (Exception e) when (e is OptionsValidationException or RuleLoadException)
                {
                    await Console.Error.WriteLineAsync("logsentinel watch: " + e.Message).ConfigureAwait(false);
                    return Cli.Error;
                }
            }
            return Cli.Clean;
        });
        return command;
    }
}
