using LogSentinel.Contracts;

namespace LogSentinel.AiAnalyzer.Aggregation;

/// <summary>
/// The "status" of a window's group: what the events of an (ip, username, service) stood for. Only authentication
/// attempts (<see cref="EventFields.Attempt"/>) are "failed" or "success", so a window counts attempts, not lines.
/// An authentication event that is not an attempt restates or accompanies one already counted (PAM's line for sshd's,
/// the close of a connection whose passwords were counted, a key an agent offered before the right one): it has no
/// status and joins no group — except a connection's end that names no account (a health check's or a scanner's
/// close, a LoginGraceTime timeout: a probe) and a refusal or lockout (rejected). Everything else is named for what it
/// is, never a failed login whatever its outcome: "probe" (a connection that never got to authenticate: scans, bad
/// banners, failed key exchanges, mail clients leaving before AUTH), "rejected" (the server refused the client, its
/// command or the account: tcp_wrappers, postfix rejects and rate limits, sudo's "not allowed", an account locked by
/// PAM), fail2ban's "found", "banned" and "unbanned", and "seen" for the rest (a sudo command run, an attempt whose
/// outcome the log does not give).
/// </summary>
public static class AttemptStatus
{
    public const string Failed = "failed";
    public const string Success = "success";
    public const string Probe = "probe";
    public const string Rejected = "rejected";
    public const string Found = "found";
    public const string Banned = "banned";
    public const string Unbanned = "unbanned";
    public const string Seen = "seen";

    /// <summary>The event's status; null for an authentication event that accompanies an attempt counted already.</summary>
    /// <remarks>Per event: the ECS category and type lists are walked by index, no enumerator is allocated.</remarks>
    public static string? Of(SecurityEvent e)
    {
        var fields = e.Event;
        if (fields.Attempt)
        {
            return fields.Outcome switch
            {
                EventOutcomes.Failure => Failed,
                EventOutcomes.Success => Success,
                _ => Seen,
            };
        }
        if (Has(fields.Category, "authentication"))
        {
            if (Has(fields.Type, "denied") || Has(fields.Category, "iam"))
                return Rejected;
            return Has(fields.Type, "end") && e.User is null ? Probe : null;
        }
        return fields.Action switch
        {
            EventActions.Fail2banFound => Found,
            EventActions.Fail2banBan => Banned,
            EventActions.Fail2banUnban => Unbanned,
            // The ECS classification rather than a list of actions: a new scan or reject action is what it says it is.
            _ when Has(fields.Type, "denied") => Rejected,
            _ when Has(fields.Category, "network") => Probe,
            _ => Seen,
        };
    }

    /// <summary>Whether a group of this status counts authentication attempts (the others count events).</summary>
    public static bool IsAttempt(string status) => status is Failed or Success;

    private static bool Has(IReadOnlyList<string>? values, string value)
    {
        if (values is null)
            return false;
        for (var i = 0; i < values.Count; i++)
        {
            if (string.Equals(values[i], value, StringComparison.Ordinal))
                return true;
        }
        return false;
    }
}
