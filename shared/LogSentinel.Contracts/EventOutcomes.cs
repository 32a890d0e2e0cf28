namespace LogSentinel.Contracts;

/// <summary>ECS event.outcome values.</summary>
public static class EventOutcomes
{
    public const string Failure = "failure";
    public const string Success = "success";
    public const string Unknown = "unknown";
}
