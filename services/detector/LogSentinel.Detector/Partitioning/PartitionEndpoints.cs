using MassTransit;
using Microsoft.Extensions.Options;

namespace LogSentinel.Detector.Partitioning;

/// <summary>This replica's consumers of the partition queues it owns, connected and stopped as ownership changes.</summary>
public sealed class PartitionEndpoints(IReceiveEndpointConnector connector, IOptions<DetectorOptions> options)
{
    private readonly Dictionary<string, HostReceiveEndpointHandle> _handles = new(StringComparer.Ordinal);

    public async Task ConnectAsync(string partition, CancellationToken cancellation)
    {
        var handle = connector.ConnectReceiveEndpoint(PartitionQueues.QueueOf(partition),
            (context, endpoint) => PartitionQueues.Configure(endpoint, context, partition, options.Value));
        _handles[partition] = handle;
        try
        {
            await handle.Ready.WaitAsync(cancellation).ConfigureAwait(false);
        }
        catch
        {
            // Not consuming: the partition goes back to the store, and a later attempt connects afresh.
            _handles.Remove(partition);
            await handle.StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Stops consuming: no new deliveries, and returns once the batches being evaluated were acknowledged.</summary>
    public async Task DisconnectAsync(IEnumerable<string> partitions, CancellationToken cancellation)
    {
        var stopping = new List<Task>();
        foreach (var partition in partitions)
        {
            if (_handles.Remove(partition, out var handle))
                stopping.Add(handle.StopAsync(cancellation));
        }
        await Task.WhenAll(stopping).ConfigureAwait(false);
    }
}
