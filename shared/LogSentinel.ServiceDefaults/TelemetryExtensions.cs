using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LogSentinel.ServiceDefaults;

/// <summary>
/// What every LogSentinel service gets the same way: its meters (and MassTransit's meter and activity source)
/// exported over OTLP, switched on by the standard OTEL_EXPORTER_OTLP_ENDPOINT variable; nothing when it is unset.
/// </summary>
public static class TelemetryExtensions
{
    public const string MassTransitSource = "MassTransit";

    public static IServiceCollection AddLogSentinelTelemetry(this IServiceCollection services, string serviceName, params string[] meters)
    {
        services.AddHostedService(_ => new TelemetryExport(serviceName, meters));
        return services;
    }

    private sealed class TelemetryExport(string serviceName, string[] meters) : IHostedService, IDisposable
    {
        private MeterProvider? _meters;
        private TracerProvider? _traces;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
                return Task.CompletedTask;
            _meters = Sdk.CreateMeterProviderBuilder()
                .ConfigureResource(r => r.AddService(serviceName))
                .AddMeter(meters)
                .AddMeter(MassTransitSource)
                .AddOtlpExporter()
                .Build();
            _traces = Sdk.CreateTracerProviderBuilder()
                .ConfigureResource(r => r.AddService(serviceName))
                .AddSource(MassTransitSource)
                .AddOtlpExporter()
                .Build();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            Dispose();
            return Task.CompletedTask;
        }

        public void Dispose()
        {
            _meters?.Dispose();
            _traces?.Dispose();
            _meters = null;
            _traces = null;
        }
    }
}
