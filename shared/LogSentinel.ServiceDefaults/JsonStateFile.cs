using System.Text.Json;

namespace LogSentinel.ServiceDefaults;

/// <summary>
/// A service's small durable state as one JSON file, written whole through <see cref="AtomicFile"/> (fsynced before
/// the rename): a crash leaves the old or the new state, never half of one.
/// </summary>
public sealed class JsonStateFile<T>(string path)
    where T : class
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    public string Path { get; } = path;

    /// <summary>The saved state, or null when none was saved yet.</summary>
    public T? Load()
    {
        if (!File.Exists(Path))
            return null;
        using var stream = File.OpenRead(Path);
        return JsonSerializer.Deserialize<T>(stream, Json) ?? throw new InvalidDataException($"{Path} holds no state");
    }

    public void Save(T state)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!);
        AtomicFile.Write(Path, JsonSerializer.SerializeToUtf8Bytes(state, Json), flushToDisk: true);
    }
}
