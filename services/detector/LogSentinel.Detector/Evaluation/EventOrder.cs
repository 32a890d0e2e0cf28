using LogSentinel.Contracts;

namespace LogSentinel.Detector.Evaluation;

/// <summary>
/// The one total order of events: event time, then where the line was (host, file, offset), then the id. Lines of
/// one file keep their order when they share a second, so "5 failures then a success" stays in that order.
/// </summary>
public sealed class EventOrder : IComparer<SecurityEvent>
{
    public static readonly EventOrder Instance = new();

    public int Compare(SecurityEvent? x, SecurityEvent? y)
    {
        if (ReferenceEquals(x, y))
            return 0;
        if (x is null)
            return -1;
        if (y is null)
            return 1;
        var c = x.Timestamp.Ticks.CompareTo(y.Timestamp.Ticks);
        if (c != 0)
            return c;
        c = string.CompareOrdinal(x.Host.Name, y.Host.Name);
        if (c != 0)
            return c;
        c = string.CompareOrdinal(x.Log.File.Path, y.Log.File.Path);
        if (c != 0)
            return c;
        c = x.Log.Offset.CompareTo(y.Log.Offset);
        return c != 0 ? c : string.CompareOrdinal(x.Event.Id, y.Event.Id);
    }
}
