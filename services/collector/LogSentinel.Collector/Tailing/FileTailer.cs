using LogSentinel.Parsing;
using Microsoft.Win32.SafeHandles;

namespace LogSentinel.Collector.Tailing;

/// <summary>
/// Follows one log file by name the way logrotate leaves it: hands over complete lines only (a partial last line
/// waits for its line feed), finishes a rotated file (rename-and-create) before it moves to the new one,
/// starts again from the top after copytruncate, waits for a file that disappeared to come back, and resumes
/// from a <see cref="TailCheckpoint"/> — in the rotated file if the rotation happened while it was not running.
/// Polling, not inotify: it works on every filesystem and never runs out of watches. Not thread-safe.
/// </summary>
public sealed class FileTailer : IDisposable
{
    public delegate void LineHandler(ReadOnlySpan<byte> line, long offset, TailedFile file);

    private readonly string _path;
    private readonly bool _startAtEnd;
    private readonly TimeSpan _rotationGrace;
    private readonly byte[] _buffer = new byte[FieldLimits.Line * 2];
    private TailCheckpoint? _resume;
    private OpenFile? _current;
    private bool _everOpened;

    /// <param name="path">The file's name; what is behind it may change.</param>
    /// <param name="resume">Where a previous run stopped, or null.</param>
    /// <param name="startAtEnd">Without a checkpoint, skip what the file already holds (files seen later, after a rotation, are read whole).</param>
    /// <param name="rotationGrace">How long a rotated file must stay unchanged before it counts as finished (writers reopen late).</param>
    public FileTailer(string path, TailCheckpoint? resume, bool startAtEnd, TimeSpan rotationGrace)
    {
        _path = System.IO.Path.GetFullPath(path);
        _resume = resume;
        _startAtEnd = startAtEnd;
        _rotationGrace = rotationGrace;
    }

    public string Path => _path;

    /// <summary>Lines longer than <see cref="FieldLimits.Line"/> dropped so far.</summary>
    public long Oversize { get; private set; }

    /// <summary>Where reading stands: just after the last complete line handed over (null before the file was first seen).</summary>
    public TailCheckpoint? Position => _current?.Checkpoint() ?? _resume;

    /// <summary>Hands over the complete lines available now (at most <paramref name="maxLines"/>), following rotation and truncation; returns how many.</summary>
    public int Poll(LineHandler onLine, DateTime? now = null, int maxLines = int.MaxValue)
    {
        var clock = now ?? DateTime.UtcNow;
        var delivered = 0;
        for (var guard = 0; guard < 4; guard++)
        {
            if (_current is null && !TryOpen())
                return delivered;
            var file = _current!;
            if (file.Length() < file.NextRead || !file.StillBeginsAsItDid())
            {
                // copytruncate: the same file emptied (and maybe written again). Start again from its top.
                file.Restart();
            }
            delivered += ReadAvailable(file, onLine, clock, maxLines - delivered);
            if (delivered >= maxLines || !IsReplaced(file))
                return delivered;
            if (clock - file.LastGrowth < _rotationGrace)
                return delivered;
            // The old file is finished: its last line, even without a line feed, will get nothing more.
            if (file.PendingLength > 0 && !file.Discarding)
            {
                onLine(_buffer.AsSpan(0, file.PendingLength), file.LineStart, file.Tailed);
                file.Consume(file.PendingLength);
                delivered++;
            }
            file.Dispose();
            _current = null;
            _resume = null;
        }
        return delivered;
    }

    private bool IsReplaced(OpenFile file) =>
        !FileIdentity.TryOf(_path, out var now) || now != file.Tailed.Identity;

