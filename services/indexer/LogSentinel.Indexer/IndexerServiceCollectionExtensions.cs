using LogSentinel.Indexer.Consumers;
using LogSentinel.Indexer.Telemetry;
using LogSentinel.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LogSentinel.Indexer;

public static class IndexerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the indexer: options validated at start, the store set-up (templates, migrations) that runs before
    /// the bus, and the record writer. The bus is the composition's choice (<see cref="AddIndexerRabbitMq"/>, or
    /// <see cref="AddIndexerConsumers"/> on any MassTransit bus). Call before adding the bus: hosted services start
    /// in order, and the stores must be ready before the first message.
    /// </summary>
    public static IServiceCollection AddIndexer(this IServiceCollection services)
    {
        services.AddOptions<IndexerOptions>()
            .BindConfiguration(IndexerOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IHttpClientFactoryShim, DefaultHttpClients>();
        services.AddSingleton<IndexerMetrics>();
        services.AddSingleton<RecordWriter>();
        services.AddHostedService<StoreSetup>();
        return services;
    }

    public static void AddIndexerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<EventBatchConsumer, EventBatchConsumerDefinition>();
        bus.AddConsumer<AlertBatchConsumer, AlertBatchConsumerDefinition>();
        bus.AddConsumer<AnalysisBatchConsumer, AnalysisBatchConsumerDefinition>();
    }

    public static IServiceCollection AddIndexerRabbitMq(this IServiceCollection services)
    {
        services.AddMassTransit(bus =>
        {
            bus.AddIndexerConsumers();
            bus.UsingRabbitMq((context, cfg) =>
            {
                var options = context.GetRequiredService<IOptions<IndexerOptions>>().Value;
                cfg.Host(options.RabbitMq);
                cfg.UseEventStream();
                cfg.ConfigureEndpoints(context);
            });
        });
        return services;
    }
}
