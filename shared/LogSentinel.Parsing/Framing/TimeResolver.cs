namespace LogSentinel.Parsing.Framing;

/// <summary>
/// Turns written timestamps into UTC for one stream of lines. RFC 3164 stamps carry no year: the year is the
/// one supplied for the first line, or inferred from a reference time (the file's last write), and moves on
/// when the months turn over (December → January). Stamps without a zone are read in the configured time zone.
/// </summary>
internal sealed class TimeResolver
{
    private readonly TimeZoneInfo _zone;
    private readonly int? _firstYear;
    private readonly DateTime _reference;
    private int _year;
    private int _lastMonth;

    // Zone offsets change at most at hour boundaries: remember the last local hour's offset.
    private long _cachedHourTicks = -1;
    private long _cachedOffsetTicks;
    private int _cachedDayKey = -1;
    private long _cachedDayTicks;

    public TimeResolver(TimeZoneInfo zone, int? firstYear, DateTime referenceLocal)
    {
        _zone = zone;
        _firstYear = firstYear;
        _reference = referenceLocal;
    }

    /// <summary>
    /// True when <see cref="TryResolve"/> cannot fail for this stamp whatever the stream's state (the year it is
    /// given depends on the state; whether the date exists does not, 29 February included).
    /// </summary>
    public static bool IsCertainlyValid(in RawTime t)
    {
        if (t.UnixTicksUtc != 0)
            return true;
        if (t.Month is < 1 or > 12 || t.Day < 1 || t.Hour > 23 || t.Minute > 59 || t.Second > 60)
            return false;
        if (t.Year != 0)
            return t.Year is > 1 and < 9998 && t.Day <= DateTime.DaysInMonth(t.Year, t.Month);
        return t.Day <= (t.Month == 2 ? 29 : DateTime.DaysInMonth(2001, t.Month));
    }

    /// <summary>A stamp without a year: resolving it reads and may move the stream's year.</summary>
    public static bool UsesYearState(in RawTime t) => t.UnixTicksUtc == 0 && t.Year == 0;

    public bool TryResolve(in RawTime t, out DateTime utc)
    {
        utc = default;
        if (t.UnixTicksUtc != 0)
        {
            utc = new DateTime(t.UnixTicksUtc, DateTimeKind.Utc);
            return true;
        }
        if (t.Month is < 1 or > 12 || t.Day < 1 || t.Hour > 23 || t.Minute > 59 || t.Second > 60)
            return false;
        var year = t.Year != 0 ? t.Year : YearFor(t.Month, t.Day);
        if (year is < 1 or > 9998 || t.Day > DateTime.DaysInMonth(year, t.Month))
            return false;
        // A leap second is reported as the last second of its minute.
        var second = Math.Min(t.Second, 59);
        var local = DayTicks(year, t.Month, t.Day) + ((t.Hour * 60L + t.Minute) * 60 + second) * TimeSpan.TicksPerSecond + t.FractionTicks;
        long utcTicks;
        if (t.OffsetMinutes != RawTime.NoOffset)
            utcTicks = local - t.OffsetMinutes * TimeSpan.TicksPerMinute;
        else
            utcTicks = local - OffsetAt(local);
        if (utcTicks < DateTime.MinValue.Ticks || utcTicks > DateTime.MaxValue.Ticks)
            return false;
        utc = new DateTime(utcTicks, DateTimeKind.Utc);
        return true;
    }

    private long DayTicks(int year, int month, int day)
    {
        var key = (year << 9) | (month << 5) | day;
        if (key != _cachedDayKey)
        {
            _cachedDayKey = key;
            _cachedDayTicks = new DateTime(year, month, day).Ticks;
        }
        return _cachedDayTicks;
    }

    private long OffsetAt(long localTicks)
    {
        var hour = localTicks / TimeSpan.TicksPerHour;
        if (hour != _cachedHourTicks)
        {
            _cachedHourTicks = hour;
            var at = new DateTime(hour * TimeSpan.TicksPerHour, DateTimeKind.Unspecified);
            _cachedOffsetTicks = _zone.GetUtcOffset(at).Ticks;
        }
        return _cachedOffsetTicks;
    }

    private int YearFor(int month, int day)
    {
        if (_lastMonth == 0)
        {
            // First stamp: the supplied year, or the reference year unless that date would be in the future.
            _year = _firstYear ?? (month > _reference.Month || (month == _reference.Month && day > _reference.Day + 1)
                ? _reference.Year - 1
                : _reference.Year);
            _lastMonth = month;
        }
        else if (month < _lastMonth && _lastMonth - month >= 6)
        {
            _year++;
            _lastMonth = month;
        }
        else if (month > _lastMonth && month - _lastMonth >= 6)
        {
            // A late line from before the turn of the year: it belongs to the previous year.
            return LeapSafe(_year - 1, month, day);
        }
        else
        {
            _lastMonth = month;
        }
        if (_firstYear is null && _year > _reference.Year)
            _year = _reference.Year;
        return LeapSafe(_year, month, day);
    }

    /// <summary>29 February only exists in leap years: take the closest earlier one.</summary>
    private static int LeapSafe(int year, int month, int day)
    {
        if (month == 2 && day == 29)
        {
            while (year > 1 && !DateTime.IsLeapYear(year))
                year--;
        }
        return year;
    }
}
