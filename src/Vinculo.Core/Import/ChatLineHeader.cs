namespace Vinculo.Import;

/// <summary>
/// The date and time that open every message and system line of an export, read before the file's date order is
/// known: "02/11/2026 10:14 - " (Android, pt-BR), "11/3/26, 9:12 PM - " (Android, en-US), "[07/11/2026, 13:05:40] "
/// (iPhone). Dates may use '/', '.' or '-', two- or four-digit years, or put the year first; clocks may be 24-hour or
/// 12-hour with "AM", "pm", "a.m." or "p. m." after a plain, no-break or narrow no-break space.
/// </summary>
/// <param name="Part1">The first number of the date as written: day, month or (when <paramref name="YearFirst"/>) year.</param>
/// <param name="Hour">On the 24-hour clock, whatever the file used.</param>
/// <param name="TextStart">Where the sender or system text starts in the line.</param>
internal readonly record struct ChatLineHeader(
    ChatLayout Layout, int Part1, int Part2, int Part3, bool YearFirst, bool TwelveHour, int Hour, int Minute, int Second, int TextStart)
{
    // WhatsApp did not exist before 2009; two-digit years are read in this century.
    private const int MinYear = 2000;
    private const int MaxYear = 2099;

    public bool ReadsDayFirst => !YearFirst && IsDate(Year, Part2, Part1);

    public bool ReadsMonthFirst => !YearFirst && IsDate(Year, Part1, Part2);

    private int Year => YearFirst ? Part1 : Part3 < 100 ? 2000 + Part3 : Part3;

    public bool TryGetLocalTime(ChatDateOrder order, out DateTime local)
    {
        var (month, day) = YearFirst ? (Part2, Part3) : order == ChatDateOrder.MonthDayYear ? (Part1, Part2) : (Part2, Part1);
        if (!IsDate(Year, month, day))
        {
            local = default;
            return false;
        }

        local = new DateTime(Year, month, day, Hour, Minute, Second, DateTimeKind.Unspecified);
        return true;
    }

    public static bool TryParse(ReadOnlySpan<char> line, out ChatLineHeader header)
    {
        header = default;
        var i = 0;
        while (i < line.Length && ChatText.IsMark(line[i]))
        {
            i++;
        }

        var bracketed = i < line.Length && line[i] == '[';
        if (bracketed)
        {
            i++;
        }

        if (!Number(line, ref i, 4, out var part1, out var digits1) || i >= line.Length || line[i] is not ('/' or '.' or '-'))
        {
            return false;
        }

        var separator = line[i++];
        if (!Number(line, ref i, 2, out var part2, out _) || i >= line.Length || line[i++] != separator ||
            !Number(line, ref i, 4, out var part3, out var digits3))
        {
            return false;
        }

        var yearFirst = digits1 == 4;
        if (yearFirst ? digits3 > 2 : digits1 > 2 || digits3 is not (2 or 4))
        {
            return false;
        }

        if (i < line.Length && line[i] == ',')
        {
            i++;
        }

        if (Spaces(line, ref i) == 0 || !Number(line, ref i, 2, out var hour, out _) || i >= line.Length || line[i++] != ':' ||
            !Number(line, ref i, 2, out var minute, out var minuteDigits) || minuteDigits != 2)
        {
            return false;
        }

        var second = 0;
        if (i < line.Length && line[i] == ':')
        {
            i++;
            if (!Number(line, ref i, 2, out second, out var secondDigits) || secondDigits != 2)
            {
                return false;
            }
        }

        var afterTime = i;
        Spaces(line, ref i);
        var meridiem = Meridiem(line, ref i);
        if (meridiem == 0)
        {
            i = afterTime;
        }

        if (minute > 59 || second > 59 || (meridiem == 0 ? hour > 23 : hour is < 1 or > 12))
        {
            return false;
        }

        if (bracketed)
        {
            if (i >= line.Length || line[i++] != ']')
            {
                return false;
            }

            if (i < line.Length && ChatText.IsSpace(line[i]))
            {
                i++;
            }
        }
        else
        {
            // Android: " - " between the time and the sender or system text (an en dash in a few locales).
            if (Spaces(line, ref i) == 0 || i >= line.Length || line[i++] is not ('-' or '–'))
            {
                return false;
            }

            if (i < line.Length && !ChatText.IsSpace(line[i++]))
            {
                return false;
            }
        }

        var hour24 = meridiem == 0 ? hour : hour % 12 + (meridiem == 'p' ? 12 : 0);
        header = new ChatLineHeader(
            bracketed ? ChatLayout.IPhone : ChatLayout.Android, part1, part2, part3, yearFirst, meridiem != 0, hour24, minute, second, i);
        return yearFirst ? IsDate(part1, part2, part3) : header.ReadsDayFirst || header.ReadsMonthFirst;
    }

    private static bool IsDate(int year, int month, int day) =>
        year is >= MinYear and <= MaxYear && month is >= 1 and <= 12 && day >= 1 && day <= DateTime.DaysInMonth(year, month);

    private static bool Number(ReadOnlySpan<char> line, ref int i, int maxDigits, out int value, out int digits)
    {
        value = 0;
        digits = 0;
        while (i < line.Length && char.IsAsciiDigit(line[i]))
        {
            if (++digits > maxDigits)
            {
                return false;
            }

            value = value * 10 + line[i++] - '0';
        }

        return digits > 0;
    }

    private static int Spaces(ReadOnlySpan<char> line, ref int i)
    {
        var start = i;
        while (i < line.Length && ChatText.IsSpace(line[i]))
        {
            i++;
        }

        return i - start;
    }

    /// <summary>'a' or 'p' for "AM", "am", "a.m.", "a. m." (and the same with p); 0 when there is none.</summary>
    private static char Meridiem(ReadOnlySpan<char> line, ref int i)
    {
        var j = i;
        if (j >= line.Length || char.ToLowerInvariant(line[j]) is not ('a' or 'p'))
        {
            return '\0';
        }

        var letter = char.ToLowerInvariant(line[j++]);
        if (j < line.Length && line[j] == '.')
        {
            j++;
            Spaces(line, ref j);
        }

        if (j >= line.Length || char.ToLowerInvariant(line[j++]) != 'm')
        {
            return '\0';
        }

        if (j < line.Length && line[j] == '.')
        {
            j++;
        }

        if (j < line.Length && !(ChatText.IsSpace(line[j]) || line[j] == ']'))
        {
            return '\0';
        }

        i = j;
        return letter;
    }
}
