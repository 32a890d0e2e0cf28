namespace LogSentinel.Collector.Tailing;

/// <summary>
/// How far a file has been read, durably: the file's identity, the offset after the last line whose events are
/// safe (published or spooled), and a fingerprint of its first bytes that tells a truncated-and-rewritten file
/// from the one we read.
/// </summary>
public sealed record TailCheckpoint
{
    public required string Path { get; init; }
    public required ulong Device { get; init; }
    public required ulong Inode { get; init; }
    public required long Offset { get; init; }
    /// <summary>How many first bytes <see cref="Fingerprint"/> covers (at most <see cref="FileFingerprint.MaxLength"/>).</summary>
    public required int FingerprintLength { get; init; }
    public required ulong Fingerprint { get; init; }

    public FileIdentity Identity => new(Device, Inode);
}
