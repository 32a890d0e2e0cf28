namespace LogSentinel.Parsing;

/// <summary>Settings for parsing one stream of lines (one file, one journal).</summary>
public sealed record LogParserOptions
{
    /// <summary>log.file.path of every event; also part of the event id.</summary>
    public required string FilePath { get; init; }

    /// <summary>host.name for lines that carry no host (journal short output, dovecot's and fail2ban's own logs);
    /// also the collector host in the event id.</summary>
    public required string DefaultHost { get; init; }

    /// <summary>Year of the first RFC 3164 stamp; null infers it from <see cref="ReferenceTime"/>.</summary>
    public int? Year { get; init; }

    /// <summary>Local time the stream was last written (a file's mtime): bounds year inference and times lines that carry none.</summary>
    public DateTime ReferenceTime { get; init; } = DateTime.Now;

    /// <summary>Zone of stamps written without one (RFC 3164, rsyslog without offset).</summary>
    public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;

    public LogFormat Format { get; init; } = LogFormat.Auto;

    /// <summary>Copy the raw line into event.original (capped at <see cref="FieldLimits.Original"/> bytes).</summary>
    public bool IncludeOriginal { get; init; }

    /// <summary>A line that says it stands for N failures yields at most this many events.</summary>
    public int MaxEventsPerLine { get; init; } = 1000;
}
