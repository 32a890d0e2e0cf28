using LogSentinel.Contracts;

namespace LogSentinel.AiAnalyzer.Aggregation;

/// <summary>
/// Builds tumbling windows per host on the logs' own time. A window closes when its host's newest event is
/// <see cref="AiAnalyzerOptions.Lateness"/> past its end, or, once its end has passed on the clock, when nothing
/// arrived for it for <see cref="AiAnalyzerOptions.IdleClose"/> (a quiet host, the end of a replayed file).
/// Events for a window already closed are late: counted, not added. Not thread-safe: one loop owns it.
/// </summary>
public sealed class WindowAggregator(AiAnalyzerOptions options)
{
    private readonly Dictionary<(string Host, DateTime Start), HostWindow> _open = [];

    /// <summary>Per host: its newest event time, and the end of its last closed window.</summary>
    private readonly Dictionary<string, HostClock> _hosts = new(StringComparer.Ordinal);

    public int OpenWindows => _open.Count;

    public IEnumerable<HostWindow> Open => _open.Values;

    /// <summary>Adds an event; false when its window has closed already (a late event).</summary>
    public bool Add(SecurityEvent e, DateTime arrival)
    {
        var host = e.Host.Name;
        var clock = Clock(host);
        var time = e.Timestamp;
        if (time < clock.ClosedUntil)
            return false;
        if (time > clock.Newest)
            clock.Newest = time;
        var window = Window(host, time, arrival);
        window.Events++;
        var status = AttemptStatus.Of(e);
        if (e.Event.Outcome == EventOutcomes.Failure)
            window.Failed++;
        else if (e.Event.Outcome == EventOutcomes.Success)
            window.Succeeded++;
        var ip = e.Source?.Ip ?? e.Source?.Address;
        var user = e.User?.Name;
        var service = e.Process?.Name ?? e.Network?.Protocol ?? e.Event.Dataset;
        var key = string.Join('\u001f', ip, user, service, status);
        if (!window.Groups.TryGetValue(key, out var group))
        {
            if (window.Groups.Count >= options.MaxGroupsPerWindow)
            {
                window.UntrackedAttempts++;
                if (e.Event.Outcome == EventOutcomes.Failure)
                    window.UntrackedFailed++;
                return true;
            }
            window.Groups[key] = group = new AttemptCounter { Ip = ip, Username = user, Service = service, Status = status };
        }
        group.Attempts++;
        group.Country ??= e.Source?.Geo?.CountryIsoCode;
        group.Actions[e.Event.Action] = group.Actions.GetValueOrDefault(e.Event.Action) + 1;
        return true;
    }

    /// <summary>
    /// Adds an alert (or its newer revision) to the window, of each host it names, that holds its last counted event;
    /// false when all those windows have closed.
    /// </summary>
    public bool Add(AlertRaised alert, DateTime arrival)
    {
        var added = false;
        foreach (var host in alert.Hosts)
        {
            var clock = Clock(host);
            if (alert.WindowEnd < clock.ClosedUntil)
                continue;
            var window = Window(host, alert.WindowEnd, arrival);
            if (!window.Alerts.TryGetValue(alert.AlertId, out var known) || known.Revision <= alert.Revision)
                window.Alerts[alert.AlertId] = alert;
            added = true;
        }
        return added;
    }

    /// <summary>Removes and returns the windows due to close at <paramref name="now"/> (wall clock, UTC), oldest first.</summary>
    public List<HostWindow> CloseDue(DateTime now)
    {
        var due = new List<HostWindow>();
        foreach (var window in _open.Values)
        {
            var clock = _hosts[window.Host];
            var byEventTime = clock.Newest >= window.End + options.Lateness;
            var byClock = now >= window.End + options.Lateness && now - window.LastArrival >= options.IdleClose;
            if (byEventTime || byClock)
                due.Add(window);
        }
        due.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : string.CompareOrdinal(a.Host, b.Host));
        foreach (var window in due)
        {
            _open.Remove((window.Host, window.Start));
            var clock = _hosts[window.Host];
            // Windows close in order per host in practice; an older one closing later never reopens the span.
            if (window.End > clock.ClosedUntil)
                clock.ClosedUntil = window.End;
        }
        return due;
    }

    /// <summary>What a restart needs: the open windows and where each host's closed windows end.</summary>
    public AggregatorState State() => new()
    {
        Windows = [.. _open.Values],
        Hosts = _hosts.ToDictionary(h => h.Key, h => new HostClockState { Newest = h.Value.Newest, ClosedUntil = h.Value.ClosedUntil }, StringComparer.Ordinal),
    };

    public void Restore(AggregatorState state)
    {
        _open.Clear();
        _hosts.Clear();
        foreach (var (host, clock) in state.Hosts)
            _hosts[host] = new HostClock { Newest = clock.Newest, ClosedUntil = clock.ClosedUntil };
        foreach (var window in state.Windows)
        {
            _open[(window.Host, window.Start)] = window;
            Clock(window.Host);
        }
    }

    public DateTime WindowStart(DateTime time)
    {
        var length = options.Window.Ticks;
        return new DateTime(time.Ticks - time.Ticks % length, DateTimeKind.Utc);
    }

    private HostWindow Window(string host, DateTime time, DateTime arrival)
    {
        var start = WindowStart(time);
        if (!_open.TryGetValue((host, start), out var window))
            _open[(host, start)] = window = new HostWindow { Host = host, Start = start, End = start + options.Window };
        window.LastArrival = arrival;
        return window;
    }

    private HostClock Clock(string host)
    {
        if (!_hosts.TryGetValue(host, out var clock))
            _hosts[host] = clock = new HostClock();
        return clock;
    }

    private sealed class HostClock
    {
        public DateTime Newest;
        public DateTime ClosedUntil;
    }
}

public sealed class AggregatorState
{
    public List<HostWindow> Windows { get; init; } = [];

    public Dictionary<string, HostClockState> Hosts { get; init; } = new(StringComparer.Ordinal);
}

public sealed class HostClockState
{
    public DateTime Newest { get; init; }

    public DateTime ClosedUntil { get; init; }
}
