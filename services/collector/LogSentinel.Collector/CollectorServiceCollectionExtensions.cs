using LogSentinel.Collector.Pipeline;
using LogSentinel.Collector.Publishing;
using LogSentinel.Contracts;
using LogSentinel.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogSentinel.Collector;

public static class CollectorServiceCollectionExtensions
{
    /// <summary>
    /// Registers the collector: its options (validated when the host starts, so a bad configuration fails before
    /// anything runs), the worker that follows, parses, batches and delivers, and the sink that publishes on the
    /// bus. The bus itself is the composition's choice: <see cref="AddCollectorRabbitMq"/> for a fleet.
    /// </summary>
    public static IServiceCollection AddCollector(this IServiceCollection services)
    {
        services.AddOptions<CollectorOptions>()
            .BindConfiguration(CollectorOptions.Section)
            .PostConfigure(o => o.ApplyDefaults())
            .ValidateDataAnnotations()
            .Validate(o => o.TimeZone is null or "" || TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Collector:TimeZone is not a known time zone")
            .Validate(o => o.Files.Count > 0, "Collector:Files names no file to follow")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Telemetry.CollectorMetrics>();
        services.AddSingleton<IBatchSink, BusBatchSink>();
        services.AddHostedService<CollectorWorker>();
        return services;
    }

    /// <summary>
    /// MassTransit on RabbitMQ with publisher confirms. Batches go to the message type's fanout exchange, so every
    /// service binds its own queue and gets every batch (the detector re-partitions them for its replicas); the
    /// partition travels as routing key for whoever wants to bind by it.
    /// </summary>
    public static IServiceCollection AddCollectorRabbitMq(this IServiceCollection services)
    {
        services.AddMassTransit(bus => bus.UsingRabbitMq((context, cfg) =>
        {
            cfg.Host(context.GetRequiredService<IOptions<CollectorOptions>>().Value.RabbitMq);
            cfg.Send<SecurityEventBatch>(s => s.UseRoutingKeyFormatter(c => c.Message.RoutingKey));
            cfg.UseEventStream();
            cfg.ConfigureEndpoints(context);
        }));
        return services;
    }
}
