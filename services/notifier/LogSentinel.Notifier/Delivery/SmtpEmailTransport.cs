using System.Net;
using System.Net.Mail;
using System.Net.Mime;
using System.Net.Sockets;
using System.Text;
using LogSentinel.Notifier.Rendering;
using LogSentinel.Notifier.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace LogSentinel.Notifier.Delivery;

/// <summary>
/// SMTP through System.Net.Mail: STARTTLS and authentication from the settings, a multipart/alternative message
/// (plain text, then HTML). A send that failed for a reason that may pass (server busy, unreachable, timed out) is
/// retried with exponential back-off; what keeps failing is thrown, so the bus retries the message and finally
/// moves it to its error queue.
/// </summary>
public sealed partial class SmtpEmailTransport : IEmailTransport
{
    private readonly SmtpOptions _options;
    private readonly ResiliencePipeline _retry;
    private readonly NotifierMetrics _metrics;

    public SmtpEmailTransport(IOptions<NotifierOptions> options, NotifierMetrics metrics, TimeProvider time, ILogger<SmtpEmailTransport> logger)
    {
        _options = options.Value.Smtp;
        _metrics = metrics;
        var builder = new ResiliencePipelineBuilder { TimeProvider = time };
        if (_options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = _options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.RetryDelay,
                OnRetry = args =>
                {
                    _metrics.SendRetries.Add(1);
                    LogRetry(logger, args.AttemptNumber + 1, args.RetryDelay, args.Outcome.Exception?.Message ?? "");
                    return ValueTask.CompletedTask;
                },
            });
        }
        _retry = builder.Build();
    }

    public async Task SendAsync(EmailMessage message, string recipient, string messageId, CancellationToken cancellation)
    {
        if (!_options.IsConfigured)
            throw new InvalidOperationException("SMTP is not configured (Notifier:Smtp:Host and From)");
        await _retry.ExecuteAsync(async token =>
        {
            using var mail = Build(message, recipient, messageId);
            using var client = new SmtpClient(_options.Host, _options.Port)
            {
                EnableSsl = _options.StartTls,
                Timeout = (int)_options.Timeout.TotalMilliseconds,
                DeliveryMethod = SmtpDeliveryMethod.Network,
            };
            if (!string.IsNullOrEmpty(_options.Username))
                client.Credentials = new NetworkCredential(_options.Username, _options.Password);
            await client.SendMailAsync(mail, token).ConfigureAwait(false);
        }, cancellation).ConfigureAwait(false);
    }

    private MailMessage Build(EmailMessage message, string recipient, string messageId)
    {
        var mail = new MailMessage
        {
            From = new MailAddress(_options.From!, "LogSentinel"),
            Subject = message.Subject,
            SubjectEncoding = Encoding.UTF8,
            HeadersEncoding = Encoding.UTF8,
            BodyEncoding = Encoding.UTF8,
            Body = message.Text,
            IsBodyHtml = false,
        };
        mail.To.Add(recipient);
        mail.Headers.Add("Message-ID", messageId);
        var html = AlternateView.CreateAlternateViewFromString(message.Html, Encoding.UTF8, MediaTypeNames.Text.Html);
        html.TransferEncoding = TransferEncoding.QuotedPrintable;
        mail.AlternateViews.Add(html);
        return mail;
    }

    /// <summary>Worth another try: the server said try later (4xx), or it could not be reached or timed out.</summary>
    public static bool IsTransient(Exception e) => e switch
    {
        SmtpFailedRecipientException => false,
        // GeneralFailure is also what a permanent local error gives (no STARTTLS offered): transient only when the
        // connection itself failed.
        SmtpException s => (int)s.StatusCode is >= 400 and < 500 || s.InnerException is IOException or SocketException or TimeoutException,
        IOException or SocketException or TimeoutException => true,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP send failed; try {Attempt} in {Delay}: {Reason}")]
    private static partial void LogRetry(ILogger logger, int attempt, TimeSpan delay, string reason);
}
