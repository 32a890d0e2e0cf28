using System.Net.Mime;
using System.Runtime.Serialization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using LogSentinel.Contracts;
using LogSentinel.Contracts.Json;
using MassTransit;
using MassTransit.Serialization;

namespace LogSentinel.Messaging;

/// <summary>
/// The event stream's wire format: the message's own JSON as the body (no MassTransit envelope; message type, ids
/// and addresses travel as transport headers), written and read by the contracts' source-generated serializer in
/// one pass. The bus's default serializer reads a whole body into a JsonDocument first and the message from that
/// again: on the event stream, the busiest path of the pipeline, that was most of the detector's CPU.
/// </summary>
public sealed class EventStreamSerializer : RawMessageSerializer, IMessageSerializer, IMessageDeserializer
{
    public static readonly ContentType EventStreamContentType = new("application/vnd.logsentinel.events+json");

    public static readonly EventStreamSerializer Instance = new();

    private static readonly string SecurityEventBatchUrn = MessageUrn.ForTypeString<SecurityEventBatch>();
    private static readonly string KeyedEventBatchUrn = MessageUrn.ForTypeString<KeyedEventBatch>();

    public ContentType ContentType => EventStreamContentType;

    public void Probe(ProbeContext context)
    {
        var scope = context.CreateScope("json");
        scope.Add("contentType", ContentType.MediaType);
        scope.Add("provider", "System.Text.Json (source-generated contracts)");
    }

    public MessageBody GetMessageBody<T>(SendContext<T> context)
        where T : class
    {
        SetRawMessageHeaders(context);
        return new BytesMessageBody(JsonSerializer.SerializeToUtf8Bytes(context.Message, TypeInfo<T>()));
    }

    public ConsumeContext Deserialize(ReceiveContext receiveContext) =>
        new BodyConsumeContext(receiveContext, Deserialize(receiveContext.Body, receiveContext.TransportHeaders, receiveContext.InputAddress));

    public SerializerContext Deserialize(MessageBody body, Headers headers, Uri? destinationAddress = null)
    {
        var messageTypes = headers.GetMessageTypes();
        object message;
        try
        {
            var bytes = body.GetBytes();
            if (messageTypes.Contains(SecurityEventBatchUrn, StringComparer.OrdinalIgnoreCase))
                message = JsonSerializer.Deserialize(bytes, ContractsJsonContext.Default.SecurityEventBatch)!;
            else if (messageTypes.Contains(KeyedEventBatchUrn, StringComparer.OrdinalIgnoreCase))
                message = JsonSerializer.Deserialize(bytes, ContractsJsonContext.Default.KeyedEventBatch)!;
            else
                throw new SerializationException($"{EventStreamContentType.MediaType} carries only the event stream, not {string.Join(";", messageTypes)}");
        }
        catch (JsonException e)
        {
            throw new SerializationException("The event stream message is not valid JSON of its type", e);
        }
        var messageContext = new RawMessageContext(headers, destinationAddress, RawSerializerOptions.Default);
        return new EventStreamSerializerContext(messageContext, messageTypes, message);
    }

    public MessageBody GetMessageBody(string text) => new StringMessageBody(text);

    private static JsonTypeInfo<T> TypeInfo<T>() =>
        ContractsJsonContext.Default.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new SerializationException($"{typeof(T).Name} is not a contract of the event stream");

    /// <summary>The message already read: the bus hands it to consumers as it is.</summary>
    private sealed class EventStreamSerializerContext(MessageContext messageContext, string[] messageTypes, object message)
        : SystemTextJsonSerializerContext(SystemTextJsonMessageSerializer.Instance, SystemTextJsonMessageSerializer.Options,
            EventStreamContentType, messageContext, messageTypes, message: message)
    {
        public override IMessageSerializer GetMessageSerializer() =>
            new SystemTextJsonBodyMessageSerializer(Message, ContentType, Options, RawSerializerOptions.Default);
    }
}
