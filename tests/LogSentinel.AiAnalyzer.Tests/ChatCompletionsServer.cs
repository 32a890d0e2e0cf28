using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LogSentinel.AiAnalyzer.Tests;

/// <summary>
/// A real HTTP server (Kestrel on 127.0.0.1, a free port) speaking the chat-completions wire format
/// (POST {base}/chat/completions), whose answers a test scripts call by call. Records every request body.
/// </summary>
internal sealed class ChatCompletionsServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    public delegate Task Script(HttpContext context, string requestBody, int call);

    public ChatCompletionsServer(Script script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _app = builder.Build();
        _app.MapPost("/v1/chat/completions", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            Requests.Enqueue(body);
            await script(context, body, Requests.Count);
        });
    }

    public ConcurrentQueue<string> Requests { get; } = new();

    public int Calls => Requests.Count;

    public Uri Endpoint { get; private set; } = null!;

    public static async Task<ChatCompletionsServer> StartAsync(Script script)
    {
        var server = new ChatCompletionsServer(script);
        await server._app.StartAsync();
        var address = server._app.Services.GetService(typeof(IServer)) is IServer s ? s.Features.Get<IServerAddressesFeature>()!.Addresses.First() : throw new InvalidOperationException();
        server.Endpoint = new Uri(address + "/v1");
        return server;
    }

    /// <summary>A chat completion whose message content is <paramref name="content"/>, as the API returns it.</summary>
    public static Task Answer(HttpContext context, string content)
    {
        context.Response.ContentType = "application/json";
        var body = JsonSerializer.Serialize(new
        {
            id = "chatcmpl-test",
            @object = "chat.completion",
            created = 1771927200,
            model = "test-model",
            choices = new[] { new { index = 0, message = new { role = "assistant", content, refusal = (string?)null }, finish_reason = "stop", logprobs = (object?)null } },
            usage = new { prompt_tokens = 812, completion_tokens = 96, total_tokens = 908 },
        });
        return context.Response.WriteAsync(body);
    }

    public static Task Error(HttpContext context, int status, string? retryAfter = null)
    {
        context.Response.StatusCode = status;
        if (retryAfter is not null)
            context.Response.Headers.RetryAfter = retryAfter;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync("{\"error\":{\"message\":\"scripted " + status + "\",\"type\":\"server_error\",\"code\":null}}");
    }

    public static string Verdict(int risk, string summary = "Brute force against root from one address.", string findings = """[{"type":"ssh_brute_force","ip":"203.0.113.45","username":"root","severity":"high","recommendation":"Block 203.0.113.45."}]""") =>
        "{\"summary\":" + JsonSerializer.Serialize(summary) + ",\"risk_score\":" + risk + ",\"findings\":" + findings + "}";

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
