using System.Globalization;

namespace Vinculo.Phones;

/// <summary>
/// What a phone field holds once the safe cleanups are done: its digits (any Unicode decimal digit, as ASCII),
/// whether a '+' leads them, and how the digits were grouped. The cleanups are the ones that cannot change which
/// number was meant: separators ("(11) 98765-4321", "11.98765.4321", full-width forms), invisible marks (U+200E
/// from WhatsApp exports, BOMs, control characters), a label before or after the number ("Tel:", "tel:",
/// "cel (whats)"), an extension ("ramal 22", "r. 22", "ext 22", "x22", "#22", ";ext=22"; an extension is of no
/// use to WhatsApp, so it is dropped) and the "xx" placeholder for a carrier code ("0xx11 …"). Anything else
/// between digits (a word, '/', ',', '+', an emoji) means the field may hold more than one number:
/// <see cref="Interrupted"/> is set and the caller refuses to pick one.
/// </summary>
internal readonly record struct PhoneText(int DigitCount, bool HasPlus, bool HasContent, bool Interrupted, ulong RunStarts)
{
    /// <summary>Digits kept; more than this is too long for any interpretation (15 for E.164 plus a 4-digit prefix).</summary>
    public const int MaxDigits = 24;

    private const int MaxExtensionDigits = 6;

    private enum Kind
    {
        Ignorable,
        Separator,
        Digit,
        Plus,
        Letter,
        Symbol,
    }

    /// <summary>Whether a new run of digits (after a separator) starts at digit <paramref name="index"/>.</summary>
    public bool RunStartsAt(int index) => index is > 0 and < 64 && (RunStarts & (1UL << index)) != 0;

    /// <param name="raw">The field as typed.</param>
    /// <param name="digits">Receives the first <see cref="MaxDigits"/> digits; <see cref="DigitCount"/> counts them all.</param>
    public static PhoneText Scan(ReadOnlySpan<char> raw, Span<char> digits)
    {
        var count = 0;
        var plus = false;
        var content = false;
        var interrupted = false;
        ulong runStarts = 0;
        var gap = false;
        var foreign = false;

        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            switch (KindOf(c))
            {
                case Kind.Ignorable:
                    continue;

                case Kind.Separator:
                    content |= !char.IsWhiteSpace(c);
                    gap = true;
                    continue;

                case Kind.Digit:
                    content = true;
                    interrupted |= foreign && count > 0;
                    if (gap && count is > 0 and < 64)
                    {
                        runStarts |= 1UL << count;
                    }

                    if (count < digits.Length)
                    {
                        digits[count] = (char)('0' + CharUnicodeInfo.GetDecimalDigitValue(c));
                    }

                    count++;
                    gap = false;
                    foreign = false;
                    continue;

                case Kind.Plus when count == 0:
                    content = true;
                    plus = true;
                    continue;

                case Kind.Letter:
                {
                    content = true;
                    var end = i + 1;
                    while (end < raw.Length && KindOf(raw[end]) == Kind.Letter)
                    {
                        end++;
                    }

                    var word = raw[i..end];
                    i = end - 1;
                    if (count == 0)
                    {
                        continue;
                    }

                    if (count == 1 && digits[0] == '0' && !foreign && word.Equals("xx", StringComparison.OrdinalIgnoreCase))
                    {
                        gap = true;
                        continue;
                    }

                    if (IsExtensionMarker(word) && ExtensionFollows(raw[end..]))
                    {
                        return new PhoneText(count, plus, content, interrupted, runStarts);
                    }

                    gap = true;
                    foreign = true;
                    continue;
                }

                default:
                    content = true;
                    if (count > 0 && c == '#' && ExtensionFollows(raw[(i + 1)..]))
                    {
                        return new PhoneText(count, plus, content, interrupted, runStarts);
                    }

                    // Labels and decorations before the number ("Tel:", an emoji, an Excel apostrophe) are harmless.
                    if (count > 0)
                    {
                        gap = true;
                        foreign = true;
                    }

                    continue;
            }
        }

        return new PhoneText(count, plus, content, interrupted, runStarts);
    }

    private static Kind KindOf(char c)
    {
        if (char.IsAscii(c))
        {
            return c switch
            {
                >= '0' and <= '9' => Kind.Digit,
                '+' => Kind.Plus,
                ' ' or '\t' or '\n' or '\r' or '\v' or '\f' or '-' or '.' or '(' or ')' or '[' or ']' or '{' or '}' => Kind.Separator,
                < ' ' or '\x7f' => Kind.Ignorable,
                _ when char.IsAsciiLetter(c) => Kind.Letter,
                _ => Kind.Symbol,
            };
        }

        if (c == '\uFF0B')
        {
            return Kind.Plus;
        }

        if (char.IsDigit(c))
        {
            return Kind.Digit;
        }

        if (char.IsWhiteSpace(c) || c is '\u2212' or '\uFF0E' or '\u3002')
        {
            return Kind.Separator;
        }

        return CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.DashPunctuation or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation => Kind.Separator,
            UnicodeCategory.Format or UnicodeCategory.Control => Kind.Ignorable,
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter or
                UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter or UnicodeCategory.NonSpacingMark or
                UnicodeCategory.SpacingCombiningMark => Kind.Letter,
            _ => Kind.Symbol,
        };
    }

    private static bool IsExtensionMarker(ReadOnlySpan<char> word) =>
        word.Equals("ramal", StringComparison.OrdinalIgnoreCase) ||
        word.Equals("ram", StringComparison.OrdinalIgnoreCase) ||
        word.Equals("r", StringComparison.OrdinalIgnoreCase) ||
        word.Equals("ext", StringComparison.OrdinalIgnoreCase) ||
        word.Equals("extensao", StringComparison.OrdinalIgnoreCase) ||
        word.Equals("extensão", StringComparison.OrdinalIgnoreCase) ||
        word.Equals("x", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether what follows an extension marker is an extension: at most a few digits in one run, and no digit
    /// after them. "11 3456-7890 ramal 22" has one; "11 98765-4321 x 11 3456-7890" does not.
    /// </summary>
    private static bool ExtensionFollows(ReadOnlySpan<char> rest)
    {
        var i = 0;
        while (i < rest.Length && (KindOf(rest[i]) is Kind.Separator or Kind.Ignorable || rest[i] is ':' or '=' or '#'))
        {
            i++;
        }

        var extensionDigits = 0;
        while (i < rest.Length && KindOf(rest[i]) == Kind.Digit)
        {
            extensionDigits++;
            i++;
        }

        for (; i < rest.Length; i++)
        {
            if (KindOf(rest[i]) == Kind.Digit)
            {
                return false;
            }
        }

        return extensionDigits <= MaxExtensionDigits;
    }
}
