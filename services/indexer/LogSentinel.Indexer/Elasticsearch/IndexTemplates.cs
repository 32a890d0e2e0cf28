using System.Globalization;

namespace LogSentinel.Indexer.Elasticsearch;

/// <summary>
/// What the indexer sets up in Elasticsearch at start (idempotent PUTs): lifecycle policies, and index templates with
/// ECS mappings. Events go to daily indices PREFIX-events-yyyy.MM.dd by their own time (create: an id already there is
/// refused, so a redelivery, even days later, never doubles an event — a data stream only checks its current
/// backing index), deleted EventsRetention after creation; alerts and analyses to monthly indices
/// PREFIX-alerts-yyyy.MM / PREFIX-analyses-yyyy.MM (alerts versioned by revision: an older one never replaces a
/// newer), refused documents to PREFIX-deadletter-yyyy.MM, all three deleted a year after creation.
/// Dynamic mapping is off: a field no template names is kept in _source but never becomes a mapping (an attacker's
/// text cannot grow the mapping).
/// </summary>
public sealed class IndexTemplates(ElasticsearchOptions options)
{
    public static readonly TimeSpan AlertsRetention = TimeSpan.FromDays(365);

    /// <summary>The pattern that finds every event (Grafana's index pattern).</summary>
    public string Events => options.Prefix + "-events-*";

    public string EventsIndex(DateTime timestamp) => options.Prefix + "-events-" + timestamp.ToString("yyyy.MM.dd", CultureInfo.InvariantCulture);

    public string AlertsIndex(DateTime windowStart) => options.Prefix + "-alerts-" + windowStart.ToString("yyyy.MM", CultureInfo.InvariantCulture);

    public string AnalysesIndex(DateTime windowStart) => options.Prefix + "-analyses-" + windowStart.ToString("yyyy.MM", CultureInfo.InvariantCulture);

    public string DeadLetterIndex(DateTime time) => options.Prefix + "-deadletter-" + time.ToString("yyyy.MM", CultureInfo.InvariantCulture);

    public bool IsDeadLetter(string index) => index.StartsWith(options.Prefix + "-deadletter-", StringComparison.Ordinal);

    /// <summary>(path, body) in the order they must be applied.</summary>
    public IEnumerable<(string Path, string Body)> Requests()
    {
        var events = options.Prefix + "-events-retention";
        var records = options.Prefix + "-records-retention";
        // Placeholders rather than interpolation: JSON's runs of braces and C# holes do not mix well.
        string Fill(string json) => json
            .Replace("@EVENTS_RETENTION", Days(options.EventsRetention), StringComparison.Ordinal)
            .Replace("@RECORDS_RETENTION", Days(AlertsRetention), StringComparison.Ordinal)
            .Replace("@EVENTS_POLICY", events, StringComparison.Ordinal)
            .Replace("@RECORDS_POLICY", records, StringComparison.Ordinal)
            .Replace("@PREFIX", options.Prefix, StringComparison.Ordinal)
            .Replace("@EVENT_PROPERTIES", EventProperties, StringComparison.Ordinal)
            .Replace("@ALERT_PROPERTIES", AlertProperties, StringComparison.Ordinal)
            .Replace("@ANALYSIS_PROPERTIES", AnalysisProperties, StringComparison.Ordinal);
        yield return ($"_ilm/policy/{events}", Fill("""
            {"policy":{"_meta":{"managed_by":"logsentinel-indexer"},"phases":{
              "delete":{"min_age":"@EVENTS_RETENTION","actions":{"delete":{}}}}}}
            """));
        yield return ($"_ilm/policy/{records}", Fill("""
            {"policy":{"_meta":{"managed_by":"logsentinel-indexer"},"phases":{
              "delete":{"min_age":"@RECORDS_RETENTION","actions":{"delete":{}}}}}}
            """));
        yield return ($"_index_template/{options.Prefix}-events", Fill("""
            {"index_patterns":["@PREFIX-events-*"],"priority":200,
             "_meta":{"managed_by":"logsentinel-indexer"},
             "template":{"settings":{"index.lifecycle.name":"@EVENTS_POLICY"},
              "mappings":{"dynamic":false,"properties":@EVENT_PROPERTIES}}}
            """));
        yield return ($"_index_template/{options.Prefix}-alerts", Fill("""
            {"index_patterns":["@PREFIX-alerts-*"],"priority":200,
             "_meta":{"managed_by":"logsentinel-indexer"},
             "template":{"settings":{"index.lifecycle.name":"@RECORDS_POLICY"},
              "mappings":{"dynamic":false,"properties":@ALERT_PROPERTIES}}}
            """));
        yield return ($"_index_template/{options.Prefix}-analyses", Fill("""
            {"index_patterns":["@PREFIX-analyses-*"],"priority":200,
             "_meta":{"managed_by":"logsentinel-indexer"},
             "template":{"settings":{"index.lifecycle.name":"@RECORDS_POLICY"},
              "mappings":{"dynamic":false,"properties":@ANALYSIS_PROPERTIES}}}
            """));
        yield return ($"_index_template/{options.Prefix}-deadletter", Fill("""
            {"index_patterns":["@PREFIX-deadletter-*"],"priority":200,
             "_meta":{"managed_by":"logsentinel-indexer"},
             "template":{"settings":{"index.lifecycle.name":"@RECORDS_POLICY"},
              "mappings":{"dynamic":false,"properties":{
                "@timestamp":{"type":"date"},"index":{"type":"keyword"},"document_id":{"type":"keyword"},
                "status":{"type":"integer"},"error_type":{"type":"keyword"},"error_reason":{"type":"text"},
                "document":{"type":"text","index":false}}}}}
            """));
    }

