using LogSentinel.Contracts;

namespace LogSentinel.Detector.Pipeline;

/// <summary>Where alerts go: the bus in a deployment; a test or the single-process mode may collect them.</summary>
public interface IAlertSink
{
    /// <summary>Completes when the far side has every alert; throws when it does not.</summary>
    Task PublishAsync(IReadOnlyList<AlertRaised> alerts, CancellationToken cancellation);
}
