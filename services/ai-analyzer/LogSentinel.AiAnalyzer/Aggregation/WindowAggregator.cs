using LogSentinel.Contracts;

namespace LogSentinel.AiAnalyzer.Aggregation;

/// <summary>
/// Builds tumbling windows per host on the logs' own time. A window is due when its host's newest event is
/// <see cref="AiAnalyzerOptions.Lateness"/> past its end, and then closes after <see cref="AiAnalyzerOptions.AlertGrace"/>
/// on the clock (the detector's alerts about its last events are on their way); or, once its end has passed on the
/// clock, when nothing arrived for it for <see cref="AiAnalyzerOptions.IdleClose"/> (a quiet host, the end of a
/// replayed file). Events for a window already closed are late, events dated beyond the clock's skew are dropped:
/// both counted, neither added. Not thread-safe: one loop owns it.
/// </summary>
public sealed class WindowAggregator(AiAnalyzerOptions options)
{
    /// <summary>A host with no open window and nothing new for this long is forgotten (its clock no longer guards late events).</summary>
    public static readonly TimeSpan ForgetHostAfter = TimeSpan.FromDays(1);

    private readonly Dictionary<(string Host, DateTime Start), HostWindow> _open = [];

    /// <summary>Per host: its newest event time, the end of its last closed window, when it was last heard of.</summary>
    private readonly Dictionary<string, HostClock> _hosts = new(StringComparer.Ordinal);

    public int OpenWindows => _open.Count;

    public int Hosts => _hosts.Count;

