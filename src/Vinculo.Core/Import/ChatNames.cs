using System.Globalization;
using System.Text;

namespace Vinculo.Import;

/// <summary>
/// How a name shown in a chat export is compared with another: the name in the file name with a sender, and a
/// saved-contact counterpart ("Maria Souza") with <c>contacts.name</c>. EXPECTED.md asks for exact names ignoring case
/// and accents; runs of spaces and the invisible marks WhatsApp adds are ignored too, nothing else is.
/// </summary>
public static class ChatNames
{
    /// <returns>The name lower-cased, without accents, marks or extra spaces: "maria souza" for " MARIA  Sóuza‎".</returns>
    public static string Fold(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "";
        }

        var decomposed = WithoutLoneSurrogates(name).Normalize(NormalizationForm.FormD);
        var folded = new StringBuilder(decomposed.Length);
        var space = false;
        foreach (var c in decomposed)
        {
            if (ChatText.IsMark(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                space = folded.Length > 0;
                continue;
            }

            if (space)
            {
                folded.Append(' ');
                space = false;
            }

            folded.Append(char.ToLowerInvariant(c));
        }

        return folded.ToString();
    }

    /// <summary>Unicode normalization refuses half of a surrogate pair, which a damaged file can hold.</summary>
    private static string WithoutLoneSurrogates(string text)
    {
        if (text.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0)
        {
            return text;
        }

        var clean = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                clean.Append(text[i]).Append(text[++i]);
            }
            else if (!char.IsSurrogate(text[i]))
            {
                clean.Append(text[i]);
            }
        }

        return clean.ToString();
    }
}
