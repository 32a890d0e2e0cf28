namespace LogSentinel.Parsing.Framing;

/// <summary>
/// The envelope of one log line: when, which host, which program, and the message. Host, Program and Message
/// are slices of the text the message parsers read (the line itself, or a journal entry's decoded MESSAGE).
/// </summary>
internal ref struct LineFrame
{
    public bool HasTime;
    /// <summary>The timestamp as written, when <see cref="HasTime"/>; the syslog framer leaves it unresolved.</summary>
    public RawTime Raw;
    /// <summary>Set by framers that read an absolute time (journal entries), when <see cref="HasTime"/>.</summary>
    public DateTime Utc;
    public ReadOnlySpan<byte> Host;
    public ReadOnlySpan<byte> Program;
    /// <summary>The whole tag token (without the colon): dovecot puts user and address in it.</summary>
    public ReadOnlySpan<byte> Tag;
    public int Pid;
    public ReadOnlySpan<byte> Message;
}
