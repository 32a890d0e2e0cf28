using LogSentinel.AiAnalyzer.Analysis;
using LogSentinel.AiAnalyzer.Consumers;
using LogSentinel.AiAnalyzer.Pipeline;
using LogSentinel.AiAnalyzer.Telemetry;
using LogSentinel.Messaging;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LogSentinel.AiAnalyzer;

public static class AiAnalyzerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the analyzer: options validated at start, the window loop, the analyzer (model and rules) and the
    /// bus sink for analyses. The bus is the composition's choice (<see cref="AddAiAnalyzerRabbitMq"/>, or
    /// <see cref="AddAiAnalyzerConsumers"/> on any MassTransit bus).
    /// </summary>
    public static IServiceCollection AddAiAnalyzer(this IServiceCollection services)
    {
        services.AddOptions<AiAnalyzerOptions>()
            .BindConfiguration(AiAnalyzerOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AnalyzerMetrics>();
        services.AddSingleton<WindowAnalyzer>();
        services.AddSingleton<AnalyzerWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<AnalyzerWorker>());
        services.TryAddSingleton<IAnalysisSink, BusAnalysisSink>();
        return services;
    }

    public static void AddAiAnalyzerConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<EventBatchConsumer, EventBatchConsumerDefinition>();
        bus.AddConsumer<AlertRaisedConsumer, AlertRaisedConsumerDefinition>();
    }

    /// <summary>
    /// MassTransit on RabbitMQ: one queue for the collectors' batches (bound to their fanout exchange) and one for the
    /// detector's alerts. One replica: a host's windows must all be in one place.
    /// </summary>
    public static IServiceCollection AddAiAnalyzerRabbitMq(this IServiceCollection services)
    {
        services.AddMassTransit(bus =>
        {
            bus.AddAiAnalyzerConsumers();
            bus.UsingRabbitMq((context, cfg) =>
            {
                var options = context.GetRequiredService<IOptions<AiAnalyzerOptions>>().Value;
                cfg.Host(options.RabbitMq);
                cfg.UseEventStream();
                cfg.ConfigureEndpoints(context);
            });
        });
        return services;
    }
}
