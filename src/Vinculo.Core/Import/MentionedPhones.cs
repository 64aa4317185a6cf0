using Vinculo.Phones;

namespace Vinculo.Import;

/// <summary>
/// Phone numbers written inside a message ("o número dele é (11) 91234-5678"), as E.164 candidates: only numbers the
/// classifier finds valid (or repairs) as WhatsApp-capable are kept, so prices, dates, CEPs, order numbers and CPFs,
/// which are not, fall away.
/// </summary>
internal static class MentionedPhones
{
    // From a number without DDD (8 digits) to "0 21 11 98765-4321" and "+55 11 98765-4321" with room to spare.
    private const int MinDigits = 8;
    private const int MaxDigits = 17;

    /// <summary>Runs of space-separated groups longer than this are read in part: only a damaged text has them.</summary>
    private const int MaxGroups = 32;

    /// <summary>Bounds the classifier's work on a hostile message (a 65,536-character row of digits and spaces).</summary>
    private const int MaxCandidatesPerMessage = 64;

    public static IReadOnlyList<string> Find(ReadOnlySpan<char> text, PhoneClassifier phones)
    {
        List<string>? found = null;
        var budget = MaxCandidatesPerMessage;
        var i = 0;
        while (i < text.Length && budget > 0)
        {
            if (!StartsNumber(text[i]) || (i > 0 && char.IsLetterOrDigit(text[i - 1])))
            {
                i++;
                continue;
            }

            var end = i + 1;
            while (end < text.Length && (IsNumberChar(text[end]) || ChatText.IsSpace(text[end])))
            {
                end++;
            }

            // "11987654321abc" is a code of some kind, not a number someone wrote down.
            if (end == text.Length || !char.IsLetter(text[end]) || !char.IsAsciiDigit(text[end - 1]))
            {
                Read(text[i..end], phones, ref found, ref budget);
            }

            i = end;
        }

        return found is null ? [] : found;
    }

    /// <summary>
    /// A run such as "2 (11) 91234-5678" or "11 98765-4321 11 91234-5678" holds a number among other digits: its
    /// space-separated groups are tried from the left, longest stretch first, and each number found ends a stretch.
    /// </summary>
    private static void Read(ReadOnlySpan<char> run, PhoneClassifier phones, ref List<string>? found, ref int budget)
    {
        Span<int> starts = stackalloc int[MaxGroups];
        Span<int> ends = stackalloc int[MaxGroups];
        Span<int> digits = stackalloc int[MaxGroups];
        var groups = 0;
        var total = 0;
        for (var i = 0; i < run.Length && groups < MaxGroups;)
        {
            if (ChatText.IsSpace(run[i]))
            {
                i++;
                continue;
            }

            var start = i;
            var count = 0;
            for (; i < run.Length && !ChatText.IsSpace(run[i]); i++)
            {
                count += char.IsAsciiDigit(run[i]) ? 1 : 0;
            }

            (starts[groups], ends[groups], digits[groups]) = (start, i, count);
            groups++;
            total += count;
        }

        if (total < MinDigits)
        {
            return;
        }

        for (var first = 0; first < groups && budget > 0; first++)
        {
            if (!StartsNumber(run[starts[first]]))
            {
                continue;
            }

            var last = first;
            var sum = digits[first];
            while (last + 1 < groups && sum + digits[last + 1] <= MaxDigits)
            {
                sum += digits[++last];
            }

            for (; last >= first && budget > 0; sum -= digits[last--])
            {
                if (sum < MinDigits)
                {
                    break;
                }

                budget--;
                var result = phones.Classify(run[starts[first]..ends[last]].ToString());
                if (result.Status is PhoneStatuses.Valid or PhoneStatuses.Repaired)
                {
                    found ??= [];
                    if (!found.Contains(result.E164!))
                    {
                        found.Add(result.E164!);
                    }

                    first = last;
                    break;
                }
            }
        }
    }

    private static bool StartsNumber(char c) => char.IsAsciiDigit(c) || c is '+' or '(';

    /// <summary>Digits and what people and phones put between them: any dash, dots, brackets and invisible direction marks.</summary>
    private static bool IsNumberChar(char c) => char.IsAsciiDigit(c) || c is '+' or '.' or '(' or ')' || ChatText.IsDash(c) || ChatText.IsMark(c);
}
