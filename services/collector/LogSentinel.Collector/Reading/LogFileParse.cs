using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using LogSentinel.Parsing;

namespace LogSentinel.Collector.Reading;

/// <summary>
/// Parses whole log files into JSON Lines: the collector's offline mode, used by operators to check a log
/// and by the conformance harness. Four stages keep every core busy with bounded memory: the file is cut into
/// chunks of lines, scanned (framing, message parsing) by <see cref="ScanWorkers"/> two chunks at a time,
/// completed in stream order by one <see cref="LogParser"/> (what needs the stream's state), and the events'
/// JSON is written on a writer thread, batch by batch. The output is exactly what parsing line by line gives.
/// </summary>
public sealed class LogFileParse
{
    private const int PoolSize = 3;

    public sealed record Settings
    {
        public int? Year { get; init; }
        public string? Host { get; init; }
        public TimeZoneInfo TimeZone { get; init; } = TimeZoneInfo.Local;
        public LogFormat Format { get; init; } = LogFormat.Auto;
        public bool IncludeOriginal { get; init; }
    }

    public sealed record Summary(long Files, long FailedFiles, long Lines, long Events, long Unframed, long Oversize, long Garbled, TimeSpan Elapsed)
    {
        public long Skipped => Unframed + Oversize;

        public override string ToString()
        {
            var rate = Elapsed.TotalSeconds > 0 ? Lines / Elapsed.TotalSeconds : 0;
            return $"parse: {Files} files, {Lines} lines read, {Events} events, {Skipped} skipped ({Unframed} unframed, {Oversize} oversize), "
                + $"{Garbled} garbled, {FailedFiles} unreadable files, {Elapsed.TotalSeconds:F2} s, {rate:F0} lines/s";
        }
    }

    /// <summary>Parses every file in order into <paramref name="output"/>; reports unreadable files on <paramref name="errors"/>.</summary>
    public static Summary Run(IReadOnlyList<string> paths, Settings settings, Stream output, TextWriter errors)
    {
        var clock = Stopwatch.StartNew();
        // Full batches go to the writer, empty ones come back: at most PoolSize batches exist, so memory stays bounded.
        using var full = new BlockingCollection<EventBatch>();
        using var empty = new BlockingCollection<EventBatch>();
        for (var i = 0; i < PoolSize; i++)
            empty.Add(new EventBatch());
        Exception? writeError = null;
        var writer = new Thread(() => writeError = WriteBatches(full, empty, output)) { Name = "json-writer", IsBackground = true };
        writer.Start();
        using var scanning = new ScanWorkers(settings.Format);

        long files = 0, failed = 0, lines = 0, events = 0, unframed = 0, oversize = 0, garbled = 0;
        try
        {
            foreach (var path in paths)
            {
                files++;
                var fullPath = Path.GetFullPath(path);
                FileStream stream;
                try
                {
                    stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    failed++;
                    errors.WriteLine($"parse: cannot read {path}: {e.Message}");
                    continue;
                }
                using (stream)
                {
                    var parser = new LogParser(new LogParserOptions
                    {
                        FilePath = fullPath,
                        DefaultHost = settings.Host ?? Environment.MachineName,
                        Year = settings.Year,
                        ReferenceTime = File.GetLastWriteTime(fullPath),
                        TimeZone = settings.TimeZone,
                        Format = settings.Format,
                        IncludeOriginal = settings.IncludeOriginal,
                    }, empty.Take(), batch =>
                    {
                        full.Add(batch);
                        return empty.Take();
                    });
                    try
                    {
                        scanning.Parse(new ChunkReader(stream), parser);
                    }
                    catch (IOException e)
                    {
                        failed++;
                        errors.WriteLine($"parse: error reading {path}: {e.Message}");
                    }
                    parser.Flush();
                    full.Add(parser.CurrentBatch!);
                    var s = parser.Stats;
                    lines += s.Lines;
                    events += s.Events;
                    unframed += s.Unframed;
                    oversize += s.Oversize;
                    garbled += s.Garbled;
                }
            }
        }
        finally
        {
            full.CompleteAdding();
            writer.Join();
        }
        if (writeError is not null)
            throw new IOException($"parse: cannot write output: {writeError.Message}", writeError);
        return new Summary(files, failed, lines, events, unframed, oversize, garbled, clock.Elapsed);
    }

    /// <summary>Writes batches in order; on a write error keeps recycling so the parser never blocks, and returns the error.</summary>
    private static Exception? WriteBatches(BlockingCollection<EventBatch> full, BlockingCollection<EventBatch> empty, Stream output)
    {
        Exception? error = null;
        var buffer = new StreamBufferWriter(output, 128 * 1024);
        foreach (var batch in full.GetConsumingEnumerable())
        {
            try
            {
                if (error is null)
                    batch.WriteJsonLines(buffer);
            }
            catch (IOException e)
            {
                error = e;
            }
            batch.Clear();
            empty.Add(batch);
        }
        try
        {
            if (error is null)
                buffer.Flush();
        }
        catch (IOException e)
        {
            error = e;
        }
        return error;
    }
}
