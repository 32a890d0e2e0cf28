using System.Net.Sockets;
using LogSentinel.ServiceDefaults;
using MassTransit;
using RabbitMQ.Client.Exceptions;

namespace LogSentinel.Messaging;

/// <summary>
/// Tells an exception that means "the broker cannot be reached or dropped the connection" from the others (a
/// consumer's own failure, a message the broker refused), and says it in one line for an operator.
/// </summary>
public static class BrokerConnectionFailure
{
    /// <summary>Longest reason logged: a broker's close text is short, an exception chain need not be.</summary>
    public const int MaxReasonLength = 300;

    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            // MassTransit's own (RabbitMqConnectionException: "Broker unreachable"), RabbitMQ.Client's when it cannot
            // connect, the socket's.
            if (e is ConnectionException or BrokerUnreachableException or ConnectFailureException or SocketException)
                return true;
            // A channel or connection closed under a send or a consumer: the broker stopping (CONNECTION_FORCED), the
            // network gone. Not the broker refusing one operation (a queue declared two ways, a missing exchange):
            // that closes only the channel, with a reason an operator must see every time.
            if (e is OperationInterruptedException interrupted && !IsChannelError(interrupted.ShutdownReason?.ReplyCode))
                return true;
            if (e is AggregateException aggregate && aggregate.InnerExceptions.Any(Is))
                return true;
        }
        return false;
    }

    /// <summary>AMQP's soft errors, which close a channel only: 311-313 (content too large, no route, no consumers), 403-406.</summary>
    private static bool IsChannelError(ushort? replyCode) => replyCode is >= 311 and <= 313 or >= 403 and <= 406;

    /// <summary>
    /// The exception's message and, when it differs, its innermost cause's ("Broker unreachable: guest@mq:5672/ —
    /// Connection refused"): one line, capped, no stack trace.
    /// </summary>
    public static string Describe(Exception exception)
    {
        var innermost = exception;
        while (innermost.InnerException is not null)
            innermost = innermost.InnerException;
        var text = innermost == exception || exception.Message.Contains(innermost.Message, StringComparison.Ordinal)
            ? exception.Message
            : $"{exception.Message} — {innermost.Message}";
        // Without its final full stop: the reason is quoted inside a sentence of the log line.
        return FieldText.Clean(text.TrimEnd().TrimEnd('.'), MaxReasonLength)!;
    }
}
