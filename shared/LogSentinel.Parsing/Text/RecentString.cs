namespace LogSentinel.Parsing.Text;

/// <summary>
/// The string for the last byte sequence asked for: a file names the same host (or program) line after line,
/// so comparing with the previous one spares hashing and the shared cache almost every time.
/// </summary>
internal sealed class RecentString(Utf8StringCache strings, int limit)
{
    private string? _value;
    private byte[] _bytes = new byte[64];
    private int _length;

    public string Get(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > limit)
            bytes = bytes[..limit];
        if (_value is not null && bytes.SequenceEqual(_bytes.AsSpan(0, _length)))
            return _value;
        _value = strings.Get(bytes);
        if (_bytes.Length < bytes.Length)
            _bytes = new byte[bytes.Length];
        bytes.CopyTo(_bytes);
        _length = bytes.Length;
        return _value;
    }
}
