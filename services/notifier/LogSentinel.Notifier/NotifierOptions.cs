using LogSentinel.Contracts;
using System.ComponentModel.DataAnnotations;
using System.Net.Mail;
using LogSentinel.ServiceDefaults;

namespace LogSentinel.Notifier;

/// <summary>Settings of the notifier (section "Notifier"); deploy/notifier/notifier.yaml shows them all.</summary>
public sealed class NotifierOptions : IValidatableObject
{
    public const string Section = "Notifier";

    public static IReadOnlyList<string> Severities => AlertSeverities.All;

    public static readonly string[] Levels = ["warning", "critical"];

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>
    /// Who gets what: recipient lists by alert severity (low, medium, high, critical) and by analysis level
    /// (warning, critical). A severity or level with no list sends no email; blank entries (an unset variable in a
    /// compose file) are ignored.
    /// </summary>
    public Dictionary<string, List<string>> Recipients { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Rule alerts below this severity are not emailed (analyses of their windows still are).</summary>
    public string AlertMinSeverity { get; set; } = "high";

    /// <summary>Country cells: this one green.</summary>
    [RegularExpression("^[A-Za-z]{2}$")]
    public string HomeCountry { get; set; } = "BG";

    /// <summary>Country cells: these red (default RU, CN, BR); any other country orange, unknown grey.</summary>
    /// <remarks>Null by default: the configuration binder appends to a list that has items instead of replacing them.</remarks>
    public List<string>? WatchCountries { get; set; }

    public IReadOnlyList<string> WatchList => WatchCountries ?? ["RU", "CN", "BR"];

    /// <summary>Emails per recipient in any rolling hour; past it, notifications wait for the recipient's digest.</summary>
    [Range(1, 10_000)]
    public int MaxEmailsPerHour { get; set; } = 10;

    /// <summary>How often a recipient's held-back notifications go out as one digest email.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan DigestInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The sent-log (ids already notified, send times, held-back notifications) survives restarts here.</summary>
    [Required(AllowEmptyStrings = false)]
    public string StateDirectory { get; set; } = "/var/lib/logsentinel/notifier";

    /// <summary>How long a sent id is remembered (redeliveries and replays within it are never sent again).</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan RememberSent { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// After the SMTP retries, the bus tries a failing message again after these waits (default 30 s, 2 min, 5 min; an
    /// empty list: no retry); then it goes to the error queue. The message stays unacknowledged meanwhile, so the
    /// waits add up to at most 20 minutes, under RabbitMQ's 30-minute consumer timeout.
    /// </summary>
    public List<TimeSpan>? RedeliveryIntervals { get; set; }

    public IReadOnlyList<TimeSpan> Redeliveries => RedeliveryIntervals ?? [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(5)];

    public WebhookOptions Webhook { get; set; } = new();

    public RabbitMqOptions RabbitMq { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Severities.Contains(AlertMinSeverity))
            yield return new ValidationResult("AlertMinSeverity must be low, medium, high or critical", [nameof(AlertMinSeverity)]);
        foreach (var (key, addresses) in Recipients)
        {
            if (!Severities.Contains(key.ToLowerInvariant()) && !Levels.Contains(key.ToLowerInvariant()))
                yield return new ValidationResult($"Recipients:{key} is not a severity (low, medium, high, critical) or a level (warning, critical)");
            foreach (var address in addresses.Where(a => !string.IsNullOrWhiteSpace(a) && !MailAddress.TryCreate(a, out _)))
                yield return new ValidationResult($"Recipients:{key}: '{address}' is not an email address");
        }
        if (Recipients.Values.Any(r => r.Any(a => !string.IsNullOrWhiteSpace(a))) && !Smtp.IsConfigured)
            yield return new ValidationResult("Smtp:Host and Smtp:From are required when recipients are configured");
        if (Smtp.From is { Length: > 0 } from && !MailAddress.TryCreate(from, out _))
            yield return new ValidationResult($"Smtp:From '{from}' is not an email address");
        if (Smtp.Port is < 1 or > 65535 || Smtp.Timeout < TimeSpan.FromSeconds(1) || Smtp.MaxRetries is < 0 or > 10 || Smtp.RetryDelay <= TimeSpan.Zero || Smtp.RetryDelay > TimeSpan.FromMinutes(10))
            yield return new ValidationResult("Smtp: Port 1-65535, Timeout at least 1 s, MaxRetries 0-10, RetryDelay up to 10 min");
        if (Redeliveries.Count > 10 || Redeliveries.Any(i => i < TimeSpan.Zero) || Redeliveries.Aggregate(TimeSpan.Zero, (a, b) => a + b) > TimeSpan.FromMinutes(20))
            yield return new ValidationResult("RedeliveryIntervals: at most 10, none negative, 20 minutes in all (RabbitMQ's consumer timeout is 30)");
        if (Webhook.Url is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
            yield return new ValidationResult("Webhook:Url must be an absolute http(s) URL");
        if (!Severities.Contains(Webhook.MinSeverity))
            yield return new ValidationResult("Webhook:MinSeverity must be low, medium, high or critical");
    }
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }

    /// <summary>587 (submission with STARTTLS) by default; 25 for a local relay.</summary>
    public int Port { get; set; } = 587;

    /// <summary>Upgrade the connection with STARTTLS (System.Net.Mail has no implicit TLS on 465).</summary>
    public bool StartTls { get; set; } = true;

    /// <summary>From the environment (Notifier__Smtp__Username / __Password); no authentication when empty.</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? From { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a send that failed for a reason that may pass (server busy or unreachable), with back-off.</summary>
    public int MaxRetries { get; set; } = 4;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host) && !string.IsNullOrWhiteSpace(From);
}

/// <summary>A generic JSON webhook (Slack, Mattermost, Teams incoming webhooks accept its {"text": ...}).</summary>
public sealed class WebhookOptions
{
    public Uri? Url { get; set; }

    /// <summary>Alerts from this severity, analyses from the matching level (high: warning and critical).</summary>
    public string MinSeverity { get; set; } = "high";
}
