using System.ClientModel;
using System.Globalization;
using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace LogSentinel.AiAnalyzer.Analysis;

/// <summary>
/// How model calls are made to hold up: an overall budget per window, retries with exponential back-off and jitter
/// that wait as long as a 429/503's Retry-After asks (up to MaxRetryDelay), a circuit breaker shared by all windows,
/// and a timeout per attempt. Outermost first. Whatever is left failing goes to the rules.
/// </summary>
public static class ModelResilience
{
    public static ResiliencePipeline Build(ModelOptions options, TimeProvider time, Action<string>? onRetry = null, Action<string>? onBreak = null)
    {
        var handled = new PredicateBuilder().Handle<Exception>(IsTransient);
        var builder = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(options.Budget);
        if (options.MaxRetries > 0)
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = handled,
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception, options.MaxRetryDelay)),
                OnRetry = args =>
                {
                    onRetry?.Invoke(Describe(args.Outcome.Exception));
                    return ValueTask.CompletedTask;
                },
            });
        return builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = handled,
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumCalls,
                SamplingDuration = options.BreakerSampling,
                BreakDuration = options.BreakerDuration,
                OnOpened = args =>
                {
                    onBreak?.Invoke(Describe(args.Outcome.Exception));
                    return ValueTask.CompletedTask;
                },
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    /// <summary>
    /// Worth another attempt: throttling, server errors, timeouts, broken connections, answers that were not the
    /// schema. Not: client errors (a wrong key or model will not fix itself), the call cap, an open breaker.
    /// </summary>
    public static bool IsTransient(Exception e) => e switch
    {
        CallCapReachedException or BrokenCircuitException or OperationCanceledException => false,
        ClientResultException { Status: >= 400 and < 500 } c => c.Status is 408 or 409 or 429,
        _ => true,
    };

    /// <summary>What Retry-After asks for on a 429 or 503 (seconds or an HTTP date), capped; otherwise the back-off.</summary>
    public static TimeSpan? RetryAfter(Exception? e, TimeSpan max)
    {
        if (e is not ClientResultException { Status: 429 or 503 } c || c.GetRawResponse() is not { } response
            || !response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
            return null;
        TimeSpan delay;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            delay = TimeSpan.FromSeconds(seconds);
        else if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            delay = date - DateTimeOffset.UtcNow;
        else
            return null;
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > max ? max : delay;
    }

    public static string Describe(Exception? e) => e switch
    {
        null => "no error",
        ClientResultException c => $"HTTP {c.Status} ({(HttpStatusCode)c.Status})",
        TimeoutRejectedException => "timed out",
        BrokenCircuitException => "circuit open after repeated failures",
        _ => FieldText.Clean(e.Message, 200)!,
    };
}
