using LogSentinel.AiAnalyzer.Aggregation;
using LogSentinel.ServiceDefaults;

namespace LogSentinel.AiAnalyzer.Pipeline;

/// <summary>
/// The analyzer's durable state in one file (windows.json in the state directory): open windows, closed windows
/// whose analysis is not published yet, and the collector batches already counted.
/// </summary>
public static class WindowStore
{
    public static JsonStateFile<AnalyzerState> In(string directory) => new(System.IO.Path.Combine(directory, "windows.json"));
}

public sealed class AnalyzerState
{
    public AggregatorState Aggregator { get; init; } = new();

    /// <summary>Closed, notable windows not yet published: analysed again after a restart.</summary>
    public List<HostWindow> Unpublished { get; init; } = [];

    /// <summary>Ids of the latest collector batches counted, oldest first: a redelivery of one is not counted twice.</summary>
    public List<string> RecentBatches { get; init; } = [];
}
