using System.Text.Json;
using RabbitMQ.Client;

namespace LogSentinel.Collector.Tests;

/// <summary>
/// A private queue on the real local RabbitMQ, bound to the exchange the collector publishes batches to, read with
/// basic.get: what a detector replica would receive.
/// </summary>
internal sealed class RabbitMqQueue : IAsyncDisposable
{
    public const string Exchange = "LogSentinel.Contracts:SecurityEventBatch";

    private IConnection? _connection;
    private IChannel? _channel;
    private string _queue = "";

    public static async Task<RabbitMqQueue> BindAsync()
    {
        var queue = new RabbitMqQueue();
        var factory = new ConnectionFactory { HostName = "localhost" };
        queue._connection = await factory.CreateConnectionAsync();
        queue._channel = await queue._connection.CreateChannelAsync();
        await queue._channel.ExchangeDeclareAsync(Exchange, "x-consistent-hash", durable: true, autoDelete: false);
        var declared = await queue._channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true);
        queue._queue = declared.QueueName;
        await queue._channel.QueueBindAsync(queue._queue, Exchange, "1");
        return queue;
    }

    /// <summary>Events of every batch received so far: (event id, log offset, routing key).</summary>
    public async Task<List<(string Id, long Offset, string RoutingKey)>> TakeAsync()
    {
        var events = new List<(string, long, string)>();
        while (await _channel!.BasicGetAsync(_queue, autoAck: true) is { } message)
        {
            using var document = JsonDocument.Parse(message.Body);
            var batch = document.RootElement.GetProperty("message");
            var routingKey = batch.GetProperty("routing_key").GetString()!;
            Assert.Equal(message.RoutingKey, routingKey);
            foreach (var e in batch.GetProperty("events").EnumerateArray())
                events.Add((e.GetProperty("event").GetProperty("id").GetString()!, e.GetProperty("log").GetProperty("offset").GetInt64(), routingKey));
        }
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is not null)
            await _channel.DisposeAsync();
        if (_connection is not null)
            await _connection.DisposeAsync();
    }
}
