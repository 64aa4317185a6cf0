using System.Buffers;

namespace Vinculo.Import;

/// <summary>The characters of an export that carry no text: direction marks, BOMs and the several spaces WhatsApp writes.</summary>
internal static class ChatText
{
    /// <summary>
    /// iPhone exports put U+200E before each line's '[' and before placeholders and system texts; names and numbers may
    /// come wrapped in U+202A…U+202C or U+2066…U+2069; a BOM may open the file or, after a concatenation, any line.
    /// </summary>
    private const string MarkCharacters = "\u200B\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069\uFEFF";

    /// <summary>Plain, no-break, narrow no-break (before AM/PM in recent exports), figure and thin spaces.</summary>
    private const string SpaceCharacters = " \t\u00A0\u202F\u2007\u2009";

    public static readonly SearchValues<char> Marks = SearchValues.Create(MarkCharacters);

    private static readonly SearchValues<char> Padding = SearchValues.Create(MarkCharacters + SpaceCharacters);

    /// <summary>iPhone shows a group member who is not a saved contact as "~ Name" (with U+202F after the tilde).</summary>
    private static readonly SearchValues<char> SenderPadding = SearchValues.Create(MarkCharacters + SpaceCharacters + "~");

    public static bool IsMark(char c) => Marks.Contains(c);

    public static bool IsSpace(char c) => c is ' ' or '\t' or '\u00A0' or '\u202F' or '\u2007' or '\u2009';

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
            else if (!(c is '-' or '(' or ')' or '.' || IsSpace(c) || IsMark(c) || (c == '+' && digits == 0)))
            {
                return false;
            }
        }

        return digits >= 7;
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
