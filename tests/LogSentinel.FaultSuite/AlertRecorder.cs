using System.Collections.Concurrent;
using System.Text.Json;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace LogSentinel.FaultSuite;

/// <summary>
/// One AlertRaised message as it crossed the broker (a revision of an alert, or the alert raised again), with the
/// process id MassTransit's envelope names as its sender (0 when absent).
/// </summary>
internal sealed record AlertRecord(string AlertId, int Revision, string RuleId, string Offender, string Severity, DateTime ReceivedAt, int SenderProcess);

/// <summary>
/// Every AlertRaised message the detectors publish, as a subscriber of its own sees it: a durable queue bound to the
/// alert exchange, so nothing published while the recorder reconnects (broker restart) is missed.
/// </summary>
internal sealed class AlertRecorder : IAsyncDisposable
{
    /// <summary>MassTransit names a message type's exchange after the type.</summary>
    public const string Exchange = "LogSentinel.Contracts:AlertRaised";

    public const string Queue = "logsentinel-fault-suite-alerts";

    private readonly RabbitMqNode _broker;
    private readonly ConcurrentQueue<AlertRecord> _records = new();
    private IConnection? _connection;
    private IChannel? _channel;

    public AlertRecorder(RabbitMqNode broker) => _broker = broker;

    public int Count => _records.Count;

    public IReadOnlyList<AlertRecord> Snapshot() => [.. _records];

    /// <summary>Connects (again, after the broker was reset and lost the queue) and consumes.</summary>
    public async Task StartAsync(CancellationToken cancellation)
    {
        await StopAsync().ConfigureAwait(false);
        _connection = await _broker.ConnectionFactory(recover: true).CreateConnectionAsync(cancellation).ConfigureAwait(false);
        _channel = await _connection.CreateChannelAsync(cancellationToken: cancellation).ConfigureAwait(false);
        // Declared as MassTransit declares it (fanout, durable), whoever comes first.
        await _channel.ExchangeDeclareAsync(Exchange, ExchangeType.Fanout, durable: true, autoDelete: false, cancellationToken: cancellation).ConfigureAwait(false);
        await _channel.QueueDeclareAsync(Queue, durable: true, exclusive: false, autoDelete: false, cancellationToken: cancellation).ConfigureAwait(false);
        await _channel.QueueBindAsync(Queue, Exchange, "", cancellationToken: cancellation).ConfigureAwait(false);
        var consumer = new AsyncEventingBasicConsumer(_channel);
        var channel = _channel;
        consumer.ReceivedAsync += async (_, delivery) =>
        {
            if (Parse(delivery.Body.Span) is { } record)
                _records.Enqueue(record);
            await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false).ConfigureAwait(false);
        };
        await _channel.BasicConsumeAsync(Queue, autoAck: false, consumer, cancellation).ConfigureAwait(false);
    }

    /// <summary>The alert in MassTransit's JSON envelope ("message") or a bare one; null for anything else.</summary>
    internal static AlertRecord? Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body.ToArray());
            var message = document.RootElement.TryGetProperty("message", out var inner) && inner.ValueKind == JsonValueKind.Object ? inner : document.RootElement;
            if (!message.TryGetProperty("alert_id", out var id) || !message.TryGetProperty("rule_id", out var rule) || !message.TryGetProperty("offender", out var offender))
                return null;
            return new AlertRecord(
                id.GetString() ?? "",
                message.TryGetProperty("revision", out var revision) ? revision.GetInt32() : 0,
                rule.GetString() ?? "",
                offender.GetString() ?? "",
                message.TryGetProperty("severity", out var severity) ? severity.GetString() ?? "" : "",
                DateTime.UtcNow,
                document.RootElement.TryGetProperty("host", out var host) && host.ValueKind == JsonValueKind.Object
                    && host.TryGetProperty("processId", out var pid) && pid.TryGetInt32(out var process) ? process : 0);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task StopAsync()
    {
        if (_channel is not null)
        {
            try
            {
                await _channel.CloseAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or RabbitMQ.Client.Exceptions.AlreadyClosedException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // The broker was reset under it.
            }
            await _channel.DisposeAsync().ConfigureAwait(false);
            _channel = null;
        }
        if (_connection is not null)
        {
            try
            {
                await _connection.CloseAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or RabbitMQ.Client.Exceptions.AlreadyClosedException or RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                // Idem.
            }
            await _connection.DisposeAsync().ConfigureAwait(false);
            _connection = null;
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);
}
