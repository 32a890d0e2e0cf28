using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using LogSentinel.Collector.Pipeline;
using LogSentinel.Contracts;
using LogSentinel.Parsing;
using LogSentinel.ServiceDefaults;

namespace LogSentinel.Collector.Journal;

/// <summary>
/// The systemd journal, through `journalctl --follow --output=json` as a child process, filtered to the programs
/// that matter. The cursor of the last entry whose events are delivered is kept in the state directory and
/// handed to --after-cursor on the next start; journalctl is started again if it exits. An entry's place in the
/// journal (its sequence number, from the cursor) stands for the byte offset of a file line in event ids.
/// </summary>
public sealed class JournalSource : ILogSource
{
    public const string StreamName = "journal";
    private const int MaxQueued = 10_000;

    private readonly JournalOptions _options;
    private readonly string _cursorFile;
    private readonly Action<string> _onTrouble;
    private readonly LogParser _parser;
    // Each entry travels with its cursor, read out of the JSON once by the reader task.
    private readonly Channel<(byte[] Line, string? Cursor)> _lines =
        Channel.CreateBounded<(byte[] Line, string? Cursor)>(new BoundedChannelOptions(MaxQueued) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _reader;
    private readonly Queue<(long SeqNum, string Cursor)> _recent = new();
    private string? _captured;
    private string? _committed;
    private Process? _process;

    public JournalSource(JournalOptions options, bool startAtEnd, string cursorFile, LogParserOptions parserOptions,
        Action<SecurityEvent> onEvent, Action<string> onTrouble)
    {
        _options = options;
        _cursorFile = cursorFile;
        _onTrouble = onTrouble;
        _parser = new LogParser(parserOptions with { Format = LogFormat.JournalJson }, onEvent);
        var cursor = File.Exists(cursorFile) ? File.ReadAllText(cursorFile).Trim() : null;
        _reader = Task.Run(() => ReadAsync(string.IsNullOrEmpty(cursor) ? null : cursor, startAtEnd, _stop.Token));
    }

    public string Name => "journal (" + string.Join(", ", _options.Identifiers.Concat(_options.Units)) + ")";

    public long LinesDropped => _parser.Stats.Skipped;

    /// <summary>Whether the journal is read at all: on, off, or in auto mode when no configured auth.log exists.</summary>
    public static bool ShouldRun(JournalOptions options, IEnumerable<string> files) => options.Mode switch
    {
        JournalMode.On => true,
        JournalMode.Off => false,
        _ => !files.Any(f => Path.GetFileName(f) == "auth.log" && File.Exists(f)),
    };

    /// <summary>
    /// The arguments journalctl gets: follow, JSON, where to start, and which programs. Matches on one field are ORed
    /// by journalctl, matches on different fields ANDed unless "+" separates them: an entry is read when its
    /// identifier or its unit is listed.
    /// </summary>
    /// <param name="follow">False for one pass over what the journal holds (the single-process `scan`).</param>
    public static List<string> Arguments(JournalOptions options, string? cursor, bool startAtEnd, bool follow = true)
    {
        var args = new List<string> { "--output=json", "--no-pager" };
        if (follow)
            args.Insert(0, "--follow");
        if (cursor is not null)
            args.Add("--after-cursor=" + cursor);
        else
            args.Add(startAtEnd ? "--lines=0" : "--lines=all");
        args.AddRange(options.Identifiers.Select(i => "SYSLOG_IDENTIFIER=" + i));
        if (options.Identifiers.Count > 0 && options.Units.Count > 0)
            args.Add("+");
        args.AddRange(options.Units.Select(u => "_SYSTEMD_UNIT=" + (u.Contains('.', StringComparison.Ordinal) ? u : u + ".service")));
        return args;
    }

    public int Poll(int maxLines)
    {
        var n = 0;
        while (n < maxLines && _lines.Reader.TryRead(out var entry))
        {
            var (line, cursor) = entry;
            var seqNum = cursor is null ? -1 : SeqNumOf(cursor);
            _parser.ParseLine(line, Math.Max(seqNum, 0));
            if (cursor is not null)
                _recent.Enqueue((seqNum, cursor));
            n++;
        }
        _parser.ReleaseStaleWaiting();
        return n;
    }

    /// <summary>The cursor of the last entry before the earliest one whose events still wait.</summary>
    public void Capture()
    {
        var waiting = _parser.EarliestWaitingOffset;
        string? safe = _captured;
        while (_recent.TryPeek(out var entry) && (waiting is null || entry.SeqNum < waiting))
        {
            safe = entry.Cursor;
            _recent.Dequeue();
        }
        _captured = safe;
    }

    public void Commit()
    {
        if (_captured is null || _captured == _committed)
            return;
        AtomicFile.Write(_cursorFile, _captured, flushToDisk: false);
        _committed = _captured;
    }

    private async Task ReadAsync(string? cursor, bool startAtEnd, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var info = new ProcessStartInfo(_options.Executable)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var arg in Arguments(_options, cursor, startAtEnd))
                info.ArgumentList.Add(arg);
            try
            {
                using var process = Process.Start(info)!;
                _process = process;
                _ = process.StandardError.ReadToEndAsync(stop);
                while (await process.StandardOutput.ReadLineAsync(stop).ConfigureAwait(false) is { } text)
                {
                    var line = Encoding.UTF8.GetBytes(text);
                    var lineCursor = CursorOf(line);
                    await _lines.Writer.WriteAsync((line, lineCursor), stop).ConfigureAwait(false);
                    cursor = lineCursor ?? cursor;
                }
                await process.WaitForExitAsync(stop).ConfigureAwait(false);
                _onTrouble($"{_options.Executable} exited with {process.ExitCode}; starting it again");
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
            {
                _onTrouble($"cannot run {_options.Executable}: {e.Message}");
            }
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static string? CursorOf(byte[] line)
    {
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isCursor = reader.ValueTextEquals("__CURSOR"u8);
                reader.Read();
                if (isCursor)
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.TrySkip();
            }
        }
        catch (JsonException)
        {
            // Not an entry: the parser counts it.
        }
        return null;
    }

    /// <summary>The entry's sequence number, the "i=" part of its cursor (hex).</summary>
    internal static long SeqNumOf(string cursor)
    {
        foreach (var part in cursor.Split(';'))
        {
            if (part.StartsWith("i=", StringComparison.Ordinal)
                && long.TryParse(part.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var seq))
                return seq & 0xFFFF_FFFF_FFFF;
        }
        return -1;
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            if (_process is { HasExited: false } p)
                p.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It had already exited.
        }
        try
        {
            _reader.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // Stopping: nothing left to read.
        }
        _stop.Dispose();
        _parser.Flush();
    }
}
