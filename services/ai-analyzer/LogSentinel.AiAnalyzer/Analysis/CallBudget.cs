namespace LogSentinel.AiAnalyzer.Analysis;

/// <summary>At most N model calls in any rolling hour (cost control); thread-safe.</summary>
public sealed class CallBudget(int callsPerHour, TimeProvider time)
{
    private readonly Queue<DateTimeOffset> _calls = new();

    public bool TryTake()
    {
        var now = time.GetUtcNow();
        lock (_calls)
        {
            while (_calls.Count > 0 && now - _calls.Peek() >= TimeSpan.FromHours(1))
                _calls.Dequeue();
            if (_calls.Count >= callsPerHour)
                return false;
            _calls.Enqueue(now);
            return true;
        }
    }
}

public sealed class CallCapReachedException() : Exception("hourly call cap reached");
