using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace LogSentinel.ServiceDefaults;

/// <summary>
/// How every service's `run` command builds its host: the YAML file, then the environment, which wins (a list the
/// environment sets replaces the file's: <see cref="YamlConfigurationExtensions.AddYamlFileAndEnvironment"/>).
/// </summary>
public static class ServiceHost
{
    /// <param name="configPath">The service's YAML file; <paramref name="optional"/> when it is only the default path.</param>
    /// <param name="configure">Extra sources after the environment (tests and tools set values here).</param>
    public static HostApplicationBuilder CreateBuilder(string configPath, bool optional, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddYamlFileAndEnvironment(Path.GetFullPath(configPath), optional);
        configure?.Invoke(builder.Configuration);
        return builder;
    }
}