    private static string Days(TimeSpan span) => span.TotalDays >= 1 && span.TotalDays % 1 == 0
        ? ((int)span.TotalDays).ToString(CultureInfo.InvariantCulture) + "d"
        : ((int)span.TotalHours).ToString(CultureInfo.InvariantCulture) + "h";

    /// <summary>ECS field types for <see cref="Contracts.SecurityEvent"/>.</summary>
    public const string EventProperties = """
        {"@timestamp":{"type":"date"},
         "event":{"properties":{"id":{"type":"keyword"},"kind":{"type":"keyword"},"action":{"type":"keyword"},
           "outcome":{"type":"keyword"},"category":{"type":"keyword"},"type":{"type":"keyword"},
           "dataset":{"type":"keyword"},"attempt":{"type":"boolean"},"reason":{"type":"keyword","ignore_above":1024},"original":{"type":"keyword","index":false,"doc_values":false}}},
         "host":{"properties":{"name":{"type":"keyword"}}},
         "process":{"properties":{"name":{"type":"keyword"},"pid":{"type":"long"},"command_line":{"type":"keyword","ignore_above":1024}}},
         "source":{"properties":{"address":{"type":"keyword"},"ip":{"type":"ip"},"port":{"type":"long"},
           "geo":{"properties":{"country_iso_code":{"type":"keyword"},"country_name":{"type":"keyword"},"name":{"type":"keyword"},"location":{"type":"geo_point"}}}}},
         "user":{"properties":{"name":{"type":"keyword","ignore_above":1024},"target":{"properties":{"name":{"type":"keyword","ignore_above":1024}}}}},
         "network":{"properties":{"protocol":{"type":"keyword"}}},
         "rule":{"properties":{"name":{"type":"keyword"}}},
         "log":{"properties":{"file":{"properties":{"path":{"type":"keyword"}}},"offset":{"type":"long"}}}}
        """;

    public const string AlertProperties = """
        {"@timestamp":{"type":"date"},"alert_id":{"type":"keyword"},"revision":{"type":"integer"},"final":{"type":"boolean"},
         "rule_id":{"type":"keyword"},"rule_type":{"type":"keyword"},"description":{"type":"text"},"severity":{"type":"keyword"},
         "offender":{"type":"keyword","ignore_above":1024},"count":{"type":"long"},"threshold":{"type":"long"},"events":{"type":"long"},
         "window_start":{"type":"date"},"window_end":{"type":"date"},"hosts":{"type":"keyword"},"users":{"type":"keyword","ignore_above":1024},
         "source_ips":{"type":"ip"},"country":{"type":"keyword"},"sample_event_ids":{"type":"keyword"}}
        """;

    public const string AnalysisProperties = """
        {"@timestamp":{"type":"date"},"analysis_id":{"type":"keyword"},"host":{"type":"keyword"},
         "window_start":{"type":"date"},"window_end":{"type":"date"},"summary":{"type":"text"},
         "risk_score":{"type":"integer"},"risk_floor":{"type":"integer"},"level":{"type":"keyword"},
         "source":{"type":"keyword"},"model":{"type":"keyword"},"fallback_reason":{"type":"text"},"latency_ms":{"type":"long"},
         "findings":{"properties":{"type":{"type":"keyword"},"ip":{"type":"keyword"},"username":{"type":"keyword"},
           "severity":{"type":"keyword"},"recommendation":{"type":"text"}}},
         "aggregate":{"properties":{"server":{"type":"keyword"},"totals":{"properties":{"events":{"type":"long"},
           "failed":{"type":"long"},"succeeded":{"type":"long"},"source_ips":{"type":"long"},"users":{"type":"long"}}}}}}
        """;
}
