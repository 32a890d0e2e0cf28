using System.Collections.Concurrent;
using System.Diagnostics;

namespace LogSentinel.Cli.Tests;

/// <summary>`logsentinel watch`: the host's logs followed live through the pipeline, alerts printed as they fire, a clean stop on SIGTERM.</summary>
public sealed class WatchTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("ls-watch-");

    public void Dispose() => _dir.Delete(recursive: true);

    [Fact]
    public async Task Should_print_alerts_as_lines_arrive_and_stop_cleanly_on_sigterm()
    {
        var log = Path.Combine(_dir.FullName, "auth.log");
        var sample = File.ReadAllLines(Repository.File("samples", "attack.log"));
        // Part of the log is there before the watch starts (read from the start: no checkpoint yet), the rest comes later.
        File.WriteAllLines(log, sample.Take(5));
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "logsentinel.dll"));
        info.ArgumentList.Add("watch");
        info.Environment["XDG_STATE_HOME"] = Path.Combine(_dir.FullName, "state");
        info.Environment["Collector__Files__0"] = log;
        info.Environment["Collector__StartAtEnd"] = "false";
        info.Environment["Collector__TimeZone"] = "UTC";
        info.Environment["Collector__Journal__Mode"] = "Off";
        info.Environment["Collector__StateDirectory"] = Path.Combine(_dir.FullName, "state", "collector");
        info.Environment["AiAnalyzer__StateDirectory"] = Path.Combine(_dir.FullName, "state", "ai-analyzer");
        info.Environment["Collector__GeoIp__Database"] = GeoIpDatabase.Path;
        using var process = Process.Start(info)!;
        var lines = new BlockingCollection<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                lines.Add(e.Data);
        };
        process.BeginOutputReadLine();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await Task.Delay(1500);
            File.AppendAllLines(log, sample.Skip(5));
            var seen = new List<string>();
            var deadline = DateTime.UtcNow.AddSeconds(30);
            string[] expected = ["ssh-brute-force", "password-spray", "login-after-failures"];
            while (!expected.All(rule => seen.Any(l => l.Contains(rule, StringComparison.Ordinal))) && lines.TryTake(out var line, deadline - DateTime.UtcNow))
                seen.Add(line);

            Assert.Contains(seen, l => l.Contains("ALERT HIGH ssh-brute-force 61.177.172.140 (CN) ", StringComparison.Ordinal));
            Assert.Contains(seen, l => l.Contains("ALERT HIGH password-spray 95.165.26.10 (RU) ", StringComparison.Ordinal));
            Assert.Contains(seen, l => l.Contains("ALERT CRITICAL login-after-failures 46.4.86.12 (DE) 5/5 on bastion", StringComparison.Ordinal));
        }
        finally
        {
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                kill.WaitForExit();
            if (!process.WaitForExit(20_000))
                process.Kill(entireProcessTree: true);
        }
        Assert.True(process.ExitCode == 0, await stderr);
        // The checkpoint was kept: the collector's state is where it was configured.
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(_dir.FullName, "state", "collector"), "*", SearchOption.AllDirectories));
    }
}
