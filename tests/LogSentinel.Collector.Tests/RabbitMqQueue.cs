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

    /// <param name="durableName">A durable queue that outlives a broker restart (deleted on dispose); null for a private one.</param>
    public static async Task<RabbitMqQueue> BindAsync(string? durableName = null)
    {
        var queue = new RabbitMqQueue { _durable = durableName is not null };
        await queue.ConnectAsync();
        await queue._channel!.ExchangeDeclareAsync(Exchange, "fanout", durable: true, autoDelete: false);
        var declared = durableName is null
            ? await queue._channel.QueueDeclareAsync("", durable: false, exclusive: true, autoDelete: true)
            : await queue._channel.QueueDeclareAsync(durableName, durable: true, exclusive: false, autoDelete: false);
        queue._queue = declared.QueueName;
        await queue._channel.QueueBindAsync(queue._queue, Exchange, "1");
        return queue;
    }

    private bool _durable;

    /// <summary>After the broker came back: a new connection to the same durable queue.</summary>
    public async Task ReconnectAsync()
    {
        await CloseAsync();
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await ConnectAsync();
                return;
            }
            catch (RabbitMQ.Client.Exceptions.BrokerUnreachableException) when (attempt < 60)
            {
                await Task.Delay(500);
            }
        }
    }

    private async Task ConnectAsync()
    {
        var factory = new ConnectionFactory { HostName = "localhost" };
        _connection = await factory.CreateConnectionAsync();
        _channel = await _connection.CreateChannelAsync();
    }

    private async Task CloseAsync()
    {
        try
        {
            if (_channel is not null)
                await _channel.DisposeAsync();
            if (_connection is not null)
                await _connection.DisposeAsync();
        }
        catch (Exception e) when (e is RabbitMQ.Client.Exceptions.AlreadyClosedException or IOException or ObjectDisposedException)
        {
            // The broker went away under it: nothing left to close.
        }
        _channel = null;
        _connection = null;
    }

    /// <summary>Events of every batch received so far: (event id, log offset, routing key).</summary>
    public async Task<List<(string Id, long Offset, string RoutingKey)>> TakeAsync()
    {
        var events = new List<(string, long, string)>();
        while (await _channel!.BasicGetAsync(_queue, autoAck: true) is { } message)
        {
            // The event stream's format: the batch's own JSON, its type in the headers (no bus envelope).
            Assert.Equal("application/vnd.logsentinel.events+json", message.BasicProperties.ContentType);
            using var document = JsonDocument.Parse(message.Body);
            var batch = document.RootElement;
            var routingKey = batch.GetProperty("routing_key").GetString()!;
            Assert.Equal(message.RoutingKey, routingKey);
            foreach (var e in batch.GetProperty("events").EnumerateArray())
                events.Add((e.GetProperty("event").GetProperty("id").GetString()!, e.GetProperty("log").GetProperty("offset").GetInt64(), routingKey));
        }
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        if (_durable && _channel is not null)
            await _channel.QueueDeleteAsync(_queue);
        await CloseAsync();
    }
}
