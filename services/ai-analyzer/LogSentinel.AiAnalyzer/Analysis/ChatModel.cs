using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;
using OpenAI.Chat;

namespace LogSentinel.AiAnalyzer.Analysis;

/// <summary>
/// One call to an OpenAI-compatible chat-completions endpoint through the official SDK, asking for the analysis
/// schema as structured output. The SDK's own retries are off: <see cref="ModelResilience"/> decides about retrying.
/// </summary>
public sealed class ChatModel
{
    private readonly ChatClient _client;
    private readonly ChatCompletionOptions _options;

    public ChatModel(ModelOptions options)
    {
        if (!options.IsConfigured)
            throw new InvalidOperationException("No model endpoint is configured");
        Name = options.Model!;
        // Local servers (Ollama, llama.cpp) want no key, but the SDK wants one to send.
        var key = new ApiKeyCredential(string.IsNullOrEmpty(options.ApiKey) ? "unused" : options.ApiKey);
        _client = new ChatClient(options.Model, key, new OpenAIClientOptions
        {
            Endpoint = options.Endpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = options.AttemptTimeout + TimeSpan.FromSeconds(5),
            UserAgentApplicationId = "logsentinel-ai-analyzer",
        });
        _options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("window_analysis", BinaryData.FromString(ModelPrompt.Schema), jsonSchemaIsStrict: true),
            Temperature = 0,
            MaxOutputTokenCount = options.MaxOutputTokens,
        };
    }

    public string Name { get; }

    public async Task<ModelReply> CompleteAsync(ModelPrompt prompt, CancellationToken cancellation)
    {
        ChatMessage[] messages = [new SystemChatMessage(ModelPrompt.System), new UserChatMessage(prompt.UserMessage)];
        ChatCompletion completion = await _client.CompleteChatAsync(messages, _options, cancellation).ConfigureAwait(false);
        var content = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
        return new ModelReply(content, completion.Usage?.InputTokenCount, completion.Usage?.OutputTokenCount);
    }
}

public sealed record ModelReply(string Content, int? InputTokens, int? OutputTokens);
