using Microsoft.Win32.SafeHandles;

namespace LogSentinel.Collector.Tailing;

/// <summary>A hash of a file's first bytes (up to <see cref="MaxLength"/>): it stays the same while the file grows.</summary>
public static class FileFingerprint
{
    public const int MaxLength = 1024;

    public static (int Length, ulong Hash) Of(SafeFileHandle file, int length = MaxLength)
    {
        Span<byte> head = stackalloc byte[MaxLength];
        var n = RandomAccess.Read(file, head[..Math.Min(length, MaxLength)], 0);
        return (n, Parsing.Identity.EventIds.Fingerprint(head[..n]));
    }

    /// <summary>Whether the file still begins with the bytes the checkpoint saw.</summary>
    public static bool Matches(SafeFileHandle file, TailCheckpoint checkpoint)
    {
        var (length, hash) = Of(file, checkpoint.FingerprintLength);
        return length == checkpoint.FingerprintLength && hash == checkpoint.Fingerprint;
    }
}
