using System.CommandLine;
using LogSentinel.Messaging;
using LogSentinel.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace LogSentinel.Indexer.Commands;

/// <summary>
/// `run [--config /etc/logsentinel/indexer.yaml]`: the long-running indexer. Settings come from the YAML file
/// (section "Indexer"), then from the environment (Indexer__MySql__ConnectionString=...), which wins.
/// </summary>
public static class RunCommand
{
    public static Command Create() => ServiceRunCommand.Create("indexer", "Store events, alerts and analyses in Elasticsearch and MySQL", (path, optional) => Build(path, optional),
        e => e is MySql.SchemaMismatchException ? e.Message : null);

    public static IHost Build(string configPath, bool optional, Action<IConfigurationBuilder>? configure = null)
    {
        var builder = ServiceHost.CreateBuilder(configPath, optional, configure);
        builder.Services.AddIndexer();
        builder.Services.AddIndexerRabbitMq();
        builder.AddRabbitMqDefaults();
        builder.Services.AddLogSentinelTelemetry("logsentinel-indexer", Telemetry.IndexerMetrics.MeterName);
        return builder.Build();
    }
}
