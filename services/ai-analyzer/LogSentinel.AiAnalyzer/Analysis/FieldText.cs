using System.Globalization;
using System.Text;

namespace LogSentinel.AiAnalyzer.Analysis;

/// <summary>
/// Makes a string from a log line (or from the model) safe to pass on: control and invisible formatting characters
/// (bidirectional overrides, zero-width joiners) removed, length capped with an ellipsis.
/// </summary>
public static class FieldText
{
    public static string? Clean(string? value, int maxLength)
    {
        if (value is null)
            return null;
        var text = new StringBuilder(Math.Min(value.Length, maxLength + 1));
        foreach (var c in value)
        {
            var category = char.GetUnicodeCategory(c);
            if (category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                continue;
            if (text.Length == maxLength)
            {
                text.Length = maxLength - 1;
                // Half a surrogate pair left by the cut is not valid text.
                if (text.Length > 0 && char.IsHighSurrogate(text[^1]))
                    text.Length--;
                text.Append('…');
                break;
            }
            text.Append(c);
        }
        return text.ToString();
    }
}
