using System.Globalization;

namespace LogSentinel.FaultSuite;

/// <summary>
/// Everything one run writes: each process's log (logs/NAME.log, appended across restarts), the suite's own log
/// (suite.log), each scenario's details (scenarios/NAME.txt), configuration, state and data folders, and "pids": every
/// process started, so scripts/fault-suite.sh can end them if the driver itself dies.
/// </summary>
public sealed class RunFolder
{
    private readonly object _lock = new();
    private readonly Dictionary<int, string> _names = [];

    public RunFolder(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(Path);
        Directory.CreateDirectory(Logs);
    }

    public static RunFolder CreateTemporary() => new(Directory.CreateTempSubdirectory("logsentinel-faults-").FullName);

    public string Path { get; }

    public string Logs => System.IO.Path.Combine(Path, "logs");

    /// <summary>A folder of the run, created when missing.</summary>
    public string Folder(params string[] parts)
    {
        var folder = System.IO.Path.Combine([Path, .. parts]);
        Directory.CreateDirectory(folder);
        return folder;
    }

    public string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public string LogFile(string name) => System.IO.Path.Combine(Logs, name + ".log");

    /// <summary>Echoed to the console as well, when set (the script shows progress; the tests do not).</summary>
    public TextWriter? Console { get; set; }

    /// <summary>A line in suite.log, stamped.</summary>
    public void Note(string message)
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss.fff} {message}");
        lock (_lock)
        {
            System.IO.File.AppendAllText(File("suite.log"), line + "\n");
            Console?.WriteLine(line);
        }
    }

    /// <summary>A process started by the run: "PID NAME" in the pids file.</summary>
    public void RecordProcess(int pid, string name)
    {
        lock (_lock)
        {
            System.IO.File.AppendAllText(File("pids"), string.Create(CultureInfo.InvariantCulture, $"{pid} {name}\n"));
            _names[pid] = name;
        }
    }

    /// <summary>The name a process of the run was started under, and its id ("detector-d1 pid 4242").</summary>
    public string ProcessName(int pid)
    {
        lock (_lock)
            return (_names.TryGetValue(pid, out var name) ? name + " " : "") + "pid " + pid.ToString(CultureInfo.InvariantCulture);
    }

}
