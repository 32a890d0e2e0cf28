namespace LogSentinel.Parsing.Messages;

/// <summary>
/// What a message parser reads. <see cref="Text"/> is the buffer every <see cref="Text.TextRef"/> points into;
/// Message and Tag are slices of it.
/// </summary>
internal readonly ref struct MessageInput
{
    public readonly ReadOnlySpan<byte> Text;
    public readonly ReadOnlySpan<byte> Message;
    public readonly ReadOnlySpan<byte> Tag;
    public readonly string Host;
    public readonly int Pid;
    public readonly DateTime Time;

    public MessageInput(ReadOnlySpan<byte> text, ReadOnlySpan<byte> message, ReadOnlySpan<byte> tag, string host, int pid, DateTime time)
    {
        Text = text;
        Message = message;
        Tag = tag;
        Host = host;
        Pid = pid;
        Time = time;
    }

    public Text.TextRef Ref(ReadOnlySpan<byte> slice) => Parsing.Text.TextRef.Of(Text, slice);

    public MessageInput WithMessage(ReadOnlySpan<byte> message) => new(Text, message, Tag, Host, Pid, Time);
}
