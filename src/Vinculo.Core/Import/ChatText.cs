using System.Buffers;

namespace Vinculo.Import;

/// <summary>The characters of an export that carry no text: direction marks, BOMs and the several spaces WhatsApp writes.</summary>
internal static class ChatText
{
    /// <summary>
    /// iPhone exports put U+200E before each line's '[' and before placeholders and system texts; names and numbers may
    /// come wrapped in U+202A…U+202C or U+2066…U+2069; a BOM may open the file or, after a concatenation, any line.
    /// </summary>
    private const string MarkCharacters = "\u061C\u200B\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2060\u2066\u2067\u2068\u2069\uFEFF";

    /// <summary>
    /// Plain, no-break, narrow no-break (before AM/PM in recent exports, and inside numbers), the typographic spaces
    /// U+2000…U+200A (figure, thin, hair …), the medium mathematical and the ideographic space.
    /// </summary>
    private const string SpaceCharacters = " \t\u00A0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u202F\u205F\u3000";

    /// <summary>The hyphen-minus and the dashes phones write inside numbers: U+2010…U+2015 (iPhones write the non-breaking U+2011), minus, small and full-width hyphen-minus.</summary>
    private const string DashCharacters = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uFE58\uFE63\uFF0D";

    private static readonly SearchValues<char> Spaces = SearchValues.Create(SpaceCharacters);

    private static readonly SearchValues<char> Dashes = SearchValues.Create(DashCharacters);

    public static readonly SearchValues<char> Marks = SearchValues.Create(MarkCharacters);

    private static readonly SearchValues<char> Padding = SearchValues.Create(MarkCharacters + SpaceCharacters);

    /// <summary>iPhone shows a group member who is not a saved contact as "~ Name" (with U+202F after the tilde).</summary>
    private static readonly SearchValues<char> SenderPadding = SearchValues.Create(MarkCharacters + SpaceCharacters + "~");

    public static bool IsMark(char c) => Marks.Contains(c);

    public static bool IsSpace(char c) => Spaces.Contains(c);

    public static bool IsDash(char c) => Dashes.Contains(c);

    public static bool IsBlank(ReadOnlySpan<char> line) => line.IndexOfAnyExcept(Padding) < 0;

    public static ReadOnlySpan<char> Trim(ReadOnlySpan<char> text)
    {
        var start = text.IndexOfAnyExcept(Padding);
        return start < 0 ? [] : text[start..(text.LastIndexOfAnyExcept(Padding) + 1)];
    }

    public static ReadOnlySpan<char> TrimSender(ReadOnlySpan<char> sender)
    {
        var start = sender.IndexOfAnyExcept(SenderPadding);
        return start < 0 ? [] : sender[start..(sender.LastIndexOfAnyExcept(SenderPadding) + 1)];
    }

    /// <summary>The text without direction marks; the same instance when it has none (the usual case).</summary>
    public static string WithoutMarks(string text)
    {
        if (text.AsSpan().IndexOfAny(Marks) < 0)
        {
            return text;
        }

        return string.Create(text.Length - Count(text), text, static (destination, source) =>
        {
            var length = 0;
            foreach (var c in source)
            {
                if (!IsMark(c))
                {
                    destination[length++] = c;
                }
            }
        });
    }

    /// <summary>Whether the text is written like a phone number ("+55 11 98765-4321", "(11) 98765-4321"), before any check of the number itself.</summary>
    public static bool LooksLikePhone(ReadOnlySpan<char> text)
    {
        var digits = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                digits++;
            }
            else if (!(c is '(' or ')' or '.' || IsDash(c) || IsSpace(c) || IsMark(c) || (c == '+' && digits == 0)))
            {
                return false;
            }
        }

        return digits >= 7;
    }

    /// <summary>The text with its marks dropped and every kind of space written as a plain one ("com\u00A0+55" reads "com +55").</summary>
    public static string Plain(ReadOnlySpan<char> text)
    {
        var plain = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (!IsMark(c))
            {
                plain.Append(IsSpace(c) ? ' ' : c);
            }
        }

        return plain.ToString();
    }

    private static int Count(string text)
    {
        var count = 0;
        foreach (var c in text)
        {
            if (IsMark(c))
            {
                count++;
            }
        }

        return count;
    }
}
