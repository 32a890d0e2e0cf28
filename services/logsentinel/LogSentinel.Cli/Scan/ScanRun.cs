using System.Collections.Concurrent;
using System.Diagnostics;
using LogSentinel.AiAnalyzer.Pipeline;
using LogSentinel.Cli.Composition;
using LogSentinel.Cli.Report;
using LogSentinel.Collector;
using LogSentinel.Contracts;
using LogSentinel.Detector.Offline;
using LogSentinel.Detector.Pipeline;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogSentinel.Cli.Scan;

public sealed record ScanResult(
    IReadOnlyList<AlertRaised> Alerts,
    IReadOnlyList<WindowAnalyzed> Analyses,
    int Analysed,
    long Lines,
    long Events,
    IReadOnlyList<string> Errors,
    bool Notified,
    TimeSpan Elapsed);

/// <summary>
/// One pass over finite logs through the composed pipeline. The sources are read (merged in time order) and
/// published as collector batches on the in-memory bus; the detector routes and evaluates them, the analyzer counts
/// them into windows, alerts reach the analyzer, the notifier and the run's findings. When the input ends, each
/// stage is closed in turn once everything before it is through (<see cref="MessageFlow"/>): the detector gives
/// every open alert its final revision, then the analyzer closes and analyses every window.
/// </summary>
public static class ScanRun
{
    /// <summary>
    /// Collector batches in one stretch of the input (32,768 events): the detector evaluates a stretch once all of it
    /// is routed and submitted, so the alerts never depend on how fast the bus delivered. Two stretches at most are
    /// in memory: one being evaluated, one being read.
    /// </summary>
    public const int StretchBatches = 8;

    /// <param name="cancellation">The command's (Ctrl+C); SIGTERM and SIGINT reach the host too and stop the run the same way.</param>
    /// <param name="journal">How the journal is read, when a source is the journal (the command's bound Collector section).</param>
    public static async Task<ScanResult> RunAsync(IConfigurationRoot configuration, IReadOnlyList<ScanSource> sources, LogFileEvents.Settings settings, JournalOptions journal, ScanProgress progress, LogLevel logLevel, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        var notifies = PipelineHost.Notifies(configuration);
        using var host = PipelineHost.Build(configuration, PipelineHost.Mode.Scan, logLevel, (services, bus) =>
        {
            services.AddSingleton<Findings>();
            bus.AddConsumer<FindingsConsumer, FindingsConsumerDefinition>();
        });
        // The host's console lifetime takes SIGINT/SIGTERM and only asks the host to stop: the run listens for that too.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellation, host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping);
        cancellation = stopping.Token;
        await host.StartAsync(cancellation).ConfigureAwait(false);
        var errors = new ConcurrentQueue<string>();
        try
        {
            var flow = host.Services.GetRequiredService<MessageFlow>();
            var consumers = PipelineHost.Consumers(notifies);
            var detector = host.Services.GetRequiredService<DetectionWorker>();
            var stretches = new Stretches(flow, consumers, detector);
            await PublishAsync(host.Services.GetRequiredService<IBus>(), stretches, sources, settings, journal, progress, errors, cancellation).ConfigureAwait(false);
            await stretches.EndAsync(cancellation).ConfigureAwait(false);
            await detector.CloseAllAsync(cancellation).ConfigureAwait(false);
            await flow.WaitAsync<AlertRaised>(consumers[typeof(AlertRaised)], cancellation).ConfigureAwait(false);
            await host.Services.GetRequiredService<AnalyzerWorker>().CloseAllAsync(cancellation).ConfigureAwait(false);
            await flow.WaitAsync<WindowAnalyzed>(consumers[typeof(WindowAnalyzed)], cancellation).ConfigureAwait(false);
            foreach (var fault in flow.Faults)
                errors.Enqueue("pipeline: " + fault);
            var findings = host.Services.GetRequiredService<Findings>();
            return new ScanResult(findings.Alerts, findings.Analyses, findings.Analysed, progress.Lines, progress.Events, [.. errors], notifies, clock.Elapsed);
        }
        finally
        {
            using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await host.StopAsync(patience.Token).ConfigureAwait(false);
        }
    }

    private static async Task PublishAsync(IBus bus, Stretches stretches, IReadOnlyList<ScanSource> sources, LogFileEvents.Settings settings,
        JournalOptions journal, ScanProgress progress, ConcurrentQueue<string> errors, CancellationToken cancellation)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var readers = sources.Select(s => new SourceReader(s, settings, journal, progress, errors, stop.Token)).ToList();
        try
        {
            long batches = 0;
            foreach (var chunk in EventMerge.Merge([.. readers.Select(r => r.Chunks)], SourceReader.ChunkSize))
            {
                await bus.Publish(new SecurityEventBatch
                {
                    BatchId = $"scan-{batches++}",
                    Host = chunk[0].Host.Name,
                    RoutingKey = "scan",
                    Events = chunk,
                }, cancellation).ConfigureAwait(false);
                if (batches % StretchBatches == 0)
                    await stretches.CompleteAsync(cancellation).ConfigureAwait(false);
            }
        }
        finally
        {
            // Readers still going (an error or a cancellation above) stop at their next chunk.
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var reader in readers)
                reader.Dispose();
        }
    }

    /// <summary>Marks where each stretch of the input ends, for the detector.</summary>
    private sealed class Stretches(MessageFlow flow, IReadOnlyDictionary<Type, int> consumers, DetectionWorker detector)
    {
        private Task _evaluating = Task.CompletedTask;

        /// <summary>
        /// Once everything published so far is routed and handed to the detector, it evaluates that much; the next
        /// stretch is read meanwhile. Waits for the stretch before this one first, so memory holds two at most.
        /// </summary>
        public async Task CompleteAsync(CancellationToken cancellation)
        {
            await flow.WaitAsync<SecurityEventBatch>(consumers[typeof(SecurityEventBatch)], cancellation).ConfigureAwait(false);
            await flow.WaitAsync<KeyedEventBatch>(consumers[typeof(KeyedEventBatch)], cancellation).ConfigureAwait(false);
            await _evaluating.ConfigureAwait(false);
            _evaluating = detector.ReleaseBufferedAsync(cancellation);
        }

        /// <summary>The last (partial) stretch, evaluated.</summary>
        public async Task EndAsync(CancellationToken cancellation)
        {
            await CompleteAsync(cancellation).ConfigureAwait(false);
            await _evaluating.ConfigureAwait(false);
        }
    }
}
