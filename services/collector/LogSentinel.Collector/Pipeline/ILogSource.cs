namespace LogSentinel.Collector.Pipeline;

/// <summary>
/// A stream of log lines the worker follows (a file, the journal). Checkpointing is two-step: <see cref="Capture"/>
/// notes where the lines parsed so far end (held back to the earliest line whose events still wait), and once the
/// events of those lines are delivered, <see cref="Commit"/> makes that position durable.
/// </summary>
public interface ILogSource : IDisposable
{
    string Name { get; }

    /// <summary>Parses the lines available now, at most <paramref name="maxLines"/>; returns how many.</summary>
    int Poll(int maxLines);

    /// <summary>Lines skipped so far: no recognisable shape, or over the size limit.</summary>
    long LinesDropped { get; }

    void Capture();

    void Commit();
}
