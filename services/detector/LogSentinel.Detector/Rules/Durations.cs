using System.Globalization;

namespace LogSentinel.Detector.Rules;

/// <summary>Rule durations: a number and a unit, possibly several ("30s", "10m", "24h", "7d", "1h30m", "500ms").</summary>
public static class Durations
{
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        var span = text.AsSpan().Trim();
        while (!span.IsEmpty)
        {
            var digits = 0;
            while (digits < span.Length && char.IsAsciiDigit(span[digits]))
                digits++;
            if (digits == 0 || !long.TryParse(span[..digits], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
                return false;
            span = span[digits..];
            var unit = 0;
            while (unit < span.Length && char.IsAsciiLetterLower(span[unit]))
                unit++;
            long unitTicks;
            switch (span[..unit])
            {
                case "ms": unitTicks = TimeSpan.TicksPerMillisecond; break;
                case "s": unitTicks = TimeSpan.TicksPerSecond; break;
                case "m": unitTicks = TimeSpan.TicksPerMinute; break;
                case "h": unitTicks = TimeSpan.TicksPerHour; break;
                case "d": unitTicks = TimeSpan.TicksPerDay; break;
                default: return false;
            }
            // "99999999999d" is not a duration a rule can use: refuse it rather than overflow.
            if (number > (TimeSpan.MaxValue.Ticks - duration.Ticks) / unitTicks)
                return false;
            duration += TimeSpan.FromTicks(number * unitTicks);
            span = span[unit..];
        }
        return true;
    }

    public static string Format(TimeSpan duration) =>
        duration.TotalDays >= 1 && duration.Ticks % TimeSpan.TicksPerDay == 0 ? $"{duration.TotalDays:0}d"
        : duration.Ticks % TimeSpan.TicksPerHour == 0 && duration.Ticks > 0 ? $"{duration.TotalHours:0}h"
        : duration.Ticks % TimeSpan.TicksPerMinute == 0 && duration.Ticks > 0 ? $"{duration.TotalMinutes:0}m"
        : duration.Ticks % TimeSpan.TicksPerSecond == 0 ? $"{duration.TotalSeconds:0}s"
        : $"{duration.TotalMilliseconds:0}ms";
}
