using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogSentinel.Collector;

public static class CollectorServiceCollectionExtensions
{
    /// <summary>
    /// Registers the collector: its options, validated when the host starts so a bad configuration fails before
    /// anything runs. The long-running sources and the publisher join here with the collector service itself.
    /// </summary>
    public static IServiceCollection AddCollector(this IServiceCollection services)
    {
        services.AddOptions<CollectorOptions>()
            .BindConfiguration(CollectorOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.TimeZone is null or "" || TryFindZone(o.TimeZone), "Collector:TimeZone is not a known time zone")
            .ValidateOnStart();
        return services;
    }

    private static bool TryFindZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
