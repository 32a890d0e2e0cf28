using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace LogSentinel.FaultSuite;

/// <summary>
/// One failed login attempt as the indexer stores it (failed_login_attempts: host, ip_address, username,
/// attempt_time): no address makes two attempts in one second, so these four tell every attempt apart.
/// </summary>
internal readonly record struct AttemptKey(string Host, string Ip, string User, DateTime Second)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Host}|{Ip}|{User}|{Second:yyyy-MM-dd HH:mm:ss}");
}

/// <summary>A point of the attack (its time from the start, held time excluded) it waits at until released.</summary>
internal sealed class AttackBarrier(TimeSpan at)
{
    public TimeSpan At { get; } = at;

    public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>A server whose auth.log a collector follows.</summary>
internal sealed record AttackTarget(string Host, string AuthLog);

/// <summary>
/// An SSH password brute force from each address, written live into the collectors' auth.log files as sshd writes it:
/// one "Invalid user" attempt, then failed root passwords one a second, three per connection (each connection a new pid
/// and port, opened with PAM's authentication failure and closed with sshd's [preauth] line and PAM's summary). Lines
/// carry the second they are written (syslog format, UTC). Addresses start <see cref="FaultSuiteSettings.Stagger"/>
/// apart and alternate between the servers. Each address crosses the default rules' root brute-force threshold
/// (ssh-root-brute-force: 5 root attempts in 10 minutes), and the general and fast brute-force ones.
/// </summary>
internal sealed class AuthLogAttack
{
    /// <summary>The rule every attacking address must raise an alert of.</summary>
    public const string ExpectedRule = "ssh-root-brute-force";

    private static readonly string[] InvalidUsers = ["admin", "oracle", "ubuntu", "test", "postgres", "git", "user", "ftpuser"];

    private readonly IReadOnlyList<AttackTarget> _targets;
    private readonly FaultSuiteSettings _settings;
    private readonly Random _random;
    private readonly ConcurrentBag<AttemptKey> _attempts = [];
    private readonly Dictionary<string, object> _fileLocks;
    private readonly Stopwatch _clock = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly object _holdLock = new();
    private readonly List<AttackBarrier> _barriers = [];
    private AttackBarrier? _holding;
    private TimeSpan _heldFor;

    public AuthLogAttack(IReadOnlyList<string> addresses, IReadOnlyList<AttackTarget> targets, FaultSuiteSettings settings, int seed)
    {
        Addresses = addresses;
        _targets = targets;
        _settings = settings;
        _random = new Random(seed);
        _fileLocks = targets.ToDictionary(t => t.AuthLog, _ => new object(), StringComparer.Ordinal);
    }

    public IReadOnlyList<string> Addresses { get; }

    /// <summary>The attempts written so far.</summary>
    public IReadOnlyCollection<AttemptKey> Attempts => _attempts;

    /// <summary>From the first address's first attempt to the last address's last, if written on time.</summary>
    public TimeSpan PlannedDuration => _settings.Stagger * (Addresses.Count - 1) + TimeSpan.FromSeconds(_settings.RootAttempts + 1);

    /// <summary>Writes the whole attack, in real time; completes when the last line is written.</summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        _clock.Start();
        _started.TrySetResult();
        var attackers = Addresses.Select((ip, i) => (Ip: ip, Index: i, Pid: _random.Next(2000, 60000), Seed: _random.Next())).ToList();
        await Task.WhenAll(attackers.Select(a => AttackAsync(a.Index, a.Ip, a.Pid, new Random(a.Seed), cancellation))).ConfigureAwait(false);
    }

