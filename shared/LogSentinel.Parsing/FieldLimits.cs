namespace LogSentinel.Parsing;

/// <summary>
/// Upper bounds, in UTF-8 bytes, of the text a log line can put into an event. Everything after the
/// timestamp may be written by an attacker; nothing they write can make an event unbounded.
/// </summary>
public static class FieldLimits
{
    public const int Line = 64 * 1024;
    public const int Address = 255;
    public const int UserName = 256;
    public const int Reason = 256;
    public const int Command = 1024;
    public const int Rule = 64;
    public const int Program = 64;
    public const int Host = 255;
    public const int Original = 8 * 1024;
}
