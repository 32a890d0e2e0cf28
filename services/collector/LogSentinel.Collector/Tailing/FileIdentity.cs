using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LogSentinel.Collector.Tailing;

/// <summary>
/// What makes a file the same file whatever its name: device and inode. A rotated log keeps its identity under its
/// new name; a file re-created under the old name gets a new one.
/// </summary>
public readonly record struct FileIdentity(ulong Device, ulong Inode)
{
    // Linux x86_64 and arm64 both start struct stat with st_dev then st_ino, 8 bytes each; the buffer covers either layout.
    private const int StatSize = 256;

    /// <summary>The identity of the file at <paramref name="path"/> now; false when there is none (or it cannot be read).</summary>
    public static bool TryOf(string path, out FileIdentity identity)
    {
        var buffer = new byte[StatSize];
        identity = default;
        if (NativeMethods.Stat(path, buffer) != 0)
            return false;
        identity = FromStat(buffer);
        return true;
    }

    /// <summary>The identity of an open file, whatever has happened to its name since.</summary>
    public static FileIdentity Of(SafeFileHandle handle)
    {
        var buffer = new byte[StatSize];
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            if (NativeMethods.FStat((int)handle.DangerousGetHandle(), buffer) != 0)
                throw new IOException($"fstat failed: errno {Marshal.GetLastPInvokeError()}");
        }
        finally
        {
            if (added)
                handle.DangerousRelease();
        }
        return FromStat(buffer);
    }

    private static FileIdentity FromStat(byte[] stat) =>
        new(BitConverter.ToUInt64(stat, 0), BitConverter.ToUInt64(stat, 8));

    public override string ToString() => $"{Device}:{Inode}";
}

internal static partial class NativeMethods
{
    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Stat(string path, [Out] byte[] buffer);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    internal static partial int FStat(int fd, [Out] byte[] buffer);
}
