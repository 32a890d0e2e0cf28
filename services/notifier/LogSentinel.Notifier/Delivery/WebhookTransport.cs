using System.Net.Http.Json;
using System.Text.Json.Serialization;
using LogSentinel.Notifier.Rendering;
using Polly;
using Polly.Retry;

namespace LogSentinel.Notifier.Delivery;

/// <summary>
/// Posts {"text": ...} (the plain-text body under the subject, &amp;, &lt; and &gt; escaped) to a generic incoming
/// webhook: Slack, Mattermost and Microsoft Teams accept it. 429 and 5xx are retried with back-off; anything else failing is thrown.
/// </summary>
public sealed class WebhookTransport(HttpClient http, TimeProvider time)
{
    /// <summary>Chat systems cut long messages; this keeps a whole notification readable.</summary>
    public const int MaxText = 3500;

    private readonly ResiliencePipeline<HttpResponseMessage> _retry = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = time }
        .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                .Handle<HttpRequestException>()
                // HttpClient's own timeout (not the caller's cancellation): TaskCanceledException around a TimeoutException.
                .Handle<TaskCanceledException>(e => e.InnerException is TimeoutException)
                .HandleResult(r => (int)r.StatusCode is 429 or >= 500),
            MaxRetryAttempts = 3,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromSeconds(1),
        })
        .Build();

    public async Task PostAsync(Uri url, EmailMessage message, CancellationToken cancellation)
    {
        // Slack's (and compatible) message format reads <...> as links and mentions (<!channel>): text from a log
        // line must not ping anyone or disguise a link, so &, < and > are escaped as its format asks.
        var text = Escape(message.Subject + "\n\n" + message.Text);
        if (text.Length > MaxText)
            text = text[..(MaxText - 1)] + "…";
        using var response = await _retry.ExecuteAsync(
            async token => await http.PostAsJsonAsync(url, new WebhookPayload(text), WebhookJsonContext.Default.WebhookPayload, token).ConfigureAwait(false),
            cancellation).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    public static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}

public sealed record WebhookPayload([property: JsonPropertyName("text")] string Text);

[JsonSerializable(typeof(WebhookPayload))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext;
