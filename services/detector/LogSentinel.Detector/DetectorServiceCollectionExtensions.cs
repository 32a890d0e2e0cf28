using LogSentinel.Contracts;
using LogSentinel.Messaging;
using LogSentinel.Detector.Consumers;
using LogSentinel.Detector.Pipeline;
using LogSentinel.Detector.Rules;
using LogSentinel.Detector.Telemetry;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogSentinel.Detector;

public static class DetectorServiceCollectionExtensions
{
    /// <summary>The exchange of the partitioned stream: MassTransit names it after the message type.</summary>
    public const string PartitionExchange = "LogSentinel.Contracts:KeyedEventBatch";

    public const string ConsistentHash = "x-consistent-hash";

    /// <summary>
    /// Points each replica's queue takes on the exchange's hash ring. With a single point per queue the ring's
    /// arcs are very unequal and one replica may get most keys; many points make each replica's share close to 1/N.
    /// </summary>
    public const string BindingWeight = "50";

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
        services.AddSingleton<DetectionWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<DetectionWorker>());
        services.AddSingleton<IAlertSink, BusAlertSink>();
        return services;
    }

    /// <summary>The two consumers, for a composition that brings its own bus (the in-memory one in a single process).</summary>
    /// <remarks>On a transport without a consistent-hash exchange (one process), add the partition endpoint with
    /// <see cref="ConfigureDetectorPartitionEndpoint"/>.</remarks>
    public static void AddDetectorConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<SecurityEventBatchConsumer, SecurityEventBatchConsumerDefinition>();
        // Its endpoint is bound by hand (consistent-hash exchange, one queue per replica), never by convention.
        bus.AddConsumer<KeyedEventBatchConsumer>().ExcludeFromConfigureEndpoints();
    }

    /// <summary>
    /// MassTransit on RabbitMQ. Collectors' batches arrive on one queue shared by all replicas (any replica may route
    /// any batch). Routed events are published to a consistent-hash exchange keyed by dimension and partition; each
    /// replica binds its own queue to it, so every key is evaluated on exactly one replica.
    /// </summary>
    public static IServiceCollection AddDetectorRabbitMq(this IServiceCollection services)
    {
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
                cfg.Publish<KeyedEventBatch>(p => p.ExchangeType = ConsistentHash);
                cfg.Send<KeyedEventBatch>(s => s.UseRoutingKeyFormatter(c => c.Message.RoutingKey));
                cfg.ReceiveEndpoint(PartitionQueue(options.ReplicaId), e =>
                {
                    e.ConfigureConsumeTopology = false;
                    e.Bind(PartitionExchange, b =>
                    {
                        b.ExchangeType = ConsistentHash;
                        b.RoutingKey = BindingWeight;
                    });
                    // A replica that is gone for longer than this releases its share of the keys to the others.
                    e.QueueExpiration = options.QueueExpiry;
                    e.PrefetchCount = options.ConcurrentBatches;
                    e.ConcurrentMessageLimit = options.ConcurrentBatches;
                    e.ConfigureConsumer<KeyedEventBatchConsumer>(context);
                });
                cfg.ConfigureEndpoints(context);
            });
        });
        return services;
    }

    public static string PartitionQueue(string replicaId) => "logsentinel-detector-" + replicaId;

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