    private bool TryOpen()
    {
        var checkpoint = _resume;
        if (checkpoint is not null && !_everOpened && (!FileIdentity.TryOf(_path, out var there) || there != checkpoint.Identity))
        {
            // Rotated while we were not running: finish the old file under its new name first.
            var rotated = FindRotated(checkpoint);
            if (rotated is not null)
            {
                _current = rotated;
                _everOpened = true;
                return true;
            }
        }
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException or IOException)
        {
            return false;
        }
        var identity = FileIdentity.Of(handle);
        var length = RandomAccess.GetLength(handle);
        long start;
        if (checkpoint is not null && checkpoint.Identity == identity && FileFingerprint.Matches(handle, checkpoint))
            start = Math.Min(checkpoint.Offset, length);
        else if (checkpoint is null && !_everOpened && _startAtEnd)
            start = length;
        else
            start = 0;
        _current = new OpenFile(handle, new TailedFile(_path, identity), start);
        _everOpened = true;
        return true;
    }

    private OpenFile? FindRotated(TailCheckpoint checkpoint)
    {
        var directory = System.IO.Path.GetDirectoryName(_path)!;
        var name = System.IO.Path.GetFileName(_path);
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(directory, name + "*").Where(c => c != _path && !c.EndsWith(".gz", StringComparison.Ordinal)).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        foreach (var candidate in candidates)
        {
            if (!FileIdentity.TryOf(candidate, out var identity) || identity != checkpoint.Identity)
                continue;
            try
            {
                var handle = File.OpenHandle(candidate, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                if (!FileFingerprint.Matches(handle, checkpoint))
                {
                    handle.Dispose();
                    return null;
                }
                // Lines of the rotated file keep the name they were written under: same stream, same event ids.
                return new OpenFile(handle, new TailedFile(_path, identity), Math.Min(checkpoint.Offset, RandomAccess.GetLength(handle)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return null;
            }
        }
        return null;
    }

    /// <summary>
    /// Hands over complete lines, reading up to the current end of the file, at most <paramref name="maxLines"/>;
    /// a partial last line, and lines beyond the limit, stay in the buffer for the next call.
    /// </summary>
    private int ReadAvailable(OpenFile file, LineHandler onLine, DateTime now, int maxLines)
    {
        var delivered = 0;
        while (true)
        {
            // First whatever complete lines the buffer already holds.
            var data = _buffer.AsSpan(0, file.PendingLength);
            var start = 0;
            while (delivered < maxLines)
            {
                var nl = data[start..].IndexOf((byte)'\n');
                if (nl < 0)
                    break;
                if (file.Discarding)
                    file.Discarding = false;
                else
                {
                    onLine(data.Slice(start, nl), file.LineStart, file.Tailed);
                    delivered++;
                }
                file.Consume(nl + 1);
                start += nl + 1;
            }
            var rest = data.Length - start;
            data[start..].CopyTo(_buffer);
            file.PendingLength = rest;
            if (delivered >= maxLines)
                return delivered;
            if (rest > FieldLimits.Line)
            {
                // No line feed within the limit: drop what we have and everything up to the next line feed.
                if (!file.Discarding)
                    Oversize++;
                file.Discarding = true;
                file.Consume(rest);
                file.PendingLength = 0;
            }
            var n = RandomAccess.Read(file.Handle, _buffer.AsSpan(file.PendingLength), file.NextRead);
            if (n == 0)
                return delivered;
            file.LastGrowth = now;
            file.PendingLength += n;
            file.NextRead += n;
        }
    }

    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
    }

    private sealed class OpenFile(SafeFileHandle handle, TailedFile tailed, long start) : IDisposable
    {
        public SafeFileHandle Handle { get; } = handle;
        public TailedFile Tailed { get; } = tailed;
        /// <summary>Offset of the first byte not handed over (the start of the pending partial line).</summary>
        public long LineStart { get; private set; } = start;
        /// <summary>Offset of the next byte to read.</summary>
        public long NextRead { get; set; } = start;
        public int PendingLength { get; set; }
        public bool Discarding { get; set; }
        public DateTime LastGrowth { get; set; } = DateTime.MinValue;
        private (int Length, ulong Hash) _fingerprint = FileFingerprint.Of(handle);

        public long Length() => RandomAccess.GetLength(Handle);

        /// <summary>The first bytes are what they were: a file truncated and refilled past our offset is caught too.</summary>
        public bool StillBeginsAsItDid() =>
            _fingerprint.Length == 0 || FileFingerprint.Of(Handle, _fingerprint.Length) == _fingerprint;

        public void Consume(int bytes) => LineStart += bytes;

        public void Restart()
        {
            LineStart = NextRead = 0;
            PendingLength = 0;
            Discarding = false;
            _fingerprint = FileFingerprint.Of(Handle);
        }

        public TailCheckpoint Checkpoint()
        {
            if (_fingerprint.Length < FileFingerprint.MaxLength && Length() > _fingerprint.Length)
                _fingerprint = FileFingerprint.Of(Handle);
            return new TailCheckpoint
            {
                Path = Tailed.Path,
                Device = Tailed.Identity.Device,
                Inode = Tailed.Identity.Inode,
                Offset = LineStart,
                FingerprintLength = _fingerprint.Length,
                Fingerprint = _fingerprint.Hash,
            };
        }

        public void Dispose() => Handle.Dispose();
    }
}

/// <summary>The file a line came from: the name it was written under and the file's identity.</summary>
public sealed record TailedFile(string Path, FileIdentity Identity);
