using System.Text.Json;
using RabbitMQ.Client;

namespace LogSentinel.Collector.Tests;

/// <summary>
/// A consumer's queue on the real local RabbitMQ, declared the way a service's MassTransit receive endpoint declares
/// it (a durable queue, an exchange of the same name bound to it, the batch exchange bound to that), and read with
/// basic.get: what the detector, the indexer or the analyzer would receive.
/// </summary>
internal sealed class RabbitMqQueue : IAsyncDisposable
{
    public const string Exchange = "LogSentinel.Contracts:SecurityEventBatch";

    private readonly string _virtualHost;
    private readonly string _name;
    private IConnection? _connection;
    private IChannel? _channel;

    private RabbitMqQueue(string virtualHost, string name)
    {
        _virtualHost = virtualHost;
        _name = name;
    }

    /// <param name="bind">False: the queue exists but nothing routes batches to it (a consumer bound elsewhere).</param>
    public static async Task<RabbitMqQueue> DeclareAsync(string virtualHost, string name, bool bind = true)
    {
        var queue = new RabbitMqQueue(virtualHost, name);
        await queue.ConnectAsync();
        await queue._channel!.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false);
        if (bind)
            await queue.BindAsync();
        return queue;
    }

    /// <summary>Binds the queue to the batch exchange as MassTransit does: through an exchange named after the queue.</summary>
    public async Task BindAsync()
    {
        await _channel!.ExchangeDeclareAsync(_name, "fanout", durable: true, autoDelete: false);
        await _channel.QueueBindAsync(_name, _name, "");
        await _channel.ExchangeDeclareAsync(Exchange, "fanout", durable: true, autoDelete: false);
        await _channel.ExchangeBindAsync(_name, Exchange, "");
    }

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
        var factory = new ConnectionFactory { HostName = "localhost", VirtualHost = _virtualHost };
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
        while (await _channel!.BasicGetAsync(_name, autoAck: true) is { } message)
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

    public async ValueTask DisposeAsync() => await CloseAsync();
}
