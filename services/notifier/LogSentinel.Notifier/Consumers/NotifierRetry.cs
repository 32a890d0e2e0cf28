using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LogSentinel.Notifier.Consumers;

/// <summary>
/// After the SMTP transport's own retries, the bus tries the message again a few times, minutes apart (a mail server
/// down for a while, <see cref="NotifierOptions.Redeliveries"/>); then it goes to the queue's error queue (logsentinel-notifier-*_error), where an operator can
/// move it back. Never dropped.
/// </summary>
internal static class NotifierRetry
{
    public static void Configure(IReceiveEndpointConfigurator endpoint, IRegistrationContext context)
    {
        var intervals = context.GetRequiredService<IOptions<NotifierOptions>>().Value.Redeliveries;
        if (intervals.Count > 0)
            endpoint.UseMessageRetry(r => r.Intervals([.. intervals]));
        // The dispatcher sends one at a time; a message waiting out a retry interval must not hold up the others.
        endpoint.ConcurrentMessageLimit = 8;
    }
}
