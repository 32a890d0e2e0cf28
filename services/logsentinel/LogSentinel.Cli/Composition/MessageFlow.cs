using System.Collections.Concurrent;
using MassTransit;

namespace LogSentinel.Cli.Composition;

/// <summary>
/// Counts, per message type, what was published and what every consumer is done with (consumed or faulted): on the
/// in-memory bus that tells when a stage has handed everything on, so a run over finite logs knows when to close
/// the next stage, and how much is still in flight (the reader waits when too much is).
/// </summary>
public sealed class MessageFlow : IConsumeObserver, IPublishObserver
{
    private sealed class Counts
    {
        public long Published;
        public long Done;
    }

    private readonly ConcurrentDictionary<Type, Counts> _counts = new();
    private readonly ConcurrentQueue<string> _faults = new();

    public IReadOnlyCollection<string> Faults => _faults;

    public long Published<T>() => Interlocked.Read(ref Of(typeof(T)).Published);

    public long Done<T>() => Interlocked.Read(ref Of(typeof(T)).Done);

    /// <summary>Deliveries of <typeparamref name="T"/> not finished yet, given how many consumers each message has.</summary>
    public long InFlight<T>(int consumers) => Published<T>() * consumers - Done<T>();

    /// <summary>Until every published <typeparamref name="T"/> is done with by all its consumers.</summary>
    public async Task WaitAsync<T>(int consumers, CancellationToken cancellation)
    {
        while (InFlight<T>(consumers) > 0)
            await Task.Delay(2, cancellation).ConfigureAwait(false);
    }

    private Counts Of(Type type) => _counts.GetOrAdd(type, _ => new Counts());

    Task IPublishObserver.PrePublish<T>(PublishContext<T> context) => Task.CompletedTask;

    Task IPublishObserver.PostPublish<T>(PublishContext<T> context)
    {
        Interlocked.Increment(ref Of(typeof(T)).Published);
        return Task.CompletedTask;
    }

    Task IPublishObserver.PublishFault<T>(PublishContext<T> context, Exception exception) => Task.CompletedTask;

    Task IConsumeObserver.PreConsume<T>(ConsumeContext<T> context) => Task.CompletedTask;

    Task IConsumeObserver.PostConsume<T>(ConsumeContext<T> context)
    {
        Interlocked.Increment(ref Of(typeof(T)).Done);
        return Task.CompletedTask;
    }

    Task IConsumeObserver.ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
    {
        _faults.Enqueue($"{typeof(T).Name}: {exception.Message}");
        Interlocked.Increment(ref Of(typeof(T)).Done);
        return Task.CompletedTask;
    }
}