    public Admission Add(SecurityEvent e, DateTime arrival)
    {
        var time = e.Timestamp;
        if (time > arrival + options.MaxClockSkew)
            return Admission.Future;
        var host = e.Host.Name;
        var clock = Clock(host, arrival);
        if (time < clock.ClosedUntil)
            return Admission.Late;
        if (time > clock.Newest)
            clock.Newest = time;
        var window = Window(host, time, arrival);
        window.Events++;
        var status = AttemptStatus.Of(e);
        // A line that accompanies an attempt already counted (PAM's for sshd's, the [preauth] close after the
        // passwords) would count the attempt twice: it stays in the window's events and joins no group.
        if (status is null)
            return Admission.Added;
        var failed = status == AttemptStatus.Failed;
        if (failed)
            window.Failed++;
        else if (status == AttemptStatus.Success)
            window.Succeeded++;
        var ip = e.Source?.Ip ?? e.Source?.Address;
        var user = e.User?.Name;
        var service = e.Process?.Name ?? e.Network?.Protocol ?? e.Event.Dataset;
        // The key is built on the stack and a string made of it only for a new group: most events join a known one.
        Span<char> buffer = stackalloc char[KeyLength(ip, user, service, status) is var length && length <= 512 ? length : 0];
        var key = length <= 512 ? Key(buffer, ip, user, service, status) : string.Join('\u001f', ip, user, service, status).AsSpan();
        if (!window.Groups.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var group))
        {
            if (window.Groups.Count >= options.MaxGroupsPerWindow)
            {
                window.UntrackedAttempts++;
                if (failed)
                    window.UntrackedFailed++;
                return Admission.Added;
            }
            window.Groups[key.ToString()] = group = new AttemptCounter { Ip = ip, Username = user, Service = service, Status = status };
        }
        group.Attempts++;
        group.Country ??= e.Source?.Geo?.CountryIsoCode;
        group.Actions[e.Event.Action] = group.Actions.GetValueOrDefault(e.Event.Action) + 1;
        return Admission.Added;
    }

    private static int KeyLength(string? ip, string? user, string service, string status) =>
        (ip?.Length ?? 0) + (user?.Length ?? 0) + service.Length + status.Length + 3;

    /// <summary>The group key, as string.Join('\u001f', ip, user, service, status) writes it.</summary>
    private static ReadOnlySpan<char> Key(Span<char> buffer, string? ip, string? user, string service, string status)
    {
        var at = 0;
        foreach (var part in (ReadOnlySpan<string?>)[ip, user, service])
        {
            part.AsSpan().CopyTo(buffer[at..]);
            at += part?.Length ?? 0;
            buffer[at++] = '\u001f';
        }
        status.AsSpan().CopyTo(buffer[at..]);
        return buffer[..(at + status.Length)];
    }

    /// <summary>
    /// Adds an alert (or its newer revision) to the window, of each host it names, that holds its last counted event.
    /// Late when all those windows have closed.
    /// </summary>
    public Admission Add(AlertRaised alert, DateTime arrival)
    {
        if (alert.WindowEnd > arrival + options.MaxClockSkew)
            return Admission.Future;
        var added = false;
        foreach (var host in alert.Hosts)
        {
            var clock = Clock(host, arrival);
            if (alert.WindowEnd < clock.ClosedUntil)
                continue;
            Keep(Window(host, alert.WindowEnd, arrival), alert);
            added = true;
        }
        return added ? Admission.Added : Admission.Late;
    }

    /// <summary>Removes and returns the windows due to close at <paramref name="now"/> (wall clock, UTC), oldest first.</summary>
    public List<HostWindow> CloseDue(DateTime now)
    {
        var due = new List<HostWindow>();
        var busy = new HashSet<string>(StringComparer.Ordinal);
        foreach (var window in _open.Values)
        {
            var clock = _hosts[window.Host];
            if (clock.Newest >= window.End + options.Lateness)
                window.DueSince ??= now;
            var byEventTime = now - window.DueSince >= options.AlertGrace;
            var byClock = now >= window.End + options.Lateness && now - window.LastArrival >= options.IdleClose;
            if (byEventTime || byClock)
                due.Add(window);
            else
                busy.Add(window.Host);
        }
        Close(due);
        foreach (var (host, clock) in _hosts.Where(h => !busy.Contains(h.Key) && now - h.Value.LastSeen > ForgetHostAfter).ToList())
            _hosts.Remove(host);
        return due;
    }

    /// <summary>Removes and returns every open window, oldest first: the end of a finite input.</summary>
    public List<HostWindow> CloseAll()
    {
        var all = _open.Values.ToList();
        Close(all);
        return all;
    }

    /// <summary>Puts the windows in closing order (oldest first, then host) and removes them; their hosts' spans stay closed.</summary>
    private void Close(List<HostWindow> windows)
    {
        _last = null;
        windows.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : string.CompareOrdinal(a.Host, b.Host));
        foreach (var window in windows)
        {
            _open.Remove((window.Host, window.Start));
            var clock = _hosts[window.Host];
            // An older window closing after a newer one never reopens the span before it.
            if (window.End > clock.ClosedUntil)
                clock.ClosedUntil = window.End;
        }
    }

    /// <summary>What a restart needs: the open windows and where each host's closed windows end.</summary>
    public AggregatorState State() => new()
    {
        Windows = [.. _open.Values],
        Hosts = _hosts.ToDictionary(h => h.Key, h => new HostClockState { Newest = h.Value.Newest, ClosedUntil = h.Value.ClosedUntil, LastSeen = h.Value.LastSeen }, StringComparer.Ordinal),
    };

    public void Restore(AggregatorState state)
    {
        _last = null;
        _open.Clear();
        _hosts.Clear();
        foreach (var (host, clock) in state.Hosts)
            _hosts[host] = new HostClock { Newest = clock.Newest, ClosedUntil = clock.ClosedUntil, LastSeen = clock.LastSeen };
        foreach (var window in state.Windows)
        {
            _open[(window.Host, window.Start)] = window;
            Clock(window.Host, window.LastArrival);
        }
    }

    public DateTime WindowStart(DateTime time)
    {
        var length = options.Window.Ticks;
        return new DateTime(time.Ticks - time.Ticks % length, DateTimeKind.Utc);
    }

    /// <summary>Keeps the alert's latest revision; when the window is full, only if it is more severe than the least severe kept.</summary>
    private void Keep(HostWindow window, AlertRaised alert)
    {
        if (window.Alerts.TryGetValue(alert.AlertId, out var known))
        {
            if (known.Revision <= alert.Revision)
                window.Alerts[alert.AlertId] = alert;
            return;
        }
        if (window.Alerts.Count >= options.MaxAlertsPerWindow)
        {
            var least = window.Alerts.Values.MinBy(a => (AlertSeverities.Rank(a.Severity), a.Count))!;
            if ((AlertSeverities.Rank(alert.Severity), alert.Count).CompareTo((AlertSeverities.Rank(least.Severity), least.Count)) <= 0)
            {
                window.UntrackedAlerts++;
                return;
            }
            window.Alerts.Remove(least.AlertId);
            window.UntrackedAlerts++;
        }
        window.Alerts[alert.AlertId] = alert;
    }

    private HostWindow Window(string host, DateTime time, DateTime arrival)
    {
        var start = WindowStart(time);
        // Events come in time order, mostly of one host: the last window is usually the one (forgotten when windows close).
        if (_last is { } last && last.Start == start && string.Equals(last.Host, host, StringComparison.Ordinal))
        {
            last.LastArrival = arrival;
            return last;
        }
        if (!_open.TryGetValue((host, start), out var window))
            _open[(host, start)] = window = new HostWindow { Host = host, Start = start, End = start + options.Window };
        window.LastArrival = arrival;
        _last = window;
        return window;
    }

    private HostWindow? _last;

    private HostClock Clock(string host, DateTime arrival)
    {
        if (!_hosts.TryGetValue(host, out var clock))
            _hosts[host] = clock = new HostClock();
        if (arrival > clock.LastSeen)
            clock.LastSeen = arrival;
        return clock;
    }

    private sealed class HostClock
    {
        public DateTime Newest;
        public DateTime ClosedUntil;
        public DateTime LastSeen;
    }
}

/// <summary>What became of an event or alert offered to the windows.</summary>
public enum Admission
{
    Added,

    /// <summary>Its window had closed already.</summary>
    Late,

    /// <summary>Dated further ahead of the clock than MaxClockSkew.</summary>
    Future,
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

    public DateTime LastSeen { get; init; }
}
