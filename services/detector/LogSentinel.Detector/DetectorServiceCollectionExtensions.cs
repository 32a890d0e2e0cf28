using LogSentinel.Contracts;
using LogSentinel.Messaging;
using LogSentinel.Detector.Consumers;
using LogSentinel.Detector.Pipeline;
using LogSentinel.Detector.Rules;
using LogSentinel.Detector.Telemetry;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using LogSentinel.Detector.Partitioning;
using LogSentinel.Detector.State;
using Microsoft.Extensions.Options;

namespace LogSentinel.Detector;

public static class DetectorServiceCollectionExtensions
{
    /// <summary>
    /// Registers the detector: options validated at start, the rules (loaded at start, reloaded on change), the
    /// evaluation loop and the alert sink. The bus is the composition's choice (<see cref="AddDetectorRabbitMq"/>,
    /// or <see cref="AddDetectorConsumers"/> on any MassTransit bus).
    /// </summary>
    public static IServiceCollection AddDetector(this IServiceCollection services)
    {
        services.AddOptions<DetectorOptions>()
            .BindConfiguration(DetectorOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<DetectorMetrics>();
        services.AddSingleton<RuleSetProvider>();
        services.AddSingleton<RuleFileWatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<RuleFileWatcher>());
        services.TryAddSingleton<IReplicaTermination, ProcessTermination>();
        services.AddSingleton<DetectionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<DetectionWorker>());
        services.AddSingleton<IAlertSink, BusAlertSink>();
        return services;
    }

    /// <summary>The two consumers, for a composition that brings its own bus (the in-memory one in a single process).</summary>
    /// <remarks>On a transport without partition queues (one process), add the partition endpoint with
    /// <see cref="ConfigureDetectorPartitionEndpoint"/>.</remarks>
    public static void AddDetectorConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<SecurityEventBatchConsumer, SecurityEventBatchConsumerDefinition>();
        // Its endpoints are the partition queues this replica owns, connected as it takes them, never by convention.
        bus.AddConsumer<KeyedEventBatchConsumer>().ExcludeFromConfigureEndpoints();
    }

    /// <summary>
    /// A replica of the fleet: MassTransit on RabbitMQ, rule state in the state store. Collectors' batches arrive on
    /// one queue shared by all replicas (any replica may route any batch). Routed events are published to the
    /// partition exchange, one durable queue per partition (<see cref="PartitionQueues"/>); the
    /// <see cref="OwnershipCoordinator"/> decides which of them this replica consumes.
    /// </summary>
    public static IServiceCollection AddDetectorRabbitMq(this IServiceCollection services)
    {
        services.AddOptions<DetectorOptions>()
            .Validate(o => !string.IsNullOrWhiteSpace(o.Store.ConnectionString),
                "Detector:Store:ConnectionString is not set: replicas keep their partitions' owners and rule state in MariaDB/MySQL");
        services.AddSingleton<IPartitionStore>(sp => new MariaDbPartitionStore(sp.GetRequiredService<IOptions<DetectorOptions>>().Value.Store.ConnectionString!));
        services.AddSingleton<PartitionEndpoints>();
        // Before the bus: the router must never publish to a partition whose queue does not exist yet.
        services.AddHostedService<PartitionTopologySetup>();
        // Started means bound: a replica reports ready only once its queues receive.
        services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        services.AddMassTransit(bus =>
        {
            bus.AddDetectorConsumers();
            bus.UsingRabbitMq((context, cfg) =>
            {
                var options = context.GetRequiredService<IOptions<DetectorOptions>>().Value;
                cfg.Host(options.RabbitMq);
                cfg.UseEventStream();
                cfg.Message<KeyedEventBatch>(m => m.SetEntityName(PartitionQueues.Exchange));
                cfg.Publish<KeyedEventBatch>(p => p.ExchangeType = RabbitMQ.Client.ExchangeType.Direct);
                cfg.Send<KeyedEventBatch>(s => s.UseRoutingKeyFormatter(c => c.Message.RoutingKey));
                cfg.ConfigureEndpoints(context);
            });
        });
        // After the bus, so it stops first: the partitions are handed over while the bus and the loop still run.
        services.AddSingleton<OwnershipCoordinator>();
        services.AddHostedService(sp => sp.GetRequiredService<OwnershipCoordinator>());
        return services;
    }

    /// <summary>One replica in one process: a plain endpoint receives every partitioned batch.</summary>
    public static void ConfigureDetectorPartitionEndpoint(this IBusFactoryConfigurator cfg, IBusRegistrationContext context)
    {
        cfg.UseEventStream();
        cfg.ReceiveEndpoint("logsentinel-detector-partitions", e =>
        {
            // As on RabbitMQ: each batch is held until the lateness has passed, so many must be held at once.
            e.ConcurrentMessageLimit = context.GetRequiredService<IOptions<DetectorOptions>>().Value.ConcurrentBatches;
            e.ConfigureConsumer<KeyedEventBatchConsumer>(context);
        });
    }
}
