using LogSentinel.Collector.Pipeline;
using LogSentinel.Collector.Publishing;
using LogSentinel.Contracts;
using LogSentinel.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LogSentinel.Collector;

public static class CollectorServiceCollectionExtensions
{
    /// <summary>
    /// Registers the collector: its options (validated when the host starts, so a bad configuration fails before
    /// anything runs), the worker that follows, parses, batches and delivers, and the sink that publishes on the
    /// bus, publishing only while the consumers' queues exist (<see cref="ConsumerQueueGate"/>). The bus itself is the
    /// composition's choice: <see cref="AddCollectorRabbitMq"/> for a fleet; on another bus (the in-memory one of the
    /// single process) the consumers share the bus and no queue can be missing.
    /// </summary>
    public static IServiceCollection AddCollector(this IServiceCollection services)
    {
        services.AddOptions<CollectorOptions>()
            .BindConfiguration(CollectorOptions.Section)
            .PostConfigure(o => o.ApplyDefaults())
            .ValidateDataAnnotations()
            .Validate(o => o.TimeZone is null or "" || TimeZoneInfo.TryFindSystemTimeZoneById(o.TimeZone, out _), "Collector:TimeZone is not a known time zone")
            .Validate(o => o.Files.Count > 0, "Collector:Files names no file to follow")
            .Validate(o => o.RequiredQueues.TrueForAll(q => !string.IsNullOrWhiteSpace(q)), "Collector:RequiredQueues holds an empty queue name")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<Telemetry.CollectorMetrics>();
        services.TryAddSingleton<IConsumerQueueCheck, InProcessConsumerQueueCheck>();
        services.AddSingleton<ConsumerQueueGate>();
        services.AddSingleton<IBatchSink, BusBatchSink>();
        services.AddHostedService<CollectorWorker>();
        return services;
    }

    /// <summary>
    /// MassTransit on RabbitMQ with publisher confirms. Batches go to the message type's fanout exchange, so every
    /// service binds its own queue and gets every batch (the detector re-partitions them for its replicas); the
    /// partition travels as routing key for whoever wants to bind by it. Nothing is bound before the consumers
    /// start: the required queues are checked with passive declares before anything is published.
    /// </summary>
    public static IServiceCollection AddCollectorRabbitMq(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<IConsumerQueueCheck, RabbitMqConsumerQueueCheck>());
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
