using LogSentinel.AiAnalyzer;
using LogSentinel.Collector;
using LogSentinel.Contracts;
using LogSentinel.Detector;
using LogSentinel.Messaging;
using LogSentinel.Notifier;
using LogSentinel.ServiceDefaults;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogSentinel.Cli.Composition;

/// <summary>
/// The services composed in one process: the same registrations the fleet's hosts use (detector, AI analyzer,
/// notifier, and for `watch` the collector), on MassTransit's in-memory transport with messages handed over as
/// objects. Only the transport and the sinks differ from the fleet: the findings of a run are one more consumer.
/// </summary>
public static class PipelineHost
{
    public const string DefaultConfig = "/etc/logsentinel/logsentinel.yaml";

    public enum Mode
    {
        /// <summary>Finite logs: windows close at the end of the input, nothing is kept between runs but the notifier's sent-log.</summary>
        Scan,

        /// <summary>
        /// The host's logs followed live. The collector's checkpoint moves once the in-memory bus has the events:
        /// what is still queued at a stop or crash is not read again (the fleet's broker keeps it; one process cannot).
        /// </summary>
        Watch,
    }

    /// <summary>
    /// Configuration: built-in defaults, then the YAML file, then the environment (Section__Key; a list it sets
    /// replaces the file's, as in the services), then what the mode itself requires (not to be changed by a file
    /// shared with `watch`), then <paramref name="overrides"/>.
    /// </summary>
    public static IConfigurationRoot Configuration(string? configPath, Mode mode, IReadOnlyDictionary<string, string?> overrides)
    {
        var builder = new ConfigurationBuilder().AddInMemoryCollection(Defaults(mode));
        builder.AddYamlFileAndEnvironment(Path.GetFullPath(configPath ?? DefaultConfig), optional: configPath is null);
        builder.AddInMemoryCollection(Required(mode));
        builder.AddInMemoryCollection(overrides);
        return builder.Build();
    }

    /// <summary>Whether the configuration asks for notifications: without SMTP or a webhook the notifier is not composed at all.</summary>
    public static bool Notifies(IConfiguration configuration)
    {
        var options = configuration.GetSection(NotifierOptions.Section).Get<NotifierOptions>() ?? new NotifierOptions();
        return options.Smtp.IsConfigured || options.Webhook.Url is not null;
    }

    /// <param name="addConsumers">The run's own consumers (findings for `scan`, the alert printer for `watch`).</param>
    public static IHost Build(IConfigurationRoot configuration, Mode mode, LogLevel logLevel, Action<IServiceCollection, IBusRegistrationConfigurator> addConsumers)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(configuration);
        builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(logLevel);
        builder.Logging.AddFilter("MassTransit", logLevel < LogLevel.Warning ? LogLevel.Warning : logLevel);
        builder.Logging.AddFilter("Microsoft.Hosting", logLevel < LogLevel.Warning ? LogLevel.Warning : logLevel);
        // A host that fails to start (bad settings) is reported by the command in one line, not as a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        var services = builder.Services;
        services.AddSingleton<MessageFlow>();
        services.AddDetector();
        services.AddAiAnalyzer();
        var notifies = Notifies(configuration);
        if (notifies)
            services.AddNotifier();
        if (mode == Mode.Watch)
            services.AddCollector();
        services.AddBusDefaults();
        services.AddMassTransit(bus =>
        {
            bus.AddDetectorConsumers();
            bus.AddAiAnalyzerConsumers();
            if (notifies)
                bus.AddNotifierConsumers();
            addConsumers(services, bus);
            bus.UsingInMemory((context, cfg) =>
            {
                cfg.UseInProcessMessages();
                var flow = context.GetRequiredService<MessageFlow>();
                cfg.ConnectConsumeObserver(flow);
                cfg.ConnectPublishObserver(flow);
                cfg.ConfigureDetectorPartitionEndpoint(context);
                cfg.ConfigureEndpoints(context);
            });
        });
        services.Configure<MassTransitHostOptions>(o => o.WaitUntilStarted = true);
        return builder.Build();
    }

    /// <summary>How many consumers each message type has in this composition: a message is through once all have it.</summary>
    public static IReadOnlyDictionary<Type, int> Consumers(bool notifies) => new Dictionary<Type, int>
    {
        // The detector's router and the analyzer's windows.
        [typeof(SecurityEventBatch)] = 2,
        [typeof(KeyedEventBatch)] = 1,
        // The analyzer, the run's own consumer, the notifier.
        [typeof(AlertRaised)] = notifies ? 3 : 2,
        [typeof(WindowAnalyzed)] = notifies ? 2 : 1,
    };

    /// <summary>
    /// Where state lives: /var/lib/logsentinel for root (as the services), else ~/.local/state/logsentinel; a scan
    /// keeps its own below it (scan/), apart from the `watch` service's.
    /// </summary>
    public static string StateRoot() =>
        Environment.IsPrivilegedProcess
            ? "/var/lib/logsentinel"
            : Path.Combine(Environment.GetEnvironmentVariable("XDG_STATE_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state"), "logsentinel");

    private static Dictionary<string, string?> Defaults(Mode mode)
    {
        // A scan keeps its notifier sent-log apart from the `watch` service's: two processes must not share one file.
        var state = mode == Mode.Scan ? Path.Combine(StateRoot(), "scan") : StateRoot();
        return new Dictionary<string, string?>
        {
            ["Detector:Rules"] = Path.Combine(AppContext.BaseDirectory, "rules"),
            ["Detector:ReplicaId"] = "local",
            ["Notifier:StateDirectory"] = Path.Combine(state, "notifier"),
            ["Collector:StateDirectory"] = Path.Combine(state, "collector"),
            ["AiAnalyzer:StateDirectory"] = Path.Combine(state, "ai-analyzer"),
        };
    }

    private static Dictionary<string, string?> Required(Mode mode) => mode != Mode.Scan ? [] : new()
    {
        // The scan tells the detector when a stretch of the input is all there (ScanRun), so events are evaluated in
        // the input's order whatever the bus's timing: the lateness never releases anything on its own, a batch is
        // acknowledged on receipt (nothing waits, so few consumers keep up), and the buffer holds a whole stretch.
        ["Detector:Lateness"] = "00:05:00",
        ["Detector:AcknowledgeOnReceipt"] = "true",
        ["Detector:ConcurrentBatches"] = "8",
        ["Detector:ReorderCapacity"] = "10000000",
        // Old logs are the point of a scan, and a wrong --year must not drop recent ones: the clock guards nothing here.
        ["Detector:MaxClockSkew"] = "7.00:00:00",
        ["AiAnalyzer:MaxClockSkew"] = "7.00:00:00",
        // Windows close when the input ends (after every alert is in), not on the clock while it is read; nothing saved.
        ["AiAnalyzer:SaveState"] = "false",
        ["AiAnalyzer:AlertGrace"] = "00:10:00",
        ["AiAnalyzer:IdleClose"] = "01:00:00",
    };
}
