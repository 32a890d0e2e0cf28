using System.Security.Cryptography;
using System.Text;

namespace LogSentinel.Detector.Evaluation;

/// <summary>
/// Same rule, same offender, same window (its start, and the event that opened it): same alert id, in every
/// replica and on every redelivery. The first event's id tells apart two windows opening in the same second (a
/// rule without cooldown). 128 bits of SHA-256, so ids never collide across a fleet's lifetime.
/// </summary>
public static class AlertIds
{
    public static string For(string ruleId, string offender, DateTime windowStart, string firstEventId)
    {
        var text = $"{ruleId}\n{offender}\n{windowStart.Ticks}\n{firstEventId}";
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return Convert.ToHexStringLower(hash[..16]);
    }
}
