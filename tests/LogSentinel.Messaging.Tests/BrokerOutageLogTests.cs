using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;

namespace LogSentinel.Messaging.Tests;

/// <summary>What an operator reads about an outage: one warning when it starts, one line when it is over.</summary>
public sealed class BrokerOutageLogTests : IDisposable
{
    private static readonly Uri Alerts = new("rabbitmq://mq.example.internal:5672/logsentinel-notifier-alerts");
    private static readonly Uri Analyses = new("rabbitmq://mq.example.internal:5672/logsentinel-notifier-analyses");
    private static readonly Uri Exchange = new("rabbitmq://mq.example.internal:5672/LogSentinel.Contracts:SecurityEventBatch");

    private readonly ManualClock _clock = new();
    private readonly LogCapture _capture = new();

    public void Dispose() => _capture.Dispose();

    private BrokerOutageLog Log() => new(_clock, _capture.Logger<BrokerOutageLog>());

    private static MassTransit.RabbitMqConnectionException Unreachable() =>
        new MassTransit.RabbitMqConnectionException("Broker unreachable: logsentinel@mq.example.internal:5672/",
            new BrokerUnreachableException(new SocketException((int)SocketError.ConnectionRefused)));

    [Fact]
    public void Should_warn_once_with_the_reason_however_many_endpoints_fault_how_often()
    {
        var log = Log();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            log.EndpointFaulted(Alerts, Unreachable());
            log.EndpointFaulted(Analyses, Unreachable());
            log.SendFaulted(Exchange, Unreachable());
        }

        var warning = Assert.Single(_capture.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Null(warning.Exception);
        Assert.StartsWith("Lost the connection to RabbitMQ at mq.example.internal:5672: Broker unreachable: logsentinel@mq.example.internal:5672/", warning.Message, StringComparison.Ordinal);
        Assert.Contains("refused", warning.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain('\n', warning.Message);
    }

    [Fact]
    public void Should_say_once_how_long_it_was_down_when_every_faulted_endpoint_receives_again()
    {
        var log = Log();
        log.EndpointFaulted(Alerts, Unreachable());
        log.EndpointFaulted(Analyses, Unreachable());
        _clock.Now += TimeSpan.FromSeconds(33.6);

        log.EndpointReady(Alerts);
        Assert.Single(_capture.Entries);
        log.EndpointReady(Analyses);
        log.EndpointReady(Analyses);
        log.SendSucceeded(Exchange);

        Assert.Equal(2, _capture.Entries.Count);
        var back = _capture.Entries[1];
        Assert.Equal((LogLevel.Information, "Connected to RabbitMQ at mq.example.internal:5672 again after 00:00:34"), (back.Level, back.Message));
    }

    [Fact]
    public void Should_wait_for_the_faulted_endpoints_rather_than_a_send_before_saying_it_is_back()
    {
        var log = Log();
        log.EndpointFaulted(Alerts, Unreachable());
        log.SendSucceeded(Exchange);
        Assert.Single(_capture.Entries);

        log.EndpointReady(Alerts);
        Assert.Equal(2, _capture.Entries.Count);
    }

    [Fact]
    public void Should_take_a_publisher_s_failed_publish_as_the_start_and_its_next_publish_as_the_end()
    {
        var log = Log();
        log.PublishFailed(Exchange, "no confirmation of a publish within 00:00:10");
        log.PublishFailed(Exchange, "no confirmation of a publish within 00:00:10");
        _clock.Now += TimeSpan.FromSeconds(40);
        log.SendSucceeded(Exchange);
        log.SendSucceeded(Exchange);

        Assert.Equal(
            [
                "Lost the connection to RabbitMQ at mq.example.internal:5672: no confirmation of a publish within 00:00:10. Reconnecting; one line follows when it is back",
                "Connected to RabbitMQ at mq.example.internal:5672 again after 00:00:40",
            ],
            _capture.Entries.Select(e => e.Message));
    }

    [Fact]
    public void Should_not_call_a_send_that_failed_for_another_reason_an_outage()
    {
        var log = Log();
        log.SendFaulted(Exchange, new InvalidOperationException("The message could not be serialized"));
        log.SendFaulted(Exchange, new OperationCanceledException());
        Assert.Empty(_capture.Entries);
    }

    [Fact]
    public void Should_report_a_second_outage_as_its_own()
    {
        var log = Log();
        log.EndpointFaulted(Alerts, Unreachable());
        log.EndpointReady(Alerts);
        log.EndpointFaulted(Alerts, new AlreadyClosedException(new ShutdownEventArgs(ShutdownInitiator.Peer, 320, "CONNECTION_FORCED - broker forced connection closure with reason 'shutdown'", cause: null)));
        log.EndpointReady(Alerts);

        Assert.Equal([LogLevel.Warning, LogLevel.Information, LogLevel.Warning, LogLevel.Information], _capture.Entries.Select(e => e.Level));
        Assert.Contains("CONNECTION_FORCED", _capture.Entries[2].Message, StringComparison.Ordinal);
    }
}
