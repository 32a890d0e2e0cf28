using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace LogSentinel.Parsing.Text;

/// <summary>
/// A piece of text an event field takes its value from: a range of the line being parsed, or a string already
/// made (an address remembered from an earlier line). Ranges let message parsers work on spans and
/// allocate nothing for lines that yield no event.
/// </summary>
internal readonly struct TextRef
{
    public readonly int Start;
    public readonly int Length;
    public readonly string? Value;

    private TextRef(int start, int length, string? value)
    {
        Start = start;
        Length = length;
        Value = value;
    }

    public bool IsEmpty => Value is null && Length < 0;

    public static TextRef None => new(0, -1, null);

    public static TextRef FromString(string value) => new(0, value.Length, value);

    /// <summary>A range of <paramref name="text"/>; <paramref name="slice"/> must be a slice of it.</summary>
    public static TextRef Of(ReadOnlySpan<byte> text, ReadOnlySpan<byte> slice)
    {
        var start = (int)Unsafe.ByteOffset(ref MemoryMarshal.GetReference(text), ref MemoryMarshal.GetReference(slice));
        return new TextRef(start, slice.Length, null);
    }

    public ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> text) => Value is null && Length >= 0 ? text.Slice(Start, Length) : default;
}