    /// <summary>Completes once this share of the planned duration has been written.</summary>
    public async Task ReachedAsync(double share, CancellationToken cancellation)
    {
        await _started.Task.WaitAsync(cancellation).ConfigureAwait(false);
        await WaitUntilAsync(PlannedDuration * share, cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// A point (a share of the attack) it does not go past until <see cref="Release"/>d: a fault that takes a while to
    /// put in place (rabbitmqctl on a busy machine, a service's graceful stop) still finds part of the attack to come.
    /// While it waits there the attack's clock stops, so the rest keeps its pace.
    /// </summary>
    public AttackBarrier Barrier(double share)
    {
        var barrier = new AttackBarrier(PlannedDuration * share);
        lock (_holdLock)
            _barriers.Add(barrier);
        return barrier;
    }

    public void Release(AttackBarrier barrier)
    {
        lock (_holdLock)
        {
            if (!_barriers.Remove(barrier))
                return;
            if (_holding == barrier)
            {
                // Attack time goes on from the barrier: everything since it was reached was time held.
                _heldFor = _clock.Elapsed - barrier.At;
                _holding = null;
            }
        }
        barrier.Released.TrySetResult();
    }

    /// <summary>Lets the attack run to its end whatever happened to the faults.</summary>
    public void ReleaseAll()
    {
        List<AttackBarrier> barriers;
        lock (_holdLock)
            barriers = [.. _barriers];
        foreach (var barrier in barriers)
            Release(barrier);
    }

    /// <summary>Attack time: since it began, less the time it waited at barriers. Call under the lock.</summary>
    private TimeSpan ElapsedLocked()
    {
        if (_holding is { } held)
            return held.At;
        var elapsed = _clock.Elapsed - _heldFor;
        var reached = _barriers.Where(b => b.At <= elapsed).MinBy(b => b.At);
        if (reached is null)
            return elapsed;
        // The clock stops where the barrier is: the attack time it reached it at.
        _holding = reached;
        return reached.At;
    }

    private async Task WaitUntilAsync(TimeSpan due, CancellationToken cancellation)
    {
        while (true)
        {
            Task? held = null;
            TimeSpan left;
            lock (_holdLock)
            {
                var elapsed = ElapsedLocked();
                if (_holding is { } barrier && barrier.At <= due)
                    held = barrier.Released.Task;
                left = due - elapsed;
            }
            if (held is not null)
            {
                await held.WaitAsync(cancellation).ConfigureAwait(false);
                continue;
            }
            if (left <= TimeSpan.Zero)
                return;
            // A barrier may be reached meanwhile: look again at least every 100 ms.
            await Task.Delay(left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100), cancellation).ConfigureAwait(false);
        }
    }

    private async Task AttackAsync(int index, string ip, int pid, Random random, CancellationToken cancellation)
    {
        var target = _targets[index % _targets.Count];
        var begin = _settings.Stagger * index;
        var last = DateTime.MinValue;
        var port = 0;
        for (var step = 0; step <= _settings.RootAttempts; step++)
        {
            await WaitUntilAsync(begin + TimeSpan.FromSeconds(step), cancellation).ConfigureAwait(false);
            // One attempt per address per second: the second is what tells two attempts apart once stored.
            var now = Truncate(DateTime.UtcNow);
            if (now <= last)
            {
                await Task.Delay(last.AddSeconds(1) - DateTime.UtcNow + TimeSpan.FromMilliseconds(5), cancellation).ConfigureAwait(false);
                now = Truncate(DateTime.UtcNow);
            }
            last = now;
            var stamp = string.Create(CultureInfo.InvariantCulture, $"{now:MMM} {now.Day,2} {now:HH:mm:ss} {target.Host} sshd[");
            var lines = new StringBuilder();
            void Line(string text) => lines.Append(stamp).Append(pid.ToString(CultureInfo.InvariantCulture)).Append("]: ").Append(text).Append('\n');
            string user;
            if (step == 0)
            {
                user = InvalidUsers[index % InvalidUsers.Length];
                port = random.Next(32768, 61000);
                Line($"Invalid user {user} from {ip} port {port}");
                Line("pam_unix(sshd:auth): check pass; user unknown");
                Line($"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}");
                Line($"Failed password for invalid user {user} from {ip} port {port} ssh2");
                Line($"Connection closed by invalid user {user} {ip} port {port} [preauth]");
            }
            else
            {
                user = "root";
                var inConnection = (step - 1) % 3;
                if (inConnection == 0)
                {
                    pid += random.Next(1, 40);
                    port = random.Next(32768, 61000);
                    Line($"pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user=root");
                }
                Line($"Failed password for root from {ip} port {port} ssh2");
                if (inConnection == 2 || step == _settings.RootAttempts)
                {
                    Line($"Connection closed by authenticating user root {ip} port {port} [preauth]");
                    if (inConnection > 0)
                        Line($"PAM {inConnection} more authentication failure{(inConnection == 1 ? "" : "s")}; logname= uid=0 euid=0 tty=ssh ruser= rhost={ip}  user=root");
                }
            }
            Append(target.AuthLog, lines.ToString());
            _attempts.Add(new AttemptKey(target.Host, ip, user, now));
        }
    }

    private void Append(string path, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        lock (_fileLocks[path])
        {
            using var file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
            file.Write(bytes);
            file.Flush(flushToDisk: false);
        }
    }

    private static DateTime Truncate(DateTime time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
}
