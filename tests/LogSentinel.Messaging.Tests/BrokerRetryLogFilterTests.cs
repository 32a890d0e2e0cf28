using MassTransit;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace LogSentinel.Messaging.Tests;

/// <summary>Which of MassTransit's entries the host's log still shows.</summary>
public sealed class BrokerRetryLogFilterTests : IDisposable
{
    private readonly LogCapture _capture = new();

    public void Dispose() => _capture.Dispose();

    private BrokerRetryLogFilter Factory() => new BrokerRetryLogFilter(LoggerFactory.Create(b => b.AddProvider(_capture).SetMinimumLevel(LogLevel.Trace)));

    private static RabbitMqConnectionException Unreachable() =>
        new RabbitMqConnectionException("Broker unreachable: guest@localhost:5672/", new BrokerUnreachableException(new AggregateException(new System.Net.Sockets.SocketException(111))));

    [Fact]
    public void Should_drop_MassTransit_s_entries_about_each_failed_connection_attempt()
    {
        using var factory = Factory();
        var mass = factory.CreateLogger("MassTransit");
        var refused = new BrokerUnreachableException(new System.Net.Sockets.SocketException(111));
        var unreachable = Unreachable();
        var closed = new AlreadyClosedException(new ShutdownEventArgs(ShutdownInitiator.Peer, 320, "CONNECTION_FORCED", cause: null));
        var cut = new OperationInterruptedException(new ShutdownEventArgs(ShutdownInitiator.Library, 541, "Unexpected Exception", cause: null));
        mass.LogWarning(refused, "Connection Failed: rabbitmq://localhost/");
        factory.CreateLogger("MassTransit.ReceiveTransport").LogError(cut, "Consumer Channel Shutdown: rabbitmq://localhost/logsentinel-notifier-alerts");
        mass.LogInformation(unreachable, "Retrying 00:00:06: Broker unreachable");
        mass.LogError(closed, "S-FAULT rabbitmq://localhost/x");

        Assert.Empty(_capture.Entries);
    }

    [Fact]
    public void Should_keep_a_consumer_s_fault_and_MassTransit_s_other_entries()
    {
        using var factory = Factory();
        var mass = factory.CreateLogger("MassTransit");
        var messages = factory.CreateLogger("MassTransit.Messages");
        var refused = new InvalidOperationException("The mail server refused the message");
        // The broker refusing one declaration closes the channel, not the connection: a mistake to fix, every time.
        var inequivalent = new OperationInterruptedException(new ShutdownEventArgs(ShutdownInitiator.Peer, 406,
            "PRECONDITION_FAILED - inequivalent arg 'x-expires' for queue 'logsentinel-detector-r1'", cause: null));
        mass.LogError(refused, "R-FAULT rabbitmq://localhost/logsentinel-notifier-alerts");
        mass.LogInformation("Bus started: rabbitmq://localhost/");
        messages.LogInformation("MOVE rabbitmq://localhost/x_error");
        mass.LogError(inequivalent, "Consumer Channel Shutdown: rabbitmq://localhost/logsentinel-detector-r1");

        Assert.Equal(4, _capture.Entries.Count);
        Assert.Equal("The mail server refused the message", _capture.Entries[0].Exception!.Message);
    }

    [Fact]
    public void Should_leave_every_other_category_alone()
    {
        using var factory = Factory();
        var sink = factory.CreateLogger("LogSentinel.Collector.Publishing.BusBatchSink");
        var unreachable = Unreachable();
        sink.LogWarning(unreachable, "Publishing failed");
        Assert.Single(_capture.Entries);
    }
}
