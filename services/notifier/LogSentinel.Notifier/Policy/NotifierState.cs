using LogSentinel.Notifier.Rendering;

namespace LogSentinel.Notifier.Policy;

/// <summary>
/// The notifier's sent-log: what was sent (per recipient and channel), when each recipient was emailed, what waits
/// for a digest. Recipient keys are lower case (a reloaded dictionary has the default comparer).
/// </summary>
public sealed class NotifierState
{
    /// <summary>"id" once a notification is done; "id#email:recipient" and "id#webhook" once that copy was sent or held.</summary>
    public Dictionary<string, DateTime> Sent { get; init; } = new(StringComparer.Ordinal);

    /// <summary>Per recipient, the times of the emails of the last hour (the throttle).</summary>
    public Dictionary<string, List<DateTime>> SendTimes { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per recipient, notifications held back for the next digest.</summary>
    public Dictionary<string, List<DigestEntry>> Held { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per recipient, when the oldest held notification was held: the digest goes out a DigestInterval later.</summary>
    public Dictionary<string, DateTime> HeldSince { get; init; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Per recipient, held notifications dropped because MaxHeld were waiting (told in the digest).</summary>
    public Dictionary<string, long> HeldDropped { get; init; } = new(StringComparer.OrdinalIgnoreCase);
}
