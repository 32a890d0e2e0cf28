using System.Text.Json;
using LogSentinel.AiAnalyzer.Aggregation;

namespace LogSentinel.AiAnalyzer.Pipeline;

/// <summary>
/// The analyzer's durable state in one file: open windows, closed windows whose analysis is not published yet, and
/// the collector batches already counted. Written whole (temporary file, fsync, rename), so a crash leaves either
/// the old or the new state, never half of one.
/// </summary>
public sealed class WindowStore(string directory)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public string Path { get; } = System.IO.Path.Combine(directory, "windows.json");

    public AnalyzerState? Load()
    {
        if (!File.Exists(Path))
            return null;
        using var stream = File.OpenRead(Path);
        return JsonSerializer.Deserialize<AnalyzerState>(stream, Json)
            ?? throw new InvalidDataException($"{Path} holds no analyzer state");
    }

    public void Save(AnalyzerState state)
    {
        Directory.CreateDirectory(directory);
        var temporary = Path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            JsonSerializer.Serialize(stream, state, Json);
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, Path, overwrite: true);
    }
}

public sealed class AnalyzerState
{
    public AggregatorState Aggregator { get; init; } = new();

    /// <summary>Closed, notable windows not yet published: analysed again after a restart.</summary>
    public List<HostWindow> Unpublished { get; init; } = [];

    /// <summary>Ids of the latest collector batches counted, oldest first: a redelivery of one is not counted twice.</summary>
    public List<string> RecentBatches { get; init; } = [];
}
