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
    /// <summary>What the line says about authentication attempts; the <see cref="AttemptLedger"/> decides what counts.</summary>
    public AttemptKind Attempt;
    /// <summary>Which module of a back end wrote the line (a PAM module, a dovecot passdb): a hash, 0 when none.</summary>
    public int AttemptModule;
    /// <summary>How many of the line's <see cref="Count"/> events are attempts (the first ones), once decided.</summary>
    public int Attempts;
    /// <summary>Decided on an earlier line: <see cref="Count"/> already includes the line's repetitions and <see cref="Attempts"/> is final.</summary>
    public bool Decided;

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
