using System.Buffers;
using BenchmarkDotNet.Attributes;

namespace LogSentinel.Parsing.Benchmarks;

/// <summary>
/// The collector's hot path on 100,000 lines: framing and message parsing alone, then with the JSON the
/// `parse` command writes. Divide the mean by 100,000 for the cost of one line.
/// </summary>
[MemoryDiagnoser]
public class ParserBenchmarks
{
    private const int Lines = 100_000;
    private byte[] _log = [];
    private int[] _starts = [];
    private readonly ArrayBufferWriter<byte> _json = new(64 << 20);

    [GlobalSetup]
    public void Setup()
    {
        _log = SampleLog.Build(Lines);
        var starts = new List<int> { 0 };
        for (var i = 0; i < _log.Length - 1; i++)
        {
            if (_log[i] == '\n')
                starts.Add(i + 1);
        }
        _starts = [.. starts];
    }

    [Benchmark(Baseline = true)]
    public long Parse() => Run(writeJson: false);

    [Benchmark]
    public long ParseAndWriteJson() => Run(writeJson: true);

    private long Run(bool writeJson)
    {
        _json.ResetWrittenCount();
        var parser = new LogParser(new LogParserOptions
        {
            FilePath = "/var/log/auth.log",
            DefaultHost = "bench",
            Year = 2026,
            TimeZone = TimeZoneInfo.Utc,
        }, new EventBatch(), batch =>
        {
            if (writeJson)
                batch.WriteJsonLines(_json);
            else
                batch.Clear();
            return batch;
        });
        var log = _log.AsSpan();
        for (var i = 0; i < _starts.Length; i++)
        {
            var start = _starts[i];
            var end = i + 1 < _starts.Length ? _starts[i + 1] - 1 : log.Length - 1;
            parser.ParseLine(log[start..end], start);
        }
        parser.Flush();
        if (writeJson)
            parser.CurrentBatch!.WriteJsonLines(_json);
        return parser.Stats.Events + _json.WrittenCount;
    }
}
