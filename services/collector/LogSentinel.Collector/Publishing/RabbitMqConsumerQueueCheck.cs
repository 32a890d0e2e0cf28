using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace LogSentinel.Collector.Publishing;

/// <summary>
/// Checks queues with passive declares (queue.declare passive=true) on a small connection of its own: a passive
/// declare only asks, it never creates a queue, so the services keep declaring theirs with their own arguments.
/// MassTransit offers no passive declare of a queue it does not own, hence RabbitMQ.Client here.
/// </summary>
public sealed class RabbitMqConsumerQueueCheck(IOptions<CollectorOptions> options) : IConsumerQueueCheck, IDisposable, IAsyncDisposable
{
    private const int NotFound = 404;

    /// <summary>An exclusive queue of another connection answers "locked": it exists.</summary>
    private const int ResourceLocked = 405;

    private readonly SemaphoreSlim _checking = new(1, 1);
    private IConnection? _connection;
    private IChannel? _channel;

    public event Action? ConnectionLost;

    public async Task<IReadOnlyList<string>> FindMissingAsync(IReadOnlyList<string> queues, CancellationToken cancellation)
    {
        await _checking.WaitAsync(cancellation).ConfigureAwait(false);
        try
        {
            var missing = new List<string>();
            foreach (var queue in queues)
            {
                var channel = await ChannelAsync(cancellation).ConfigureAwait(false);
                try
                {
                    await channel.QueueDeclarePassiveAsync(queue, cancellation).ConfigureAwait(false);
                }
                catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == NotFound)
                {
                    missing.Add(queue);
                }
                catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == ResourceLocked)
                {
                    // Exists, owned by another connection.
                }
            }
            return missing;
        }
        finally
        {
            _checking.Release();
        }
    }

    /// <summary>The open channel, or a new one: the broker closes the channel on a missing queue.</summary>
    private async Task<IChannel> ChannelAsync(CancellationToken cancellation)
    {
        if (_channel is { IsClosed: false })
            return _channel;
        var connection = await ConnectAsync(cancellation).ConfigureAwait(false);
        if (_channel is not null)
            await _channel.DisposeAsync().ConfigureAwait(false);
        _channel = await connection.CreateChannelAsync(cancellationToken: cancellation).ConfigureAwait(false);
        return _channel;
    }

    private async Task<IConnection> ConnectAsync(CancellationToken cancellation)
    {
        if (_connection is { IsOpen: true })
            return _connection;
        await CloseAsync().ConfigureAwait(false);
        var o = options.Value;
        var factory = new ConnectionFactory
        {
            HostName = o.RabbitMq.Host,
            Port = o.RabbitMq.Port,
            VirtualHost = o.RabbitMq.VirtualHost,
            UserName = o.RabbitMq.Username,
            Password = o.RabbitMq.Password,
            ClientProvidedName = $"logsentinel-collector {o.Host} queue check",
            // A lost connection is opened again by the next check, which must then ask again: no silent recovery.
            AutomaticRecoveryEnabled = false,
            TopologyRecoveryEnabled = false,
            RequestedConnectionTimeout = o.Publish.Timeout,
            ContinuationTimeout = o.Publish.Timeout,
        };
        var connection = await factory.CreateConnectionAsync(cancellation).ConfigureAwait(false);
        connection.ConnectionShutdownAsync += (_, e) =>
        {
            // Our own close (a reconnect, the end) says nothing about the queues.
            if (e.Initiator != ShutdownInitiator.Application)
                ConnectionLost?.Invoke();
            return Task.CompletedTask;
        };
        _connection = connection;
        return connection;
    }

    private async Task CloseAsync()
    {
        var channel = _channel;
        var connection = _connection;
        _channel = null;
        _connection = null;
        try
        {
            if (channel is not null)
                await channel.DisposeAsync().ConfigureAwait(false);
            if (connection is not null)
                await connection.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is AlreadyClosedException or IOException or ObjectDisposedException or OperationInterruptedException)
        {
            // Gone already: nothing left to close.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync().ConfigureAwait(false);
        _checking.Dispose();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
