using System.Globalization;
using System.Text;

namespace Vinculo.Consent;

/// <summary>
/// The form in which an inbound message is compared with keywords (SPEC section 4): lower-case, without accents,
/// punctuation, symbols or emoji, and its words separated by single spaces ("  SAIR!!! 🙏" becomes "sair",
/// "Não quero mais." becomes "nao quero mais").
/// </summary>
/// <remarks>
/// Compatibility decomposition (NFKD) rather than NFD, so that what phones and "fancy font" keyboards produce reads as
/// the plain letters it shows: full-width "ＳＡＩＲ", mathematical bold "𝐒𝐀𝐈𝐑", ligatures, "ª"/"º". Everything that is
/// neither a letter nor a digit separates words, except invisible format characters (U+200E from WhatsApp exports,
/// zero-width joiners, soft hyphens), which are dropped so that they cannot split a word in two. The result is
/// idempotent: normalising it again changes nothing.
/// </remarks>
public static class InboundText
{
    public static string Normalize(string? text) => string.Join(' ', Words(text).Select(word => word.Text));

    internal static List<InboundWord> Words(string? text)
    {
        var words = new List<InboundWord>();
        if (string.IsNullOrEmpty(text))
        {
            return words;
        }

        var word = new StringBuilder();
        Span<char> buffer = stackalloc char[2];
        var accentOnLastLetter = false;
        foreach (var rune in Normalizable(text).Normalize(NormalizationForm.FormKD).EnumerateRunes())
        {
            switch (Rune.GetUnicodeCategory(rune))
            {
                case UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark:
                    // "saí" (I left) and "sai" (leave!) differ only here: the classifier needs to know.
                    accentOnLastLetter |= word.Length > 0;
                    break;

                case UnicodeCategory.Format:
                    break;

                case UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or
                    UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.DecimalDigitNumber or
                    UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber:
                    var length = Rune.ToLowerInvariant(rune).EncodeToUtf16(buffer);
                    word.Append(buffer[..length]);
                    accentOnLastLetter = false;
                    break;

                default:
                    Flush();
                    break;
            }
        }

        Flush();
        return words;

        void Flush()
        {
            if (word.Length > 0)
            {
                words.Add(new InboundWord(word.ToString(), accentOnLastLetter));
                word.Clear();
            }

            accentOnLastLetter = false;
        }
    }

    /// <summary>
    /// string.Normalize throws on an unpaired surrogate and on U+FFFE (a byte-order mark read backwards); both are
    /// garbage from a broken client, as good as a space.
    /// </summary>
    private static string Normalizable(string text)
    {
        StringBuilder? repaired = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var paired = char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            if (paired)
            {
                repaired?.Append(c).Append(text[i + 1]);
                i++;
                continue;
            }

            if (char.IsSurrogate(c) || c == '\uFFFE')
            {
                repaired ??= new StringBuilder(text, 0, i, text.Length);
                repaired.Append(' ');
                continue;
            }

            repaired?.Append(c);
        }

        return repaired?.ToString() ?? text;
    }
}

/// <param name="Text">The word as <see cref="InboundText.Normalize"/> writes it.</param>
/// <param name="AccentOnLastLetter">Whether its last letter carried a mark that was removed ("saí", "pará").</param>
internal readonly record struct InboundWord(string Text, bool AccentOnLastLetter);
