using System.Collections.Concurrent;
using LogSentinel.Parsing;
using LogSentinel.Parsing.Scanning;

namespace LogSentinel.Collector.Reading;

/// <summary>
/// Threads that scan chunks of a stream ahead of its parser (<see cref="LineScanner"/>), while the caller's
/// thread reads the next chunks and completes the scanned ones in stream order (<see cref="LogParser.Complete(ScannedChunk)"/>).
/// A fixed pool of chunks bounds memory.
/// </summary>
public sealed class ScanWorkers : IDisposable
{
    private const int ChunkSize = 256 * 1024;
    private const int InFlight = 4;

    private readonly BlockingCollection<Slot> _toScan = new();
    private readonly Stack<Slot> _free = new();
    private readonly Thread[] _threads;

    public ScanWorkers(LogFormat format, int threads = 2)
    {
        for (var i = 0; i < InFlight; i++)
            _free.Push(new Slot());
        _threads = new Thread[threads];
        for (var i = 0; i < threads; i++)
        {
            var scanner = new LineScanner(new LogParserOptions { FilePath = "", DefaultHost = "", Format = format });
            _threads[i] = new Thread(() => Scan(scanner)) { Name = $"scanner-{i}", IsBackground = true };
            _threads[i].Start();
        }
    }

    /// <summary>Reads <paramref name="reader"/> to its end through <paramref name="parser"/>.</summary>
    public void Parse(ChunkReader reader, LogParser parser)
    {
        var inOrder = new Queue<Slot>();
        var ended = false;
        try
        {
            while (!ended || inOrder.Count > 0)
            {
                while (!ended && _free.Count > 0)
                {
                    var slot = _free.Pop();
                    slot.Chunk.Reset();
                    slot.Scanned.Reset();
                    slot.Error = null;
                    if (!reader.Fill(slot.Chunk))
                    {
                        ended = true;
                        _free.Push(slot);
                        break;
                    }
                    inOrder.Enqueue(slot);
                    _toScan.Add(slot);
                }
                if (inOrder.Count == 0)
                    break;
                var next = inOrder.Dequeue();
                next.Scanned.Wait();
                if (next.Error is not null)
                    throw new InvalidOperationException("scanning a chunk failed", next.Error);
                parser.Complete(next.Chunk);
                _free.Push(next);
            }
        }
        finally
        {
            // Whatever is still being scanned comes back to the pool before the next stream starts.
            while (inOrder.Count > 0)
            {
                var slot = inOrder.Dequeue();
                slot.Scanned.Wait();
                _free.Push(slot);
            }
        }
    }

    private void Scan(LineScanner scanner)
    {
        foreach (var slot in _toScan.GetConsumingEnumerable())
        {
            try
            {
                scanner.Scan(slot.Chunk);
            }
            catch (Exception e)
            {
                slot.Error = e;
            }
            slot.Scanned.Set();
        }
    }

    public void Dispose()
    {
        _toScan.CompleteAdding();
        foreach (var thread in _threads)
            thread.Join();
        _toScan.Dispose();
        foreach (var slot in _free)
            slot.Dispose();
    }

    private sealed class Slot : IDisposable
    {
        public readonly ScannedChunk Chunk = new(ChunkSize);
        public readonly ManualResetEventSlim Scanned = new(false);
        public volatile Exception? Error;

        public void Dispose() => Scanned.Dispose();
    }
}
