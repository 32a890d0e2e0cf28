using LogSentinel.ServiceDefaults;
using System.ClientModel;
using System.Globalization;
using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace LogSentinel.AiAnalyzer.Analysis;

/// <summary>
/// How model calls are made to hold up. Outside: an overall budget per window, and retries with exponential
/// back-off and jitter that wait as long as a 429/503's Retry-After asks (up to MaxRetryDelay). Per attempt: the
/// hourly call cap, then a circuit breaker shared by all windows, then a timeout. The cap is checked outside the
/// breaker so that a call not made never counts as a call that worked. Whatever still fails goes to the rules.
/// </summary>
public sealed class ModelResilience
{
    private readonly ResiliencePipeline _outer;
    private readonly ResiliencePipeline _attempt;

    public ModelResilience(ModelOptions options, TimeProvider time, Action<string>? onRetry = null, Action<string>? onBreak = null)
    {
        var outer = new ResiliencePipelineBuilder { TimeProvider = time }.AddTimeout(options.Budget);
        if (options.MaxRetries > 0)
        {
            outer.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                MaxDelay = options.MaxRetryDelay,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Exception, options.MaxRetryDelay, time)),
                OnRetry = args =>
                {
                    onRetry?.Invoke(Describe(args.Outcome.Exception));
                    return ValueTask.CompletedTask;
                },
            });
        }
        _outer = outer.Build();
        _attempt = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                // An attempt cut short by the overall budget took too long: a failure too.
                ShouldHandle = new PredicateBuilder().Handle<Exception>(e => IsTransient(e) || e is OperationCanceledException),
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

    /// <summary>Runs <paramref name="attempt"/> under the policies; <paramref name="mayCall"/> takes one call from the cap.</summary>
    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> attempt, Func<bool> mayCall, CancellationToken cancellation) =>
        _outer.ExecuteAsync(async token => mayCall()
            ? await _attempt.ExecuteAsync(attempt, token).ConfigureAwait(false)
            : throw new CallCapReachedException(), cancellation);

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
    public static TimeSpan? RetryAfter(Exception? e, TimeSpan max, TimeProvider time)
    {
        if (e is not ClientResultException { Status: 429 or 503 } c || c.GetRawResponse() is not { } response
            || !response.Headers.TryGetValue("Retry-After", out var value) || string.IsNullOrWhiteSpace(value))
            return null;
        TimeSpan delay;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            delay = TimeSpan.FromSeconds(seconds);
        else if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            delay = date - time.GetUtcNow();
        else
            return null;
        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > max ? max : delay;
    }

    public static string Describe(Exception? e) => e switch
    {
        null => "no error",
        // Status 0: no HTTP response at all (refused, reset, DNS).
        ClientResultException { Status: 0 } c => "no response: " + FieldText.Clean(c.InnerException?.Message ?? c.Message, 200),
        ClientResultException c => $"HTTP {c.Status} ({(HttpStatusCode)c.Status})",
        TimeoutRejectedException => "timed out",
        BrokenCircuitException => "circuit open after repeated failures",
        _ => FieldText.Clean(e.Message, 200)!,
    };
}
