using Microsoft.Extensions.Logging;

namespace LogSentinel.Detector.Pipeline;

public sealed partial class DetectionWorker
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Alert {AlertId} raised: rule {RuleId}, severity {Severity}, offender {Offender}, count {Count}")]
    private static partial void AlertRaisedLog(ILogger logger, string alertId, string ruleId, string severity, string offender, long count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Event {EventId} from {Host} is dated {Timestamp:o}, more than {Skew} ahead of this clock: dropped (counted in logsentinel.detector.events.dropped; at most one such warning a minute)")]
    private static partial void FutureEvent(ILogger logger, string eventId, string host, DateTime timestamp, TimeSpan skew);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing {Count} alerts failed, retrying: {Reason}")]
    private static partial void PublishFailed(ILogger logger, int count, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The state store cannot take checkpoints ({Reason}): batches are evaluated but not acknowledged until it can")]
    private static partial void StoreFailing(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "The state store takes checkpoints again")]
    private static partial void StoreRecovered(ILogger logger);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Partition {Partition} (epoch {Epoch}) now belongs to another replica: stopping at once so that it continues from the last checkpoint")]
    private static partial void Fenced(ILogger logger, string partition, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The checkpoint of partition {Partition} cannot be read ({Reason}): it starts empty")]
    private static partial void StateUnreadable(ILogger logger, string partition, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of partition {Partition} arrived before the partition was claimed")]
    private static partial void UnopenedPartition(ILogger logger, string partition);
}
