using System.Diagnostics;
using System.Globalization;

namespace LogSentinel.FaultSuite;

/// <summary>
/// A process the run started: its output appended to the run's log for it, its id in the run's pids file; stopped
/// with SIGTERM (then SIGKILL after a grace period) or killed outright.
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly object _logLock = new();
    private bool _closed;

    private ChildProcess(string name, Process process, StreamWriter log)
    {
        Name = name;
        _process = process;
        _log = log;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public DateTime StartedAt { get; } = DateTime.UtcNow;

    public static ChildProcess Start(RunFolder run, string name, string file, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? run.Path,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                info.Environment.Remove(key);
            else
                info.Environment[key] = value;
        }
        var log = new StreamWriter(new FileStream(run.LogFile(name), FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
        log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"--- {DateTime.UtcNow:O} {file} {string.Join(' ', info.ArgumentList)}"));
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        }
        catch
        {
            log.Dispose();
            throw;
        }
        var child = new ChildProcess(name, process, log);
        process.OutputDataReceived += (_, e) => child.Write(e.Data);
        process.ErrorDataReceived += (_, e) => child.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        run.RecordProcess(process.Id, name);
        return child;
    }

    /// <summary>
    /// Runs a command to its end (a control tool: rabbitmqctl, mariadb-install-db) and returns its output; the command
    /// and its exit code are logged, and its output too unless <paramref name="quiet"/> (queries polled every second).
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(RunFolder run, string logName, string file, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string?>? environment, TimeSpan timeout, bool quiet = false, CancellationToken cancellation = default)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = run.Path,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                info.Environment.Remove(key);
            else
                info.Environment[key] = value;
        }
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var error = process.StandardError.ReadToEndAsync(cancellation);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }
        var text = (await output.ConfigureAwait(false)) + (await error.ConfigureAwait(false));
        var exit = process.HasExited ? process.ExitCode : -1;
        System.IO.File.AppendAllText(run.LogFile(logName), string.Create(CultureInfo.InvariantCulture,
            $"--- {DateTime.UtcNow:O} {file} {string.Join(' ', info.ArgumentList)} -> {exit} in {clock.Elapsed.TotalSeconds:F1} s\n{(quiet ? "" : text)}"));
        return (exit, text);
    }

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGTERM, and SIGKILL if it is still running after <paramref name="grace"/>.</summary>
    public async Task TerminateAsync(TimeSpan grace)
    {
        if (_process.HasExited)
            return;
        Signal("TERM");
        if (!await WaitForExitAsync(grace).ConfigureAwait(false))
        {
            Write($"--- still running {grace.TotalSeconds:F0} s after SIGTERM: SIGKILL");
            Kill();
        }
    }

    /// <summary>SIGKILL, no chance to clean up (the process and any children it started).</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.WaitForExit(10_000);
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    private void Write(string? line)
    {
        if (line is null)
            return;
        lock (_logLock)
        {
            if (!_closed)
                _log.WriteLine(line);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            Kill();
        // Lets the output readers reach the end of the streams before the log closes (bounded: a daemon the process
        // started may hold them open).
        _process.WaitForExit(TimeSpan.FromSeconds(5));
        lock (_logLock)
        {
            _closed = true;
            _log.Dispose();
        }
        _process.Dispose();
    }
}
