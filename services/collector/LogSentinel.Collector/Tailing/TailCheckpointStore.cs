using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using LogSentinel.ServiceDefaults;

namespace LogSentinel.Collector.Tailing;

/// <summary>
/// Checkpoints on disk, one small JSON file per tailed path in the state directory. A save is atomic (write a
/// temporary file, flush it to the disk, rename it over the old one): after a crash the previous or the new
/// checkpoint is there, never half of one. A checkpoint that cannot be read is reported and ignored.
/// </summary>
public sealed class TailCheckpointStore
{
    private readonly string _directory;

    public TailCheckpointStore(string directory)
    {
        _directory = directory;
        Directory.CreateDirectory(directory);
    }

    public TailCheckpoint? Load(string path, Action<string>? onError = null)
    {
        var file = FileFor(path);
        if (!File.Exists(file))
            return null;
        try
        {
            var checkpoint = JsonSerializer.Deserialize(File.ReadAllBytes(file), TailJsonContext.Default.TailCheckpoint);
            return checkpoint?.Path == Path.GetFullPath(path) ? checkpoint : null;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            onError?.Invoke($"checkpoint {file} unreadable, reading {path} as new: {e.Message}");
            return null;
        }
    }

    public void Save(TailCheckpoint checkpoint)
    {
        AtomicFile.Write(FileFor(checkpoint.Path), JsonSerializer.SerializeToUtf8Bytes(checkpoint, TailJsonContext.Default.TailCheckpoint),
            flushToDisk: true);
    }

    private string FileFor(string path)
    {
        var full = Path.GetFullPath(path);
        var key = Parsing.Identity.EventIds.Fingerprint(Encoding.UTF8.GetBytes(full));
        return Path.Combine(_directory, $"tail-{key:x16}.json");
    }
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(TailCheckpoint))]
internal sealed partial class TailJsonContext : JsonSerializerContext;
