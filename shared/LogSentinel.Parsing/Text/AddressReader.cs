namespace LogSentinel.Parsing.Text;

/// <summary>Reads "ADDR[ port N]" and the like where a message names its remote party.</summary>
internal static class AddressReader
{
    /// <summary>
    /// The address at the start of <paramref name="s"/>; tolerates a ':' glued to it ("from 1.2.3.4: 11: Bye").
    /// Empty when the token is neither an IP nor a host name.
    /// </summary>
    public static ReadOnlySpan<byte> Read(ReadOnlySpan<byte> s)
    {
        var n = Addresses.TokenLength(s);
        while (n > 0)
        {
            var token = s[..n];
            if (Addresses.IsAddress(token))
                return token;
            if (token[^1] != ':')
                break;
            n--;
        }
        return default;
    }

    /// <summary>Reads " port N" at the start of <paramref name="s"/>; returns bytes consumed (0 when absent).</summary>
    public static int ReadPort(ReadOnlySpan<byte> s, out int port)
    {
        port = -1;
        if (!s.StartsWith(" port "u8))
            return 0;
        var n = Bytes.ReadInt(s[6..], out var p);
        if (n == 0 || p > 65535)
            return 0;
        port = p;
        return 6 + n;
    }

    /// <summary>
    /// The tail "... ADDR[ port N]" of a message (after [preauth] was trimmed): the address is the last token,
    /// so whatever precedes it, such as a user name with spaces, stays out of it. Returns what precedes it.
    /// </summary>
    public static bool TryReadTail(ReadOnlySpan<byte> s, out ReadOnlySpan<byte> head, out ReadOnlySpan<byte> address, out int port)
    {
        port = -1;
        head = default;
        address = default;
        s = Bytes.TrimEndSpaces(s);
        var p = s.LastIndexOf(" port "u8);
        if (p >= 0 && Bytes.TryParseInt(s[(p + 6)..], out var parsed) && parsed <= 65535)
        {
            port = parsed;
            s = s[..p];
        }
        var sp = s.LastIndexOf((byte)' ');
        var token = s[(sp + 1)..];
        if (!Addresses.IsAddress(token))
            return false;
        address = token;
        head = sp < 0 ? default : s[..sp];
        return true;
    }
}
