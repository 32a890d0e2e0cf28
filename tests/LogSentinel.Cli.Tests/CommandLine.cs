using System.Diagnostics;

namespace LogSentinel.Cli.Tests;

/// <summary>Runs the real `logsentinel` executable, as an operator would, in a folder of the test's choosing.</summary>
internal static class CommandLine
{
    public static string DefaultRules => Path.Combine(Repository.Root, "services", "detector", "rules");

    public static (int Exit, string Out, string Err) Run(params string[] args) => RunIn(null, null, args);

    /// <param name="environment">Extra variables (Section__Key settings); null values remove a variable.</param>
    public static (int Exit, string Out, string Err) RunIn(string? directory, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        if (directory is not null)
            info.WorkingDirectory = directory;
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "logsentinel.dll"));
        foreach (var a in args)
            info.ArgumentList.Add(a);
        // The machine's own settings and state must not leak into a test: no Section__Key variables, fresh state.
        foreach (var key in info.Environment.Keys.Where(k => k.Contains("__", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(key);
        info.Environment["XDG_STATE_HOME"] = Directory.CreateTempSubdirectory("logsentinel-tests-state-").FullName;
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
                info.Environment.Remove(key);
            else
                info.Environment[key] = value;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
