using System.Net.Mime;
using System.Runtime.CompilerServices;
using System.Runtime.Serialization;
using MassTransit;
using MassTransit.Serialization;

namespace LogSentinel.Messaging;

/// <summary>
/// The "serializer" of a bus that never leaves the process (MassTransit's in-memory transport in the single-process
/// `logsentinel`): the message object itself is handed over. The transport still wants a body, so the body is a
/// one-byte token array and the object hangs off that very array in a weak table: every queue a publish fans out to
/// gets the same array, so each consumer finds the message, and it is collected with the transport message.
/// On the busiest path (hundreds of thousands of events a second) this saves writing and reading all of them as JSON.
/// </summary>
public sealed class InProcessSerializer : RawMessageSerializer, IMessageSerializer, IMessageDeserializer
{
    public static readonly ContentType InProcessContentType = new("application/vnd.logsentinel.in-process");

    public static readonly InProcessSerializer Instance = new();

    private static readonly ConditionalWeakTable<byte[], object> Messages = new();

    public ContentType ContentType => InProcessContentType;

    public void Probe(ProbeContext context) => context.CreateScope("in-process").Add("contentType", ContentType.MediaType);

    public MessageBody GetMessageBody<T>(SendContext<T> context)
        where T : class
    {
        SetRawMessageHeaders(context);
        return Token(context.Message);
    }

    public ConsumeContext Deserialize(ReceiveContext receiveContext) =>
        new BodyConsumeContext(receiveContext, Deserialize(receiveContext.Body, receiveContext.TransportHeaders, receiveContext.InputAddress));

    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null)
    {
        if (!Messages.TryGetValue(body.GetBytes(), out var message))
            throw new SerializationException($"{InProcessContentType.MediaType} bodies are only valid in the process that sent them");
        var messageContext = new RawMessageContext(headers, destinationAddress, RawSerializerOptions.Default);
        return new InProcessSerializerContext(messageContext, headers.GetMessageTypes(), message);
    }

    public MessageBody GetMessageBody(string text) => throw new NotSupportedException("In-process messages have no text form");

    private static BytesMessageBody Token(object message)
    {
        var token = new byte[1];
        Messages.Add(token, message);
        return new BytesMessageBody(token);
    }

    /// <summary>The message as it was sent; forwarded (retried, moved to an error queue) as the same object.</summary>
    private sealed class InProcessSerializerContext(MessageContext messageContext, string[] messageTypes, object message)
        : SystemTextJsonSerializerContext(SystemTextJsonMessageSerializer.Instance, SystemTextJsonMessageSerializer.Options,
            InProcessContentType, messageContext, messageTypes, message: message)
    {
        public override IMessageSerializer GetMessageSerializer() => new Forwarder(Message);
    }

    private sealed class Forwarder(object message) : RawMessageSerializer, IMessageSerializer
    {
        public ContentType ContentType => InProcessContentType;

        public MessageBody GetMessageBody<T>(SendContext<T> context)
            where T : class
        {
            SetRawMessageHeaders(context);
            return Token(message);
        }
    }
}
