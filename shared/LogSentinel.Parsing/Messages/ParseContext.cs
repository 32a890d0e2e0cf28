using LogSentinel.Parsing.Text;

namespace LogSentinel.Parsing.Messages;

/// <summary>Where message parsers put what they find on the current line.</summary>
internal sealed class ParseContext
{
    private readonly SshSessions? _ssh;

    /// <param name="ssh">The stream's sshd connections; null when recognising lines ahead of the stream's state
    /// (parallel scanning): a line that needs them is then flagged with <see cref="NeedsState"/>.</param>
    public ParseContext(SshSessions? ssh) => _ssh = ssh;

    /// <summary>Recognising the line needed the stream's state, which was not at hand.</summary>
    public bool NeedsState { get; private set; }

    public DraftBuffer Drafts { get; } = new();

    /// <summary>The address earlier lines of this sshd connection named, if any.</summary>
    public string? KnownConnectionAddress(in MessageInput input)
    {
        if (_ssh is null)
        {
            NeedsState = true;
            return null;
        }
        return input.Pid >= 0 ? _ssh.AddressOf(input.Host, input.Pid, input.Time) : null;
    }

    /// <summary>The remote address this sshd line names for its connection (None when it names none).</summary>
    public TextRef ConnectionAddress { get; private set; } = TextRef.None;

    /// <summary>The line opens a new connection ("Connection from ..."): earlier facts of that pid are void.</summary>
    public bool ConnectionStarts { get; private set; }

    public void Clear()
    {
        Drafts.Clear();
        ConnectionAddress = TextRef.None;
        ConnectionStarts = false;
        NeedsState = false;
    }

    public void SetConnectionAddress(TextRef address, bool starts = false)
    {
        ConnectionAddress = address;
        ConnectionStarts |= starts;
    }
}
