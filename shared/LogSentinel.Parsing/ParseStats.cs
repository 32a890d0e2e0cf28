namespace LogSentinel.Parsing;

/// <summary>Counters of one stream: what was read, what became events, what had to be skipped and why.</summary>
public sealed class ParseStats
{
    public long Lines { get; internal set; }
    public long Events { get; internal set; }
    /// <summary>Lines with no recognisable syslog or journal shape.</summary>
    public long Unframed { get; internal set; }
    /// <summary>Lines longer than <see cref="FieldLimits.Line"/>, dropped whole by the reader.</summary>
    public long Oversize { get; internal set; }
    /// <summary>Lines holding bytes that are not UTF-8 or NUL bytes: parsed with replacement characters.</summary>
    public long Garbled { get; internal set; }
    /// <summary>Events whose connection never named an address; reported without source.</summary>
    public long WithoutAddress { get; internal set; }

    public long Skipped => Unframed + Oversize;

    public override string ToString() =>
        $"{Lines} lines, {Events} events, {Skipped} skipped ({Unframed} unframed, {Oversize} oversize), {Garbled} garbled";
}
