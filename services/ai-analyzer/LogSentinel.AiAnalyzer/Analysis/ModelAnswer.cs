using LogSentinel.ServiceDefaults;
using System.Text.Json;
using LogSentinel.Contracts;

namespace LogSentinel.AiAnalyzer.Analysis;

/// <summary>The model's answer after validation: anything that does not fit the schema counts as a failed call.</summary>
public sealed record ModelAnswer(string Summary, int RiskScore, IReadOnlyList<Finding> Findings)
{
    public const int MaxFindings = 20;
    public const int MaxSummary = 2000;
    public const int MaxRecommendation = 1000;
    public const int MaxType = 64;

    /// <summary>Reads and checks the model's message content.</summary>
    /// <exception cref="InvalidModelAnswerException">Not JSON, or not the schema's shape and bounds.</exception>
    public static ModelAnswer Parse(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
            throw new InvalidModelAnswerException("empty answer");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(content);
        }
        catch (JsonException e)
        {
            throw new InvalidModelAnswerException("not JSON: " + e.Message);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw new InvalidModelAnswerException("not a JSON object");
            OnlyProperties(root, "answer", "summary", "risk_score", "findings");
            var summary = RequiredString(root, "summary", MaxSummary);
            if (!root.TryGetProperty("risk_score", out var score) || score.ValueKind != JsonValueKind.Number || !score.TryGetInt32(out var risk) || risk is < 0 or > 10)
                throw new InvalidModelAnswerException("risk_score is not an integer 0-10");
            if (!root.TryGetProperty("findings", out var list) || list.ValueKind != JsonValueKind.Array)
                throw new InvalidModelAnswerException("findings is not an array");
            var findings = new List<Finding>();
            foreach (var item in list.EnumerateArray().Take(MaxFindings))
            {
                if (item.ValueKind != JsonValueKind.Object)
                    throw new InvalidModelAnswerException("a finding is not an object");
                OnlyProperties(item, "finding", "type", "ip", "username", "severity", "recommendation");
                var severity = RequiredString(item, "severity", 16);
                if (!AlertSeverities.All.Contains(severity))
                    throw new InvalidModelAnswerException($"finding severity '{severity}' is not low, medium, high or critical");
                findings.Add(new Finding
                {
                    Type = RequiredString(item, "type", MaxType),
                    Ip = OptionalString(item, "ip"),
                    Username = OptionalString(item, "username"),
                    Severity = severity,
                    Recommendation = RequiredString(item, "recommendation", MaxRecommendation),
                });
            }
            return new ModelAnswer(summary, risk, findings);
        }
    }

    private static void OnlyProperties(JsonElement element, string what, params string[] names)
    {
        foreach (var property in element.EnumerateObject())
        {
            if (!names.Contains(property.Name))
                throw new InvalidModelAnswerException($"{what} has a property the schema does not: {FieldText.Clean(property.Name, 40)}");
        }
    }

    private static string RequiredString(JsonElement element, string name, int maxLength)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
            throw new InvalidModelAnswerException($"{name} is missing or not a string");
        var text = FieldText.Clean(value.GetString(), maxLength)!.Trim();
        return text.Length > 0 ? text : throw new InvalidModelAnswerException($"{name} is empty");
    }

    private static string? OptionalString(JsonElement element, string name)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind != JsonValueKind.String)
            throw new InvalidModelAnswerException($"{name} is not a string or null");
        var text = FieldText.Clean(value.GetString(), 128)!.Trim();
        return text.Length > 0 ? text : null;
    }
}

public sealed class InvalidModelAnswerException(string message) : Exception("invalid model answer: " + message);
