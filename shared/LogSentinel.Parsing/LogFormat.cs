namespace LogSentinel.Parsing;

/// <summary>How lines are framed. Auto takes a line starting with '{' as a journal entry, anything else as syslog text.</summary>
public enum LogFormat
{
    Auto,
    Syslog,
    JournalJson,
}
