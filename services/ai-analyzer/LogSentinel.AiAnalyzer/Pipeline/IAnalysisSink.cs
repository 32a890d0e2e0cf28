using LogSentinel.Contracts;

namespace LogSentinel.AiAnalyzer.Pipeline;

/// <summary>Where analyses go: the bus in a deployment, the same bus in memory in the single process.</summary>
public interface IAnalysisSink
{
    Task PublishAsync(WindowAnalyzed analysis, CancellationToken cancellation);
}
