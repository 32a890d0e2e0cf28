using LogSentinel.Contracts;
using MassTransit;

namespace LogSentinel.AiAnalyzer.Pipeline;

public sealed class BusAnalysisSink(IBus bus) : IAnalysisSink
{
    public Task PublishAsync(WindowAnalyzed analysis, CancellationToken cancellation) => bus.Publish(analysis, cancellation);
}
