using System.Net.Mime;
using MassTransit;

namespace LogSentinel.Messaging;

public static class EventStreamConfiguration
{
    /// <summary>
    /// Lets the bus read the event stream's format (<see cref="EventStreamSerializer"/>) beside its default one.
    /// Only the event stream is written in it (<see cref="UseEventStream{T}"/> at the publish); every other message
    /// keeps the bus's default envelope.
    /// </summary>
    public static void UseEventStream(this IBusFactoryConfigurator cfg) => cfg.AddDeserializer(Factory.Instance, isDefault: false);

    /// <summary>
    /// Publishes an event-stream message in the event stream's format, unless the bus hands messages over as objects
    /// (<see cref="InProcessConfiguration.UseInProcessMessages"/>): nothing to write there.
    /// </summary>
    public static void UseEventStream<T>(this PublishContext<T> context)
        where T : class
    {
        if (context.Serializer is not InProcessSerializer)
            context.Serializer = EventStreamSerializer.Instance;
    }

    private sealed class Factory : ISerializerFactory
    {
        public static readonly Factory Instance = new();

        public ContentType ContentType => EventStreamSerializer.EventStreamContentType;

        public IMessageSerializer CreateSerializer() => EventStreamSerializer.Instance;

        public IMessageDeserializer CreateDeserializer() => EventStreamSerializer.Instance;
    }
}
