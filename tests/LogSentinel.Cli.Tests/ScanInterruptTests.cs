using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LogSentinel.Cli.Tests;

/// <summary>A scan stops on SIGTERM (systemd, timeout, kill) even while it waits on a model that does not answer.</summary>
public sealed class ScanInterruptTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ls-scan-term-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public void Should_stop_promptly_on_sigterm_and_write_nothing()
    {
        // A model endpoint that accepts connections and never answers: the scan's analyses wait on it (30 s an attempt).
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var accepted = new System.Collections.Concurrent.ConcurrentBag<TcpClient>();
        var acceptor = new Thread(() =>
        {
            try
            {
                while (true)
                    accepted.Add(silent.AcceptTcpClient());
            }
            catch (SocketException)
            {
            }
        }) { IsBackground = true };
        acceptor.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir.FullName };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "logsentinel.dll"), "scan", "--year", "2026", "--timezone", "UTC", Repository.File("samples", "attack.log") })
            info.ArgumentList.Add(a);
        info.Environment["XDG_STATE_HOME"] = Path.Combine(_dir.FullName, "state");
        info.Environment["AiAnalyzer__Model__Endpoint"] = $"http://127.0.0.1:{port}/v1";
        info.Environment["AiAnalyzer__Model__Model"] = "silent";
        using var process = Process.Start(info)!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
                stderr.AppendLine(e.Data);
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (accepted.IsEmpty && DateTime.UtcNow < deadline && !process.HasExited)
            Thread.Sleep(50);
        Assert.False(accepted.IsEmpty, "the scan never asked the model");
        Assert.False(process.HasExited);

        var stopwatch = Stopwatch.StartNew();
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            kill.WaitForExit();
        var exited = process.WaitForExit(15_000);
        if (!exited)
            process.Kill(entireProcessTree: true);
        process.WaitForExit();
        silent.Stop();

        Assert.True(exited, "still running 15 s after SIGTERM");
        string err;
        lock (stderr)
            err = stderr.ToString();
        Assert.True(process.ExitCode == 2, $"exit {process.ExitCode} {stopwatch.Elapsed} after SIGTERM: {err}");
        Assert.Contains("interrupted", err);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(12), $"took {stopwatch.Elapsed} to stop");
        Assert.False(File.Exists(Path.Combine(_dir.FullName, "alerts.json")));
        foreach (var client in accepted)
            client.Dispose();
    }
}
