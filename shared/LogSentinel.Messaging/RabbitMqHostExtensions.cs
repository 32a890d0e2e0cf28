using LogSentinel.ServiceDefaults;
using MassTransit;

namespace LogSentinel.Messaging;

public static class RabbitMqHostExtensions
{
    /// <summary>
    /// Every service connects the same way: the settings of its RabbitMq section, publisher confirms on, so a
    /// completed publish means the broker has the message.
    /// </summary>
    public static void Host(this IRabbitMqBusFactoryConfigurator cfg, RabbitMqOptions options) =>
        cfg.Host(options.Host, (ushort)options.Port, options.VirtualHost, h =>
        {
            h.Username(options.Username);
            h.Password(options.Password);
            h.PublisherConfirmation = true;
        });
}
