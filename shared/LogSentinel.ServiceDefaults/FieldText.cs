using System.Globalization;
using System.Text;

namespace LogSentinel.ServiceDefaults;

/// <summary>
/// Makes a string from a log line (or from an AI model) safe to pass on to a model, a mail header or a page:
/// control characters, invisible formatting (bidirectional overrides, zero-width joiners, the tag characters that
/// can hide text from a reader but not from a model), private-use and unassigned code points removed, length
/// capped (in UTF-16 units) with an ellipsis. Escaping for the destination (HTML, JSON) is still the writer's job.
/// </summary>
public static class FieldText
{
    public static string? Clean(string? value, int maxLength)
    {
        if (value is null)
            return null;
        var text = new StringBuilder(Math.Min(value.Length, maxLength));
        var cut = false;
        foreach (var rune in value.EnumerateRunes())
        {
            // Lone surrogates come out as U+FFFD: not a character anyone wrote.
            if (rune == Rune.ReplacementChar || Rune.GetUnicodeCategory(rune) is UnicodeCategory.Control or UnicodeCategory.Format
                or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.Surrogate)
                continue;
            if (text.Length + rune.Utf16SequenceLength > maxLength)
            {
                cut = true;
                break;
            }
            text.Append(rune.ToString());
        }
        if (cut)
        {
            while (text.Length > maxLength - 1)
                text.Length -= char.IsLowSurrogate(text[^1]) && text.Length > 1 ? 2 : 1;
            text.Append('…');
        }
        return text.ToString();
    }
}
