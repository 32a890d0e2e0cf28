using LogSentinel.Notifier.Rendering;

namespace LogSentinel.Notifier.Delivery;

/// <summary>Sends one email to some recipients; throws when the server did not take it.</summary>
public interface IEmailTransport
{
    Task SendAsync(EmailMessage message, IReadOnlyList<string> recipients, CancellationToken cancellation);
}
