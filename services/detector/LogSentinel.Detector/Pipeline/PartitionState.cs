using System.IO.Compression;
using System.Text.Json;
using LogSentinel.Contracts;
using LogSentinel.Contracts.Json;
using LogSentinel.Detector.Evaluation;
using LogSentinel.Detector.Rules;

namespace LogSentinel.Detector.Pipeline;

/// <summary>
/// One partition a replica owns: its own rule engine (its keys, windows, cooldowns and open alerts), the epoch under
/// which it was claimed, and what its next checkpoint must cover. The checkpoint also carries the ids of the latest
/// segments evaluated, so a batch evaluated and written but not yet acknowledged when a replica died is recognised
/// when the broker delivers it to the next owner, and counted once. Those ids include batches whose events still
/// wait in the reorder buffer: the checkpoint carries those events too, and the next owner evaluates them.
/// </summary>
internal sealed class PartitionState(string key, RuleSet rules, long epoch)
{
    /// <summary>Segment ids kept in a checkpoint: more than a partition's unacknowledged messages ever hold.</summary>
    public const int RememberedSegments = 4096;

    private const int Magic = 0x4C534451; // "LSDQ": with the waiting events

    private readonly Queue<ulong> _segments = new();

    public string Key { get; } = key;

    public long Epoch { get; } = epoch;

    public DetectionEngine Engine { get; } = new(rules);

    /// <summary>Changed since its last checkpoint.</summary>
    public bool Dirty { get; set; }

    /// <summary>Batches evaluated since the last checkpoint: acknowledged once it is written.</summary>
    public List<PendingBatch> Awaiting { get; } = [];

    public IEnumerable<ulong> RecentSegments => _segments;

    public void AddSegment(ulong hash)
    {
        _segments.Enqueue(hash);
        if (_segments.Count > RememberedSegments)
            _segments.Dequeue();
    }

    /// <summary>Events accepted but not evaluated when the checkpoint was loaded: back into the reorder buffer.</summary>
    public List<SecurityEvent> Waiting { get; } = [];

    public byte[] Save(IReadOnlyList<SecurityEvent> waiting)
    {
        using var output = new MemoryStream();
        using (var zip = new ZLibStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var w = new BinaryWriter(zip))
        {
            w.Write(Magic);
            w.Write(_segments.Count);
            foreach (var hash in _segments)
                w.Write(hash);
            w.Write(waiting.Count);
            foreach (var e in waiting)
            {
                var json = JsonSerializer.SerializeToUtf8Bytes(e, ContractsJsonContext.Default.SecurityEvent);
                w.Write(json.Length);
                w.Write(json);
            }
            w.Flush();
            Engine.Save(zip);
        }
        return output.ToArray();
    }

    /// <summary>Continues from a checkpoint; false (state left empty) when it is of another format.</summary>
    public bool Load(byte[] state)
    {
        using var zip = new ZLibStream(new MemoryStream(state, writable: false), CompressionMode.Decompress);
        using var r = new BinaryReader(zip);
        if (r.ReadInt32() != Magic)
            return false;
        var count = r.ReadInt32();
        for (var i = 0; i < count; i++)
            AddSegment(r.ReadUInt64());
        var waiting = r.ReadInt32();
        for (var i = 0; i < waiting; i++)
            Waiting.Add(JsonSerializer.Deserialize(r.ReadBytes(r.ReadInt32()), ContractsJsonContext.Default.SecurityEvent)!);
        return Engine.Load(zip);
    }
}
