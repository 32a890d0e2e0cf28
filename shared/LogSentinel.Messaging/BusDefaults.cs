using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogSentinel.Messaging;

/// <summary>What every LogSentinel bus gets, whichever service registers it: one place, beside each AddMassTransit.</summary>
public static class BusDefaults
{
    /// <summary>
    /// Every bus, in-memory (the single-process `logsentinel`) or RabbitMQ (the fleet): no usage telemetry. A
    /// security tool on a server does not call home; MassTransit would post its configuration to its maker five
    /// minutes after start, and log a stack trace where the network does not let it.
    /// </summary>
    public static IServiceCollection AddBusDefaults(this IServiceCollection services)
    {
        // What MassTransit's DisableUsageTelemetry() sets; said here, outside AddMassTransit, so that one call
        // covers every service's registration. MASSTRANSIT_USAGE_TELEMETRY in the environment still overrides it.
        services.AddOptions<UsageTelemetryOptions>().Configure(o => o.Enabled = false);
        return services;
    }

    /// <summary>
    /// Every fleet service's host on RabbitMQ: the bus defaults, and a broker outage logged as one warning and one
    /// line when it is over (<see cref="BrokerOutageLog"/>) instead of MassTransit's stack trace per retry.
    /// </summary>
    public static IHostApplicationBuilder AddRabbitMqDefaults(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddBusDefaults();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<BrokerOutageLog>();
        services.AddSingleton<BrokerOutageObserver>();
        services.AddReceiveEndpointObserver(sp => sp.GetRequiredService<BrokerOutageObserver>());
        services.AddSendObserver(sp => sp.GetRequiredService<BrokerOutageObserver>());
        services.AddPublishObserver(sp => sp.GetRequiredService<BrokerOutageObserver>());
        // The factory the host's logging registered, wrapped: MassTransit takes its loggers from it.
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(sp => new BrokerRetryLogFilter(ActivatorUtilities.CreateInstance<LoggerFactory>(sp))));
        return builder;
    }
}
