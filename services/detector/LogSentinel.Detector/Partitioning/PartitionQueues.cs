using LogSentinel.Detector.Consumers;
using MassTransit;
using RabbitMQ.Client;

namespace LogSentinel.Detector.Partitioning;

/// <summary>
/// The partitioned stream on RabbitMQ: one direct exchange, and one durable queue per partition bound to it by the
/// partition's routing key. Every queue exists whether or not a replica owns it (the router's events wait there),
/// and each has a single active consumer: even if two replicas believed they owned a partition, the broker would
/// deliver its events to one of them.
/// </summary>
public static class PartitionQueues
{
    /// <summary>The exchange the router publishes keyed batches to (MassTransit's entity name for them).</summary>
    public const string Exchange = "logsentinel.detector.partitions";

    public static string QueueOf(string partition) => "logsentinel-detector-" + partition;

    /// <summary>
    /// Declares the exchange, every partition queue and its binding before the router may publish. Plain
    /// RabbitMQ.Client: MassTransit declares a queue only by consuming from it. The arguments are exactly those
    /// MassTransit declares the same queue with when a replica connects to it (<see cref="Configure"/>).
    /// </summary>
    public static async Task DeclareAsync(DetectorOptions options, CancellationToken cancellation)
    {
        var factory = new ConnectionFactory
        {
            HostName = options.RabbitMq.Host,
            Port = options.RabbitMq.Port,
            VirtualHost = options.RabbitMq.VirtualHost,
            UserName = options.RabbitMq.Username,
            Password = options.RabbitMq.Password,
            ClientProvidedName = "logsentinel-detector topology",
        };
        await using var connection = await factory.CreateConnectionAsync(cancellation).ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellation).ConfigureAwait(false);
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Direct, durable: true, autoDelete: false, cancellationToken: cancellation).ConfigureAwait(false);
        foreach (var partition in Dimensions.AllPartitions)
        {
            var queue = QueueOf(partition);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments: Arguments(options), cancellationToken: cancellation).ConfigureAwait(false);
            await channel.QueueBindAsync(queue, Exchange, partition, cancellationToken: cancellation).ConfigureAwait(false);
        }
    }

    private static Dictionary<string, object?> Arguments(DetectorOptions options)
    {
        var arguments = new Dictionary<string, object?> { ["x-single-active-consumer"] = true };
        if (options.QuorumQueues)
            arguments["x-queue-type"] = "quorum";
        return arguments;
    }

    /// <summary>A replica's consumer of one partition queue.</summary>
    public static void Configure(IReceiveEndpointConfigurator endpoint, IRegistrationContext context, string partition, DetectorOptions options)
    {
        if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.ConfigureConsumeTopology = false;
            rabbit.SingleActiveConsumer = true;
            if (options.QuorumQueues)
                rabbit.SetQuorumQueue();
            rabbit.PrefetchCount = options.ConcurrentBatches;
            rabbit.Bind(Exchange, b =>
            {
                b.ExchangeType = ExchangeType.Direct;
                b.RoutingKey = partition;
            });
        }
        // Each batch is held until the lateness has passed and its checkpoint is written, so many are held at once.
        endpoint.ConcurrentMessageLimit = options.ConcurrentBatches;
        endpoint.ConfigureConsumer<KeyedEventBatchConsumer>(context);
    }
}
