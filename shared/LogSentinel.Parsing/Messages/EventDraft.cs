using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Messages;

/// <summary>What a message parser found on a line, before it becomes a <see cref="Contracts.SecurityEvent"/>.</summary>
internal struct EventDraft
{
    public string Action;
    public string Outcome;
    public TextRef Address;
    public int Port;
    public TextRef User;
    public TextRef TargetUser;
    public TextRef Reason;
    public TextRef Command;
    public TextRef Rule;
    public string? Protocol;
    /// <summary>How many events the line stands for ("3 incorrect password attempts").</summary>
    public int Count;
    /// <summary>sshd left the address out: take it from the connection's other lines.</summary>
    public bool NeedsConnectionAddress;

    public static EventDraft Create(string action, string outcome) => new()
    {
        Action = action,
        Outcome = outcome,
        Address = TextRef.None,
        Port = -1,
        User = TextRef.None,
        TargetUser = TextRef.None,
        Reason = TextRef.None,
        Command = TextRef.None,
        Rule = TextRef.None,
        Count = 1,
    };
}
