using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LogSentinel.Notifier.Policy;

/// <summary>Sends each recipient's digest when it is due; a failed digest stays held and is tried again next round.</summary>
public sealed partial class DigestWorker(NotificationDispatcher dispatcher, ILogger<DigestWorker> logger) : BackgroundService
{
    private static readonly TimeSpan Round = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Round);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await dispatcher.SendDueDigestsAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogDigestFailed(logger, e);
                    await Task.Delay(TimeSpan.FromSeconds(30), stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Sending a digest failed; it stays held and is tried again")]
    private static partial void LogDigestFailed(ILogger logger, Exception exception);
}
