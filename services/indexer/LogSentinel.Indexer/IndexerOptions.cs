using System.ComponentModel.DataAnnotations;
using LogSentinel.ServiceDefaults;

namespace LogSentinel.Indexer;

/// <summary>Settings of the indexer (section "Indexer"); deploy/indexer/indexer.yaml shows them all.</summary>
public sealed class IndexerOptions : IValidatableObject
{
    public const string Section = "Indexer";

    public ElasticsearchOptions Elasticsearch { get; set; } = new();

    public MySqlOptions MySql { get; set; } = new();

    /// <summary>Collector batches (or alerts, analyses) taken together into one bulk request and one transaction.</summary>
    [Range(1, 1000)]
    public int MessagesPerBatch { get; set; } = 20;

    /// <summary>How long a partial batch waits for more messages.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan BatchDelay { get; set; } = TimeSpan.FromSeconds(1);

    public RabbitMqOptions RabbitMq { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Elasticsearch.Url is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("http" or "https")))
            yield return new ValidationResult("Elasticsearch:Url must be an absolute http(s) URL");
        if (Elasticsearch.Url is null && string.IsNullOrWhiteSpace(MySql.ConnectionString))
            yield return new ValidationResult("Neither Elasticsearch:Url nor MySql:ConnectionString is set: the indexer would write nowhere");
        if (Elasticsearch.BulkMaxDocuments is < 1 or > 100_000 || Elasticsearch.BulkMaxBytes is < 1024 or > 100 * 1024 * 1024)
            yield return new ValidationResult("Elasticsearch:BulkMaxDocuments 1-100000, BulkMaxBytes 1 KB-100 MB");
        if (Elasticsearch.MaxRetries is < 0 or > 20 || Elasticsearch.RetryDelay <= TimeSpan.Zero || Elasticsearch.Timeout < TimeSpan.FromSeconds(1) || Elasticsearch.Timeout > TimeSpan.FromMinutes(5))
            yield return new ValidationResult("Elasticsearch:MaxRetries 0-20, RetryDelay positive, Timeout 1 s to 5 min");
        if (Elasticsearch.EventsRetention < TimeSpan.FromDays(1))
            yield return new ValidationResult("Elasticsearch:EventsRetention must be at least 1 day");
        if (!System.Text.RegularExpressions.Regex.IsMatch(Elasticsearch.Prefix, "^[a-z0-9][a-z0-9_-]{0,60}$"))
            yield return new ValidationResult("Elasticsearch:Prefix must be lower case letters, digits, - and _");
    }
}

public sealed class ElasticsearchOptions
{
    /// <summary>http(s)://host:9200; empty: nothing goes to Elasticsearch.</summary>
    public Uri? Url { get; set; }

    /// <summary>An API key (base64 "id:key" as Kibana shows it), from the environment. Or Username/Password.</summary>
    public string? ApiKey { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Names: PREFIX-events-yyyy.MM.dd, PREFIX-alerts-yyyy.MM, PREFIX-analyses-yyyy.MM, PREFIX-deadletter-yyyy.MM.</summary>
    public string Prefix { get; set; } = "logsentinel";

    /// <summary>Daily event indices are deleted this long after they were created (the lifecycle policy PREFIX-events-retention).</summary>
    public TimeSpan EventsRetention { get; set; } = TimeSpan.FromDays(30);

    public int BulkMaxDocuments { get; set; } = 5000;

    public int BulkMaxBytes { get; set; } = 5 * 1024 * 1024;

    /// <summary>Retries of the documents Elasticsearch refused for now (429, 5xx), with back-off.</summary>
    public int MaxRetries { get; set; } = 5;

    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(60);
}

public sealed class MySqlOptions
{
    /// <summary>"Server=...;Database=logsentinel;User ID=...;Password=..." (password from the environment); empty: no MySQL.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Rows per INSERT statement.</summary>
    [Range(1, 10_000)]
    public int RowsPerStatement { get; set; } = 500;
}
