using LogSentinel.Collector.Tailing;
using LogSentinel.Contracts;
using LogSentinel.Parsing;

namespace LogSentinel.Collector.Pipeline;

/// <summary>
/// One followed log file: its tailer and the parser of the file currently behind its name (a rotated-in file is a
/// new stream, with a parser of its own).
/// </summary>
public sealed class FileSource : ILogSource
{
    private readonly FileTailer _tailer;
    private readonly TailCheckpointStore _checkpoints;
    private TailCheckpoint? _captured;
    private TailCheckpoint? _committed;
    private readonly Func<string, LogParserOptions> _parserOptions;
    private readonly Action<SecurityEvent> _onEvent;
    private LogParser? _parser;
    private FileIdentity? _identity;

    public FileSource(FileTailer tailer, TailCheckpointStore checkpoints, Func<string, LogParserOptions> parserOptions, Action<SecurityEvent> onEvent)
    {
        _tailer = tailer;
        _checkpoints = checkpoints;
        _parserOptions = parserOptions;
        _onEvent = onEvent;
    }

    public string Name => _tailer.Path;

    public long LinesDropped => _tailer.Oversize + _droppedByFinishedParsers + (_parser?.Stats.Skipped ?? 0);

    private long _droppedByFinishedParsers;

    /// <summary>Parses the lines available now, at most <paramref name="maxLines"/>; returns how many.</summary>
    public int Poll(int maxLines)
    {
        var n = _tailer.Poll((line, offset, file) =>
        {
            if (_identity != file.Identity)
            {
                // The previous file is finished: what still waited in its parser is reported now.
                if (_parser is not null)
                {
                    _parser.Flush();
                    _droppedByFinishedParsers += _parser.Stats.Skipped;
                }
                _parser = new LogParser(_parserOptions(file.Path), _onEvent);
                _identity = file.Identity;
            }
            _parser!.ParseLine(line, offset);
        }, maxLines: maxLines);
        _parser?.ReleaseStaleWaiting();
        return n;
    }

    /// <summary>The checkpoint that loses nothing: the tailer's position, held back to the earliest line whose events still wait.</summary>
    public TailCheckpoint? SafePosition()
    {
        var position = _tailer.Position;
        if (position is null || _parser is null || _identity != position.Identity)
            return position;
        return _parser.EarliestWaitingOffset is { } waiting && waiting < position.Offset ? position with { Offset = waiting } : position;
    }

    public void Capture() => _captured = SafePosition();

    /// <summary>Saves the captured position; a position already saved is not written (and flushed to disk) again.</summary>
    public void Commit()
    {
        if (_captured is null || _captured == _committed)
            return;
        _checkpoints.Save(_captured);
        _committed = _captured;
    }

    public void Dispose() => _tailer.Dispose();
}
