using System.Collections.Concurrent;
using System.Diagnostics;
using LogSentinel.Collector;
using LogSentinel.Collector.Journal;
using LogSentinel.Contracts;
using System.IO.Compression;
using LogSentinel.Collector.Reading;
using LogSentinel.Detector.Offline;
using LogSentinel.GeoIp;
using LogSentinel.Parsing;

namespace LogSentinel.Cli.Scan;

/// <summary>
/// Reads one log source on its own thread with the collector's parser (and GeoIP enrichment), handing its events on
/// in chunks through a small bounded queue: parsing runs ahead of the pipeline by a few chunks, no more.
/// A file that cannot be read is reported and skipped; the other files and sources go on.
/// </summary>
internal sealed class SourceReader : IDisposable
{
    public const int ChunkSize = 4096;

    private readonly BlockingCollection<List<SecurityEvent>> _chunks = new(boundedCapacity: 4);
    private readonly ScanSource _source;
    private readonly LogFileEvents.Settings _settings;
    private readonly JournalOptions _journal;
    private readonly ScanProgress _progress;
    private readonly ConcurrentQueue<string> _errors;
    private readonly CancellationToken _cancellation;
    private readonly Thread _thread;
    private readonly ScanWorkers _scanning = new(LogFormat.Auto);

    public SourceReader(ScanSource source, LogFileEvents.Settings settings, JournalOptions journal, ScanProgress progress, ConcurrentQueue<string> errors, CancellationToken cancellation)
    {
        _source = source;
        _settings = settings;
        _journal = journal;
        _progress = progress;
        _errors = errors;
        _cancellation = cancellation;
        _thread = new Thread(Run) { Name = "read " + source.Name, IsBackground = true };
        _thread.Start();
    }

    /// <summary>The source's events, chunk by chunk, until it is read to the end.</summary>
    public IEnumerable<List<SecurityEvent>> Chunks => _chunks.GetConsumingEnumerable(_cancellation);

    private void Run()
    {
        var chunk = new List<SecurityEvent>(ChunkSize);
        void OnEvent(SecurityEvent e)
        {
            chunk.Add(e);
            if (chunk.Count < ChunkSize)
                return;
            _progress.AddEvents(chunk.Count);
            _chunks.Add(chunk, _cancellation);
            chunk = new List<SecurityEvent>(ChunkSize);
        }
        try
        {
            using var geo = new GeoLocator(_settings.GeoIpDatabase);
            if (_source.Journal)
                ReadJournal(geo, OnEvent);
            foreach (var file in _source.Files)
            {
                try
                {
                    using var stream = new CountingStream(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16, FileOptions.SequentialScan), _progress);
                    Parse(stream, file, File.GetLastWriteTime(file), geo, OnEvent);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    _errors.Enqueue($"cannot read {file}: {e.Message}");
                }
            }
            if (chunk.Count > 0)
            {
                _progress.AddEvents(chunk.Count);
                _chunks.Add(chunk, _cancellation);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception e)
        {
            _errors.Enqueue($"reading {_source.Name} failed: {e.Message}");
        }
        finally
        {
            _chunks.CompleteAdding();
        }
    }

    /// <summary>One pass over what the journal holds for the security programs (journalctl, as the collector runs it, without following).</summary>
    private void ReadJournal(GeoLocator geo, Action<SecurityEvent> onEvent)
    {
        var info = new ProcessStartInfo(_journal.Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in JournalSource.Arguments(_journal, cursor: null, startAtEnd: false, follow: false))
            info.ArgumentList.Add(arg);
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("journalctl did not start");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            _errors.Enqueue($"cannot run {_journal.Executable}: {e.Message}");
            return;
        }
        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync(_cancellation);
            using var stream = new CountingStream(process.StandardOutput.BaseStream, _progress);
            Parse(stream, JournalSource.StreamName, DateTime.Now, geo, onEvent);
            process.WaitForExit();
            if (process.ExitCode != 0)
                _errors.Enqueue($"journalctl exited with {process.ExitCode}: {stderr.Result.Trim()}");
        }
    }

    /// <summary>
    /// The collector's offline parsing (<see cref="ScanWorkers"/>: lines framed and parsed on two threads, completed
    /// in order by one <see cref="LogParser"/>), the same events as parsing line by line.
    /// </summary>
    private void Parse(Stream source, string name, DateTime referenceTime, GeoLocator geo, Action<SecurityEvent> onEvent)
    {
        using var stream = name.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(source, CompressionMode.Decompress, leaveOpen: true) : source;
        var parser = new LogParser(
            new LogParserOptions
            {
                FilePath = name,
                DefaultHost = _settings.Host ?? Environment.MachineName,
                Year = _settings.Year,
                ReferenceTime = referenceTime,
                TimeZone = _settings.TimeZone,
            },
            e => onEvent(geo.Enrich(e)));
        _progress.Follow(parser.Stats);
        _scanning.Parse(new ChunkReader(stream), parser);
        parser.Flush();
        _progress.Unfollow(parser.Stats);
    }

    public void Dispose()
    {
        _thread.Join();
        _chunks.Dispose();
        _scanning.Dispose();
    }
}
