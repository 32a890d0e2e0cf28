using LogSentinel.Messaging;
using LogSentinel.Notifier.Consumers;
using LogSentinel.Notifier.Delivery;
using LogSentinel.Notifier.Policy;
using LogSentinel.Notifier.Telemetry;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LogSentinel.Notifier;

public static class NotifierServiceCollectionExtensions
{
    /// <summary>
    /// Registers the notifier: options validated at start, the renderer and dispatcher with its sent-log, SMTP and
    /// webhook transports, the digest worker. The bus is the composition's choice (<see cref="AddNotifierRabbitMq"/>,
    /// or <see cref="AddNotifierConsumers"/> on any MassTransit bus).
    /// </summary>
    public static IServiceCollection AddNotifier(this IServiceCollection services)
    {
        services.AddOptions<NotifierOptions>()
            .BindConfiguration(NotifierOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<NotifierMetrics>();
        services.TryAddSingleton<IEmailTransport, SmtpEmailTransport>();
        services.AddSingleton(sp => new WebhookTransport(new HttpClient { Timeout = TimeSpan.FromSeconds(30) }, sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<NotificationDispatcher>();
        services.AddHostedService<DigestWorker>();
        return services;
    }

    public static void AddNotifierConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<AlertRaisedConsumer, AlertRaisedConsumerDefinition>();
        bus.AddConsumer<WindowAnalyzedConsumer, WindowAnalyzedConsumerDefinition>();
    }

    /// <summary>MassTransit on RabbitMQ: one queue for the detector's alerts, one for the analyzer's analyses.</summary>
    public static IServiceCollection AddNotifierRabbitMq(this IServiceCollection services)
    {
        services.AddMassTransit(bus =>
        {
            bus.AddNotifierConsumers();
            bus.UsingRabbitMq((context, cfg) =>
            {
                var options = context.GetRequiredService<IOptions<NotifierOptions>>().Value;
                cfg.Host(options.RabbitMq);
                cfg.UseEventStream();
                cfg.ConfigureEndpoints(context);
            });
        });
        return services;
    }
}
