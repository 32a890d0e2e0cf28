namespace LogSentinel.Collector.Tests;

/// <summary>Tests that use the local RabbitMQ run one after the other: one of them stops the broker.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RabbitMqTests
{
    public const string Name = "rabbitmq";
}
