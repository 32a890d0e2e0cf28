using System.Net.Mime;
using MassTransit;

namespace LogSentinel.Messaging;

public static class InProcessConfiguration
{
    /// <summary>Every message of this bus is handed over as an object (<see cref="InProcessSerializer"/>): for a bus that stays in one process.</summary>
    public static void UseInProcessMessages(this IBusFactoryConfigurator cfg)
    {
        cfg.ClearSerialization();
        cfg.AddSerializer(Factory.Instance);
        cfg.AddDeserializer(Factory.Instance, isDefault: true);
    }

    private sealed class Factory : ISerializerFactory
    {
        public static readonly Factory Instance = new();

        public ContentType ContentType => InProcessSerializer.InProcessContentType;

        public IMessageSerializer CreateSerializer() => InProcessSerializer.Instance;

        public IMessageDeserializer CreateDeserializer() => InProcessSerializer.Instance;
    }
}
