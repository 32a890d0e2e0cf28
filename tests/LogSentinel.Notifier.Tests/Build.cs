using LogSentinel.Notifier.Delivery;
using LogSentinel.Notifier.Policy;
using LogSentinel.Notifier.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace LogSentinel.Notifier.Tests;

internal static class Build
{
    public static NotifierOptions Options(int smtpPort, string? stateDirectory = null, Action<NotifierOptions>? configure = null)
    {
        var options = new NotifierOptions
        {
            Smtp = new SmtpOptions { Host = "127.0.0.1", Port = smtpPort, StartTls = false, From = "logsentinel@example.org", MaxRetries = 0, Timeout = TimeSpan.FromSeconds(10) },
            Recipients = new(StringComparer.OrdinalIgnoreCase)
            {
                ["critical"] = ["oncall@example.org", "security@example.org"],
                ["high"] = ["security@example.org"],
                ["warning"] = ["security@example.org"],
            },
            StateDirectory = stateDirectory ?? Directory.CreateTempSubdirectory("logsentinel-notifier-").FullName,
        };
        configure?.Invoke(options);
        return options;
    }

    public static NotificationDispatcher Dispatcher(NotifierOptions options, HttpClient? http = null, ILogger<NotificationDispatcher>? logger = null)
    {
        var metrics = new NotifierMetrics();
        var wrapped = Microsoft.Extensions.Options.Options.Create(options);
        return new NotificationDispatcher(wrapped,
            new SmtpEmailTransport(wrapped, metrics, TimeProvider.System, NullLogger<SmtpEmailTransport>.Instance),
            new WebhookTransport(http ?? new HttpClient(), TimeProvider.System),
            metrics, TimeProvider.System, logger ?? NullLogger<NotificationDispatcher>.Instance);
    }
}
