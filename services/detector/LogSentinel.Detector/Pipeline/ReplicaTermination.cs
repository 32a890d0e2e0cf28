using System.Diagnostics;

namespace LogSentinel.Detector.Pipeline;

/// <summary>
/// How a replica stops when it finds that a partition it was evaluating belongs to another replica (it was presumed
/// dead). Not a graceful stop: that would try to write and acknowledge what the new owner is about to redo. Like a
/// crash, it leaves every unacknowledged batch to the broker, which hands them to the new owner.
/// </summary>
public interface IReplicaTermination
{
    void Terminate(string reason);
}

/// <summary>Kills the process (a supervisor restarts it; it then joins as a new member).</summary>
public sealed class ProcessTermination : IReplicaTermination
{
    public void Terminate(string reason)
    {
        Console.Error.WriteLine($"logsentinel-detector: {reason}; stopping");
        Console.Error.Flush();
        Process.GetCurrentProcess().Kill();
    }
}
