using System.Text.Json;
using LogSentinel.Collector.Publishing;
using LogSentinel.Collector.Spooling;
using LogSentinel.Collector.Tailing;
using LogSentinel.Contracts;
using LogSentinel.Contracts.Json;
using LogSentinel.Parsing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LogSentinel.Collector.Pipeline;

/// <summary>
/// The collector's loop: follow the files, parse, batch, deliver, checkpoint. A batch is delivered when the broker
/// confirmed it or the spool holds it; only then do checkpoints move past its lines. While anything is spooled, new
/// batches join the spool behind it, so order is kept; the spool is retried every <see cref="PublishOptions.RetryInterval"/>.
/// When the spool is full and the broker still unreachable, delivery waits and so does reading: nothing is dropped.
/// Nothing is published while the consumers' queues are missing (<see cref="ConsumerQueueGate"/>): RabbitMQ would
/// confirm and drop the batches. They wait in the spool, and the health file says which queues are awaited.
/// </summary>
public sealed partial class CollectorWorker(
    IOptions<CollectorOptions> options,
    IBatchSink sink,
    ConsumerQueueGate gate,
    TimeProvider time,
    Telemetry.CollectorMetrics metrics,
    ILogger<CollectorWorker> logger) : BackgroundService
{
    /// <summary>
    /// The health file is rewritten when its status changes and at least this often: a round can last a few
    /// milliseconds under load, and a file replaced on every round is I/O the health check does not need.
    /// </summary>
    private static readonly TimeSpan HealthRefresh = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var stop = stoppingToken;
        var o = options.Value;
        var zone = string.IsNullOrEmpty(o.TimeZone) ? TimeZoneInfo.Local : TimeZoneInfo.FindSystemTimeZoneById(o.TimeZone);
        var checkpoints = new TailCheckpointStore(Path.Combine(o.StateDirectory, "checkpoints"));
        using var spool = new DiskSpool(Path.Combine(o.StateDirectory, "spool"), o.Spool.MaxBytes, onDamage: m => SpoolDamaged(logger, m));
        var batcher = new EventBatcher(o.Host);
        using var geo = new LogSentinel.GeoIp.GeoLocator(o.GeoIp.Database, m => GeoIpTrouble(logger, m));
        void Add(SecurityEvent e) => batcher.Add(geo.Enrich(e));
        LogParserOptions ParserOptions(string path, LogFormat format) => new()
        {
            FilePath = path,
            DefaultHost = o.Host,
            TimeZone = zone,
            ReferenceTime = TimeZoneInfo.ConvertTime(time.GetUtcNow(), zone).DateTime,
            Format = format,
        };
        var sources = new List<ILogSource>();
        foreach (var path in SourcePaths.Expand(o.Files))
        {
            var tailer = new FileTailer(path, checkpoints.Load(path, m => CheckpointUnreadable(logger, m)), o.StartAtEnd, o.RotationGrace);
            sources.Add(new FileSource(tailer, checkpoints, file => ParserOptions(file, LogFormat.Auto), Add));
        }
        if (Journal.JournalSource.ShouldRun(o.Journal, o.Files))
        {
            if (o.Journal.Mode == JournalMode.Auto)
                JournalInstead(logger);
            sources.Add(new Journal.JournalSource(o.Journal, o.StartAtEnd, Path.Combine(o.StateDirectory, "journal.cursor"),
                ParserOptions(Journal.JournalSource.StreamName, LogFormat.JournalJson), Add, m => JournalTrouble(logger, m)));
        }
        var names = string.Join(", ", sources.Select(s => s.Name));
        Following(logger, names);
        var lastFlush = time.GetUtcNow();
        var nextRetry = DateTimeOffset.MinValue;
        var firstRead = DateTimeOffset.MaxValue;
        long dropped = 0;
        string? lastHealth = null;
        var lastHealthWrite = DateTimeOffset.MinValue;
        // One flush is delivered while the next one is read and parsed; its checkpoints are committed once it is.
        Task<DateTimeOffset>? delivering = null;
        async Task Delivered()
        {
            if (delivering is null)
                return;
            nextRetry = await delivering.ConfigureAwait(false);
            delivering = null;
            foreach (var source in sources)
                source.Commit();
        }
        // The checks end with the loop, also when it ends on an error rather than a stop.
        using var checkingStop = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var checking = Task.CompletedTask;
        try
        {
            // The first check comes before the first flush: a collector started before the consumers spools from the start.
            await gate.CheckAsync(stop).ConfigureAwait(false);
            checking = gate.RunAsync(checkingStop.Token);
            while (!stop.IsCancellationRequested)
            {
                if (delivering is { IsCompleted: true })
                    await Delivered().ConfigureAwait(false);
                if (delivering is null && !spool.IsEmpty && time.GetUtcNow() >= nextRetry && !await DrainAsync(spool, stop).ConfigureAwait(false))
                    nextRetry = time.GetUtcNow() + o.Publish.RetryInterval;

                var read = 0;
                foreach (var source in sources)
                    read += source.Poll(Math.Max(1, o.Batch.MaxEvents - batcher.Count));
                var now = time.GetUtcNow();
                if (read > 0)
                {
                    metrics.LinesRead.Add(read);
                    if (firstRead == DateTimeOffset.MaxValue)
                        firstRead = now;
                }
                var droppedNow = sources.Sum(s => s.LinesDropped);
                if (droppedNow > dropped)
                    metrics.LinesDropped.Add(droppedNow - dropped);
                dropped = droppedNow;

                if (batcher.Count >= o.Batch.MaxEvents || (now - lastFlush >= o.Batch.MaxDelay && (batcher.Count > 0 || read > 0)))
                {
                    await Delivered().ConfigureAwait(false);
                    foreach (var source in sources)
                        source.Capture();
                    delivering = DeliverAsync(batcher.Flush(o.Batch.MaxEvents), spool, nextRetry, firstRead, stop);
                    lastFlush = now;
                    firstRead = DateTimeOffset.MaxValue;
                }
                metrics.SpoolBytes = spool.Bytes;
                metrics.SpoolBatches = spool.Count;
                var health = gate.Blocked is { } blocked ? $"degraded: {blocked}; {spool.Count} batches spooled"
                    : spool.IsEmpty ? "ok" : $"degraded: broker unreachable, {spool.Count} batches spooled";
                if (health != lastHealth || now - lastHealthWrite >= HealthRefresh)
                {
                    Telemetry.HealthFile.Write(o.StateDirectory, health, now);
                    lastHealth = health;
                    lastHealthWrite = now;
                }
                if (read == 0)
                    await Task.Delay(o.PollInterval, time, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: whatever was not delivered is read again from the checkpoints next time.
        }
        finally
        {
            // The spool must not close under a delivery still running; a delivery that finished is committed, one cut short is not.
            if (delivering is not null)
            {
                try
                {
                    await delivering.ConfigureAwait(false);
                    foreach (var source in sources)
                        source.Commit();
                }
                catch (OperationCanceledException)
                {
                    // Its lines are read again next time.
                }
            }
            foreach (var source in sources)
                source.Dispose();
            await checkingStop.CancelAsync().ConfigureAwait(false);
            await checking.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Publishes a flush's batches (one per partition) at once, or spools them behind anything spooled before; a batch
    /// whose publish fails is spooled. Waits while the spool is full.
    /// </summary>
    private async Task<DateTimeOffset> DeliverAsync(List<SecurityEventBatch> batches, DiskSpool spool, DateTimeOffset nextRetry, DateTimeOffset firstRead,
        CancellationToken stop)
    {
        var o = options.Value;
        var unsent = batches;
        if (spool.IsEmpty && batches.Count > 0 && gate.IsOpen)
        {
            var published = await Task.WhenAll(batches.Select(b => sink.TryPublishAsync(b, stop))).ConfigureAwait(false);
            unsent = [];
            for (var i = 0; i < batches.Count; i++)
            {
                if (published[i])
                    metrics.EventsSent.Add(batches[i].Events.Count);
                else
                {
                    metrics.Errors.Add(1);
                    unsent.Add(batches[i]);
                }
            }
            if (firstRead != DateTimeOffset.MaxValue && unsent.Count < batches.Count)
                metrics.PublishLag.Record((time.GetUtcNow() - firstRead).TotalSeconds);
        }
        var full = false;
        foreach (var batch in unsent)
        {
            metrics.EventsSpooled.Add(batch.Events.Count);
            var bytes = JsonSerializer.SerializeToUtf8Bytes(batch, ContractsJsonContext.Default.SecurityEventBatch);
            while (!spool.TryAppend(bytes))
            {
                // Full: make room by publishing the oldest, or wait for the broker; reading waits meanwhile. Said once.
                if (!full)
                    SpoolFull(logger, spool.Bytes);
                full = true;
                if (!await DrainAsync(spool, stop).ConfigureAwait(false))
                    await Task.Delay(o.Publish.RetryInterval, time, stop).ConfigureAwait(false);
            }
            if (spool.Count == 1)
                nextRetry = time.GetUtcNow() + o.Publish.RetryInterval;
        }
        return nextRetry;
    }

    /// <summary>Publishes spooled batches in order until the spool is empty (true), or a publish fails or the gate closes (false).</summary>
    private async Task<bool> DrainAsync(DiskSpool spool, CancellationToken stop)
    {
        while (spool.TryPeek(out var bytes))
        {
            if (!gate.IsOpen)
                return false;
            var batch = JsonSerializer.Deserialize(bytes, ContractsJsonContext.Default.SecurityEventBatch)!;
            if (!await sink.TryPublishAsync(batch, stop).ConfigureAwait(false))
            {
                metrics.Errors.Add(1);
                return false;
            }
            spool.Acknowledge();
            metrics.EventsSent.Add(batch.Events.Count);
        }
        return true;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Following {Files}")]
    private static partial void Following(ILogger logger, string files);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Spool full ({Bytes} bytes): reading pauses until the broker takes batches again")]
    private static partial void SpoolFull(ILogger logger, long bytes);

    [LoggerMessage(Level = LogLevel.Error, Message = "Spool damaged: {Message}")]
    private static partial void SpoolDamaged(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void CheckpointUnreadable(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "No /var/log/auth.log on this host (Debian 12+ without rsyslog): reading the journal instead")]
    private static partial void JournalInstead(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void GeoIpTrouble(ILogger logger, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "journal: {Message}")]
    private static partial void JournalTrouble(ILogger logger, string message);
}
