namespace LogSentinel.Parsing.Messages;

/// <summary>The envelope facts of the line an event is reported on, as strings that outlive the line buffer.</summary>
internal readonly record struct LineFacts(
    DateTime Time,
    string Host,
    string? Program,
    int Pid,
    long Offset,
    uint LineHash,
    string? Original);
