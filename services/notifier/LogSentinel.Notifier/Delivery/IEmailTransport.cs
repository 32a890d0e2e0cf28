using LogSentinel.Notifier.Rendering;

namespace LogSentinel.Notifier.Delivery;

/// <summary>Sends one email to one recipient; throws when the server did not take it.</summary>
public interface IEmailTransport
{
    /// <param name="messageId">The Message-ID header: the same notification to the same recipient always has the same one,
    /// so a resend after a crash is recognised as the same message by mail clients.</param>
    Task SendAsync(EmailMessage message, string recipient, string messageId, CancellationToken cancellation);
}
