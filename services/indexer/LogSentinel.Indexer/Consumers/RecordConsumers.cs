using LogSentinel.Contracts;
using MassTransit;

namespace LogSentinel.Indexer.Consumers;

/// <summary>Collector batches, a few at a time, into the stores; acknowledged once both have every record.</summary>
public sealed class EventBatchConsumer(RecordWriter writer) : IConsumer<Batch<SecurityEventBatch>>
{
    public Task Consume(ConsumeContext<Batch<SecurityEventBatch>> context) =>
        writer.WriteAsync(context.Message.SelectMany(m => m.Message.Events).ToList(), [], [], context.CancellationToken);
}

public sealed class AlertBatchConsumer(RecordWriter writer) : IConsumer<Batch<AlertRaised>>
{
    public Task Consume(ConsumeContext<Batch<AlertRaised>> context) =>
        writer.WriteAsync([], context.Message.Select(m => m.Message).ToList(), [], context.CancellationToken);
}

public sealed class AnalysisBatchConsumer(RecordWriter writer) : IConsumer<Batch<WindowAnalyzed>>
{
    public Task Consume(ConsumeContext<Batch<WindowAnalyzed>> context) =>
        writer.WriteAsync([], [], context.Message.Select(m => m.Message).ToList(), context.CancellationToken);
}
