using System.CommandLine;
using Microsoft.Extensions.Hosting;

namespace LogSentinel.ServiceDefaults;

/// <summary>
/// Every service's `run [--config /etc/logsentinel/SERVICE.yaml]`: builds the service's host from the YAML file
/// (used when present at the default path, required when named) and the environment, and runs it until stopped.
/// </summary>
public static class ServiceRunCommand
{
    public static string DefaultConfig(string service) => $"/etc/logsentinel/{service}.yaml";

    /// <param name="service">collector, detector, ai-analyzer...: names the default configuration file and error messages.</param>
    /// <param name="build">The service's host from a configuration path, and whether that file is optional.</param>
    /// <param name="unusable">For start-up errors an operator must fix (bad rules): the message to print and exit 2 with; null otherwise.</param>
    public static Command Create(string service, string description, Func<string, bool, IHost> build, Func<Exception, string?>? unusable = null)
    {
        var config = new Option<string?>("--config")
        {
            Description = $"YAML configuration file (default {DefaultConfig(service)}, used when present)",
        };
        var command = new Command("run", description) { config };
        command.SetAction(async (result, cancellation) =>
        {
            var path = result.GetValue(config);
            using var host = build(path ?? DefaultConfig(service), path is null);
            try
            {
                await host.RunAsync(cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (unusable?.Invoke(e) is { } message)
            {
                await Console.Error.WriteLineAsync($"{service}: {message}").ConfigureAwait(false);
                return 2;
            }
            return 0;
        });
        return command;
    }
}
