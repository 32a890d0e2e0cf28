using System.Diagnostics;
using System.Globalization;

namespace LogSentinel.Testing;

/// <summary>The shared benchmark generator (../shared/bench/gen_authlog.py): a realistic auth.log with a ground-truth sidecar.</summary>
public static class AuthLogGenerator
{
    /// <summary>Writes DIRECTORY/auth.log (and auth.log.truth.json) of <paramref name="lines"/> lines; returns the log's path.</summary>
    public static string Generate(string directory, int lines, int seed = 1)
    {
        var generator = Path.Combine(Repository.Root, "..", "shared", "bench", "gen_authlog.py");
        if (!File.Exists(generator))
            throw new FileNotFoundException("the shared benchmark generator is needed next to the project (../shared/bench)", generator);
        var log = Path.Combine(directory, "auth.log");
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { generator, "--lines", lines.ToString(CultureInfo.InvariantCulture), "--seed", seed.ToString(CultureInfo.InvariantCulture), "--out", log })
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException("gen_authlog.py failed: " + error.Result);
        return log;
    }
}
