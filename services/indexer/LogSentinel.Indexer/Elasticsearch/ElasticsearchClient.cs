using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace LogSentinel.Indexer.Elasticsearch;

/// <summary>
/// The few Elasticsearch REST calls the indexer makes, over HttpClient: index templates and lifecycle policies
/// (PUT), _bulk, _count and _search (checks, tests) and cluster health. Elasticsearch 8.x; OpenSearch 2.x where the
/// API agrees (templates, _bulk, _search; its lifecycle API differs).
/// </summary>
public sealed class ElasticsearchClient
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly MediaTypeHeaderValue NdJson = new("application/x-ndjson");

    private readonly HttpClient _http;

    public ElasticsearchClient(HttpClient http, ElasticsearchOptions options)
    {
        _http = http;
        _http.BaseAddress = options.Url ?? throw new InvalidOperationException("Elasticsearch:Url is not set");
        _http.Timeout = options.Timeout;
        if (!string.IsNullOrEmpty(options.ApiKey))
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("ApiKey", options.ApiKey);
        else if (!string.IsNullOrEmpty(options.Username))
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));
    }

    public async Task PutAsync(string path, string json, CancellationToken cancellation)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = Json;
        using var response = await _http.PutAsync(path, content, cancellation).ConfigureAwait(false);
        await EnsureSuccess(response, "PUT " + path, cancellation).ConfigureAwait(false);
    }

    /// <summary>One _bulk request; the results in the order of the documents. Throws when the request as a whole failed.</summary>
    public async Task<IReadOnlyList<BulkItemResult>> BulkAsync(byte[] body, int documents, CancellationToken cancellation)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = NdJson;
        using var response = await _http.PostAsync("_bulk", content, cancellation).ConfigureAwait(false);
        await EnsureSuccess(response, "POST _bulk", cancellation).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellation).ConfigureAwait(false);
        var items = document.RootElement.GetProperty("items");
        if (items.GetArrayLength() != documents)
            throw new ElasticsearchException(HttpStatusCode.BadGateway, $"_bulk answered {items.GetArrayLength()} items for {documents} documents");
        var results = new List<BulkItemResult>(documents);
        foreach (var item in items.EnumerateArray())
        {
            var result = item.EnumerateObject().First().Value;
            string? type = null, reason = null;
            if (result.TryGetProperty("error", out var error))
            {
                type = error.TryGetProperty("type", out var t) ? t.GetString() : null;
                reason = error.TryGetProperty("reason", out var r) ? r.GetString() : error.ToString();
            }
            results.Add(new BulkItemResult(result.GetProperty("status").GetInt32(), type, reason));
        }
        return results;
    }

    public async Task<long> CountAsync(string index, string? query, CancellationToken cancellation)
    {
        using var content = new StringContent(query ?? "{}", Encoding.UTF8);
        content.Headers.ContentType = Json;
        using var response = await _http.PostAsync($"{index}/_count", content, cancellation).ConfigureAwait(false);
        await EnsureSuccess(response, $"POST {index}/_count", cancellation).ConfigureAwait(false);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false));
        return document.RootElement.GetProperty("count").GetInt64();
    }

    /// <summary>A _search; the caller owns the returned document.</summary>
    public async Task<JsonDocument> SearchAsync(string index, string body, CancellationToken cancellation)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = Json;
        using var response = await _http.PostAsync($"{index}/_search", content, cancellation).ConfigureAwait(false);
        await EnsureSuccess(response, $"POST {index}/_search", cancellation).ConfigureAwait(false);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false));
    }

    /// <summary>green, yellow or red.</summary>
    public async Task<string> HealthAsync(CancellationToken cancellation)
    {
        using var response = await _http.GetAsync("_cluster/health", cancellation).ConfigureAwait(false);
        await EnsureSuccess(response, "GET _cluster/health", cancellation).ConfigureAwait(false);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false));
        return document.RootElement.GetProperty("status").GetString() ?? "unknown";
    }

    private static async Task EnsureSuccess(HttpResponseMessage response, string what, CancellationToken cancellation)
    {
        if (response.IsSuccessStatusCode)
            return;
        var body = await response.Content.ReadAsStringAsync(cancellation).ConfigureAwait(false);
        throw new ElasticsearchException(response.StatusCode, $"{what}: HTTP {(int)response.StatusCode}: {(body.Length > 500 ? body[..500] : body)}");
    }
}

public sealed class ElasticsearchException(HttpStatusCode status, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    /// <summary>
    /// Worth retrying: throttled, the cluster in trouble, or refused for a reason an operator fixes without touching
    /// the data (credentials, a missing template). Not: a request Elasticsearch will never take (400).
    /// </summary>
    public bool IsTransient => (int)Status is 401 or 403 or 404 or 408 or 429 or >= 500;
}
