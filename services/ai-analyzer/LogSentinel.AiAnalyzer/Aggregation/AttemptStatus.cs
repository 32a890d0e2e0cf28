using LogSentinel.Contracts;

namespace LogSentinel.AiAnalyzer.Aggregation;

/// <summary>The "status" of the seed's aggregate: failed or success, or what a fail2ban line reports.</summary>
public static class AttemptStatus
{
    public const string Failed = "failed";
    public const string Success = "success";

    public static string Of(SecurityEvent e) => e.Event.Outcome switch
    {
        EventOutcomes.Failure => Failed,
        EventOutcomes.Success => Success,
        _ => e.Event.Action switch
        {
            EventActions.Fail2banBan => "banned",
            EventActions.Fail2banUnban => "unbanned",
            EventActions.Fail2banFound => "found",
            _ => "seen",
        },
    };
}
