namespace LogSentinel.Parsing.Framing;

/// <summary>A timestamp as written: fields, no year for RFC 3164, an offset only when the text has a zone.</summary>
internal struct RawTime
{
    public const int NoOffset = int.MinValue;

    public int Year;          // 0 when the text carries none
    public int Month;
    public int Day;
    public int Hour;
    public int Minute;
    public int Second;
    public long FractionTicks;
    public int OffsetMinutes; // NoOffset when local time
    public long UnixTicksUtc; // set (non-zero) for TAI64N, which is absolute
}
