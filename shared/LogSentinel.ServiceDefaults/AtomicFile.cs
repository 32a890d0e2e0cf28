namespace LogSentinel.ServiceDefaults;

/// <summary>
/// Replaces a small state file whole: write a temporary file beside it, then rename it over the old one, so a reader
/// or a crash sees the old content or the new, never half of one.
/// </summary>
public static class AtomicFile
{
    /// <param name="flushToDisk">Whether the new content reaches the disk before the rename (checkpoints), or may
    /// stay in the page cache a while (the health file, rewritten every second anyway).</param>
    public static void Write(string path, ReadOnlySpan<byte> content, bool flushToDisk)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            if (flushToDisk)
                stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static void Write(string path, string content, bool flushToDisk) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(content), flushToDisk);
}
