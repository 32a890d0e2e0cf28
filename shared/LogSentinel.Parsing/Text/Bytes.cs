namespace LogSentinel.Parsing.Text;

/// <summary>Small span operations the message parsers share. ASCII only: log keywords are ASCII.</summary>
internal static class Bytes
{
    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    /// <summary>Parses a non-negative decimal of at most 9 digits covering the whole span.</summary>
    public static bool TryParseInt(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 9)
            return false;
        foreach (var b in s)
        {
            if (!IsDigit(b))
                return false;
            value = value * 10 + (b - '0');
        }
        return true;
    }

    /// <summary>Reads leading decimal digits; returns how many were read (0 when none or too many).</summary>
    public static int ReadInt(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        var i = 0;
        while (i < s.Length && IsDigit(s[i]))
        {
            if (i == 9)
                return 0;
            value = value * 10 + (s[i] - '0');
            i++;
        }
        return i;
    }

    /// <summary>The span up to the first space (or all of it).</summary>
    public static ReadOnlySpan<byte> Token(ReadOnlySpan<byte> s)
    {
        var i = s.IndexOf((byte)' ');
        return i < 0 ? s : s[..i];
    }

    public static ReadOnlySpan<byte> TrimStartSpaces(ReadOnlySpan<byte> s)
    {
        var i = 0;
        while (i < s.Length && s[i] == ' ')
            i++;
        return s[i..];
    }

    public static ReadOnlySpan<byte> TrimEndSpaces(ReadOnlySpan<byte> s)
    {
        var n = s.Length;
        while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        return s[..n];
    }

    /// <summary>If <paramref name="s"/> starts with <paramref name="prefix"/>, drops it.</summary>
    public static bool TrySkip(ref ReadOnlySpan<byte> s, ReadOnlySpan<byte> prefix)
    {
        if (!s.StartsWith(prefix))
            return false;
        s = s[prefix.Length..];
        return true;
    }

    /// <summary>Drops a trailing " [preauth]" marker; says whether it was there.</summary>
    public static bool TrimPreauth(ref ReadOnlySpan<byte> s)
    {
        s = TrimEndSpaces(s);
        if (!s.EndsWith(" [preauth]"u8))
            return false;
        s = s[..^" [preauth]"u8.Length];
        return true;
    }
}
