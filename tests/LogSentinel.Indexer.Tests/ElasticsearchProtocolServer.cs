using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LogSentinel.Indexer.Tests;

/// <summary>
/// A protocol-level stand-in for Elasticsearch 8 (Kestrel on 127.0.0.1, a free port), built from the documented
/// request and response formats of the calls the indexer makes: PUT _ilm/policy and _index_template (their required
/// parts checked), POST _bulk (NDJSON; an id over 512 bytes fails the request with 400; per-item status and errors:
/// create on an existing id is a 409, an external_gte version below the stored one a 409, "index" into a data stream
/// a 400, a value that does not fit its mapped type (ip, date, long) a 400 document_parsing_exception), _count and
/// _search with match_all / term / range / bool.filter, and _cluster/health. Tests script refusals: whole requests
/// (429/503) and single items (429).
/// </summary>
internal sealed class ElasticsearchProtocolServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, JsonNode> _templates = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, JsonNode>> _indices = new();
    private readonly ConcurrentDictionary<(string Index, string Id), long> _versions = new();
    private readonly object _bulkLock = new();

    public ConcurrentDictionary<string, string> Policies { get; } = new();

    public List<string> BulkBodies { get; } = [];

    /// <summary>The next N _bulk requests are refused whole with this status.</summary>
    public (int Count, int Status) RejectRequests { get; set; }

    /// <summary>The next N documents (across requests) are refused with 429.</summary>
    public int RejectItems { get; set; }

    public int BulkRequests { get; private set; }

    public ElasticsearchProtocolServer()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapGet("/_cluster/health", () => Results.Json(new { cluster_name = "protocol-test", status = "green" }));
        _app.MapPut("/_ilm/policy/{name}", async (string name, HttpRequest request) =>
        {
            var body = await Body(request);
            if (JsonNode.Parse(body)?["policy"]?["phases"] is not JsonObject)
                return Results.Json(new { error = new { type = "x_content_parse_exception", reason = "[put_lifecycle_request] policy.phases is required" }, status = 400 }, statusCode: 400);
            Policies[name] = body;
            return Results.Json(new { acknowledged = true });
        });
        _app.MapPut("/_index_template/{name}", async (string name, HttpRequest request) =>
        {
            var template = JsonNode.Parse(await Body(request))!;
            if (template["index_patterns"] is not JsonArray { Count: > 0 })
                return Results.Json(new { error = new { type = "action_request_validation_exception", reason = "index patterns are missing" }, status = 400 }, statusCode: 400);
            _templates[name] = template;
            return Results.Json(new { acknowledged = true });
        });
        _app.MapPost("/_bulk", async (HttpRequest request) =>
        {
            if (request.ContentType != "application/x-ndjson")
                return Results.Json(new { error = new { type = "illegal_argument_exception", reason = "bulk needs application/x-ndjson" } }, statusCode: 400);
            var body = await Body(request);
            lock (_bulkLock)
            {
                BulkBodies.Add(body);
                BulkRequests++;
                if (body.Split('\n').Where((_, i) => i % 2 == 0).Any(l => l.Length > 0 && Encoding.UTF8.GetByteCount(JsonNode.Parse(l)!.AsObject().Single().Value!["_id"]!.GetValue<string>()) > 512))
                    return Results.Json(new { error = new { type = "action_request_validation_exception", reason = "Validation Failed: 1: id [...] is too long, must be no longer than 512 bytes;" }, status = 400 }, statusCode: 400);
                if (RejectRequests.Count > 0)
                {
                    RejectRequests = (RejectRequests.Count - 1, RejectRequests.Status);
                    return Results.Json(new { error = new { type = "es_rejected_execution_exception", reason = "scripted" }, status = RejectRequests.Status }, statusCode: RejectRequests.Status);
                }
                return Results.Json(Bulk(body));
            }
        });
        _app.MapPost("/{index}/_count", async (string index, HttpRequest request) =>
            Results.Json(new { count = Find(index, JsonNode.Parse(await Body(request))?["query"]).Count() }));
        _app.MapPost("/{index}/_search", async (string index, HttpRequest request) =>
        {
            var search = JsonNode.Parse(await Body(request));
            var hits = Find(index, search?["query"]).ToList();
            var size = search?["size"]?.GetValue<int>() ?? 10;
            return Results.Json(new
            {
                hits = new
                {
                    total = new { value = hits.Count, relation = "eq" },
                    hits = hits.Take(size).Select(h => new Dictionary<string, object?> { ["_index"] = h.Index, ["_id"] = h.Id, ["_source"] = h.Source }),
                },
            });
        });
    }

    public Uri Url { get; private set; } = null!;

    public static async Task<ElasticsearchProtocolServer> StartAsync()
    {
        var server = new ElasticsearchProtocolServer();
        await server._app.StartAsync();
        server.Url = new Uri(server._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/");
        return server;
    }

    public IReadOnlyDictionary<string, JsonNode> Templates => _templates;

    public IReadOnlyDictionary<string, JsonNode> Index(string name) => _indices.TryGetValue(name, out var docs) ? docs : new ConcurrentDictionary<string, JsonNode>();

    public IEnumerable<string> Indices => _indices.Keys;

    private object Bulk(string body)
    {
        var lines = body.Split('\n');
        if (lines[^1].Length != 0)
            throw new BadHttpRequestException("The bulk request must be terminated by a newline [\\n]");
        var items = new List<object>();
        for (var i = 0; i + 1 < lines.Length; i += 2)
        {
            var action = JsonNode.Parse(lines[i])!.AsObject().Single();
            var (op, meta) = (action.Key, action.Value!);
            var (index, id) = (meta["_index"]!.GetValue<string>(), meta["_id"]!.GetValue<string>());
            var source = JsonNode.Parse(lines[i + 1])!;
            items.Add(new Dictionary<string, object> { [op] = Item(op, meta, index, id, source) });
        }
        return new { took = 1, errors = items.Any(i => ((Dictionary<string, object>)i).Values.Cast<Dictionary<string, object?>>().Any(r => r.ContainsKey("error"))), items };
    }

    private Dictionary<string, object?> Item(string op, JsonNode meta, string index, string id, JsonNode source)
    {
        Dictionary<string, object?> Error(int status, string type, string reason) =>
            new() { ["_index"] = index, ["_id"] = id, ["status"] = status, ["error"] = new Dictionary<string, string> { ["type"] = type, ["reason"] = reason } };
        if (RejectItems > 0)
        {
            RejectItems--;
            return Error(429, "es_rejected_execution_exception", "rejected execution (scripted)");
        }
        var template = _templates.Values.FirstOrDefault(t => t["index_patterns"]!.AsArray().Any(p => Matches(p!.GetValue<string>(), index)));
        if (template?["data_stream"] is not null && op != "create")
            return Error(400, "illegal_argument_exception", $"only write ops with an op_type of create are allowed in data streams");
        if (template?["data_stream"] is not null && source["@timestamp"] is null)
            return Error(400, "document_parsing_exception", "data stream timestamp field [@timestamp] is missing");
        var mappings = template?["template"]?["mappings"]?["properties"];
        if (mappings is not null && Misfit(mappings.AsObject(), source, "") is { } misfit)
            return Error(400, "document_parsing_exception", misfit);
        var docs = _indices.GetOrAdd(index, _ => new ConcurrentDictionary<string, JsonNode>());
        if (op == "create" && docs.ContainsKey(id))
            return Error(409, "version_conflict_engine_exception", $"[{id}]: version conflict, document already exists");
        if (meta["version"] is { } given)
        {
            if (meta["version_type"]?.GetValue<string>() != "external_gte")
                return Error(400, "action_request_validation_exception", "only external_gte versioning is modelled here");
            var version = given.GetValue<long>();
            if (_versions.TryGetValue((index, id), out var stored) && version < stored)
                return Error(409, "version_conflict_engine_exception", $"[{id}]: version conflict, current version [{stored}] is higher than the one provided [{version}]");
            _versions[(index, id)] = version;
        }
        var created = docs.TryAdd(id, source);
        if (!created)
            docs[id] = source;
        return new() { ["_index"] = index, ["_id"] = id, ["status"] = created ? 201 : 200, ["result"] = created ? "created" : "updated" };
    }

    /// <summary>The first value that does not fit its mapped type, described as Elasticsearch would.</summary>
    private static string? Misfit(JsonObject properties, JsonNode? value, string path)
    {
        if (value is not JsonObject obj)
            return null;
        foreach (var (name, mapping) in properties)
        {
            var field = obj[name];
            if (field is null)
                continue;
            if (mapping!["properties"] is JsonObject nested)
            {
                foreach (var element in field is JsonArray array ? array : new JsonArray(field.DeepClone()))
                {
                    if (Misfit(nested, element, path + name + ".") is { } inner)
                        return inner;
                }
                continue;
            }
            var type = mapping["type"]?.GetValue<string>();
            foreach (var element in field is JsonArray values ? values : new JsonArray(field.DeepClone()))
            {
                if (element is null)
                    continue;
                var ok = type switch
                {
                    "ip" => element.GetValueKind() == JsonValueKind.String && IsIp(element.GetValue<string>()),
                    "date" => element.GetValueKind() == JsonValueKind.String && DateTime.TryParse(element.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture, out _),
                    "long" or "integer" => element.GetValueKind() == JsonValueKind.Number,
                    "boolean" => element.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
                    _ => true,
                };
                if (!ok)
                    return $"failed to parse field [{path}{name}] of type [{type}] in document";
            }
        }
        return null;
    }

    private IEnumerable<(string Index, string Id, JsonNode Source)> Find(string indices, JsonNode? query) =>
        _indices.Where(i => indices.Split(',').Any(p => Matches(p, i.Key)))
            .SelectMany(i => i.Value.Select(d => (i.Key, d.Key, d.Value)))
            .Where(d => Match(query, d.Value));

    private static bool Match(JsonNode? query, JsonNode source)
    {
        if (query is null || query["match_all"] is not null)
            return true;
        if (query["term"] is JsonObject term)
        {
            var (field, expected) = term.Single();
            var want = expected is JsonObject o ? o["value"] : expected;
            return Values(source, field).Any(v => v?.ToJsonString() == want?.ToJsonString());
        }
        if (query["range"] is JsonObject range)
        {
            var (field, bounds) = range.Single();
            return Values(source, field).Any(v => v is not null && InRange(v, bounds!.AsObject()));
        }
        if (query["bool"]?["filter"] is JsonArray filter)
            return filter.All(f => Match(f, source));
        throw new BadHttpRequestException("unsupported query: " + query.ToJsonString());
    }

    private static bool InRange(JsonNode value, JsonObject bounds)
    {
        int Compare(JsonNode bound) => value.GetValueKind() == JsonValueKind.Number
            ? value.GetValue<double>().CompareTo(bound.GetValue<double>())
            : DateTime.Parse(value.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture).CompareTo(DateTime.Parse(bound.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        return (bounds["gte"] is not { } gte || Compare(gte) >= 0) && (bounds["gt"] is not { } gt || Compare(gt) > 0)
            && (bounds["lte"] is not { } lte || Compare(lte) <= 0) && (bounds["lt"] is not { } lt || Compare(lt) < 0);
    }

    private static IEnumerable<JsonNode?> Values(JsonNode source, string path)
    {
        IEnumerable<JsonNode?> current = [source];
        foreach (var part in path.Split('.'))
            current = current.SelectMany(n => n?[part] is JsonArray a ? a.AsEnumerable() : [n?[part]]);
        return current;
    }

    /// <summary>What Elasticsearch's ip type takes: a dotted quad or an IPv6 address (not .NET's looser "10.1").</summary>
    private static bool IsIp(string value) =>
        IPAddress.TryParse(value, out var ip) && (value.Contains(':', StringComparison.Ordinal) || (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && value.Split('.').Length == 4));

    private static bool Matches(string pattern, string index) =>
        pattern.EndsWith('*') ? index.StartsWith(pattern[..^1], StringComparison.Ordinal) : pattern == index;

    private static async Task<string> Body(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        return await reader.ReadToEndAsync();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
