using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Vinculo.Planning;

/// <summary>Whether a local day can carry messages, and if not, why.</summary>
public enum SendDayStatus
{
    /// <summary>A send day: one of the window's weekdays, not a national holiday, not blocked.</summary>
    Open,

    /// <summary>A weekday outside the window's days (Saturday and Sunday in the default window).</summary>
    ClosedWeekday,

    /// <summary>A Brazilian national holiday (<see cref="BrazilHolidays"/>).</summary>
    NationalHoliday,

    /// <summary>A date listed in <c>Messaging:BlockedDates</c>.</summary>
    BlockedDate,

    /// <summary>
    /// An open day on which no minute of the window exists in the contact's zone: a daylight-saving jump swallowed it
    /// (only possible abroad, with a window at night). Never returned by <see cref="SendWindow.CheckDay"/>.
    /// </summary>
    NoLocalTime,
}

/// <summary>When a message goes out, or why it cannot go out on the day asked.</summary>
/// <param name="Status"><see cref="SendDayStatus.Open"/> exactly when <paramref name="At"/> is set.</param>
/// <param name="At">The send instant in UTC (offset zero).</param>
/// <param name="LocalTime">The same instant on the contact's clock, for explanations.</param>
public readonly record struct SendSlot(SendDayStatus Status, DateTimeOffset? At, TimeOnly? LocalTime)
{
    /// <summary>Whether the day carries a message (<see cref="At"/> is set).</summary>
    [MemberNotNullWhen(true, nameof(At), nameof(LocalTime))]
    public bool IsScheduled => At.HasValue;
}

/// <summary>Where "now" stands against a message's send day (<see cref="SendWindow.CheckSendTime"/>).</summary>
public enum SendTimeStatus
{
    /// <summary>The send day's window is open on the contact's clock: the message may go.</summary>
    Open,

    /// <summary>The send day's window has not opened yet: the message waits until <see cref="SendTimeCheck.OpensAt"/>.</summary>
    NotYetOpen,

    /// <summary>The send day's window has closed: the message is cancelled (<c>missed_window</c>).</summary>
    Missed,

    /// <summary>The send day carries no messages at all (<see cref="SendTimeCheck.Day"/> says why).</summary>
    ClosedDay,
}

/// <param name="Status">Where now stands.</param>
/// <param name="Day">The send day's own status (<see cref="SendDayStatus.Open"/> unless <paramref name="Status"/> is <see cref="SendTimeStatus.ClosedDay"/>).</param>
/// <param name="OpensAt">When <see cref="SendTimeStatus.NotYetOpen"/>, the instant the window opens.</param>
public readonly record struct SendTimeCheck(SendTimeStatus Status, SendDayStatus Day, DateTimeOffset? OpensAt);

/// <summary>
/// When messages may be sent (SPEC section 5): some weekdays between two local times, in each contact's own time zone,
/// never on a Brazilian national holiday nor on a date of <c>Messaging:BlockedDates</c>. Immutable and thread-safe;
/// <see cref="Schedule"/> allocates nothing, as it runs once per contact each night.
/// </summary>
/// <remarks>
/// <para>A slot is placed on the contact's habitual hour, read on the clock of that same day: an hour before the window
/// opens moves to the opening time, an hour at or after the close moves to the last hour before it (with a 09:00–18:00
/// window, a 00:00 habit sends at 09:xx and a 23:00 habit at 17:xx). Within that hour, a minute offset fixed per contact
/// (<see cref="MinuteOffset"/>) spreads the sends so that they do not all start on the hour; when less than an hour is
/// left before the close, the offset is folded into what is left, so a slot is always inside the window.</para>
/// <para>Local times are converted with the zone's own rules (<see cref="LocalToUtc.Exact"/>). Brazil has kept no daylight
/// saving since 2019, but contacts abroad may: a local time skipped by a jump forward moves to the next minute that exists
/// (or the last one before it, if the window ends first), and a local time that happens twice is taken at its first
/// occurrence.</para>
/// </remarks>
public sealed partial class SendWindow
{
    /// <summary>The window used when <c>Messaging:SendWindow</c> is not set.</summary>
    public const string DefaultText = "Mon-Fri 09:00-18:00";

    /// <summary>The input of <see cref="TryParse"/> a blocked-date problem is in (the window's is <c>text</c>).</summary>
    public const string BlockedDatesInput = "blockedDates";

    private const string Example = "Use dias e horário como 'Mon-Fri 09:00-18:00', 'Mon,Wed,Fri 10:00-17:00' ou 'seg-sáb 08:30-20:00'.";

    /// <summary>Past this many days without a send day, the settings are absurd (every date blocked) rather than the calendar.</summary>
    private const int MaxDaysToNextSendDay = 3_660;

    private static readonly Dictionary<string, DayOfWeek> DayNames = new(StringComparer.Ordinal)
    {
        ["mon"] = DayOfWeek.Monday, ["monday"] = DayOfWeek.Monday, ["seg"] = DayOfWeek.Monday, ["segunda"] = DayOfWeek.Monday,
        ["tue"] = DayOfWeek.Tuesday, ["tuesday"] = DayOfWeek.Tuesday, ["ter"] = DayOfWeek.Tuesday, ["terca"] = DayOfWeek.Tuesday,
        ["wed"] = DayOfWeek.Wednesday, ["wednesday"] = DayOfWeek.Wednesday, ["qua"] = DayOfWeek.Wednesday, ["quarta"] = DayOfWeek.Wednesday,
        ["thu"] = DayOfWeek.Thursday, ["thursday"] = DayOfWeek.Thursday, ["qui"] = DayOfWeek.Thursday, ["quinta"] = DayOfWeek.Thursday,
        ["fri"] = DayOfWeek.Friday, ["friday"] = DayOfWeek.Friday, ["sex"] = DayOfWeek.Friday, ["sexta"] = DayOfWeek.Friday,
        ["sat"] = DayOfWeek.Saturday, ["saturday"] = DayOfWeek.Saturday, ["sab"] = DayOfWeek.Saturday, ["sabado"] = DayOfWeek.Saturday,
        ["sun"] = DayOfWeek.Sunday, ["sunday"] = DayOfWeek.Sunday, ["dom"] = DayOfWeek.Sunday, ["domingo"] = DayOfWeek.Sunday,
    };

    private static readonly string[] DayAbbreviations = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

    private readonly int _dayMask;
    private readonly int _startMinute;
    private readonly int _endMinute;
    private readonly FrozenSet<DateOnly> _blockedDates;

    /// <param name="days">The weekdays that may carry messages; at least one.</param>
    /// <param name="start">Local time from which messages may go out.</param>
    /// <param name="end">Local time by which they must have gone out (exclusive); after <paramref name="start"/>, same day.</param>
    /// <param name="blockedDates">Dates on which nothing is sent, in the contact's own calendar.</param>
    /// <exception cref="ArgumentException">No day, or <paramref name="end"/> not after <paramref name="start"/>.</exception>
    public SendWindow(IEnumerable<DayOfWeek> days, TimeOnly start, TimeOnly end, IEnumerable<DateOnly>? blockedDates = null)
    {
        ArgumentNullException.ThrowIfNull(days);
        foreach (var day in days)
        {
            _dayMask |= 1 << (int)day;
        }

        if (_dayMask == 0)
        {
            throw new ArgumentException("A send window needs at least one weekday.", nameof(days));
        }

        if (end <= start)
        {
            throw new ArgumentException($"The window must end after it starts, on the same day ({Clock(start)}-{Clock(end)}).", nameof(end));
        }

        // Seconds are dropped: slots are whole minutes.
        _startMinute = (start.Hour * 60) + start.Minute;
        _endMinute = (end.Hour * 60) + end.Minute;
        if (_endMinute <= _startMinute)
        {
            throw new ArgumentException($"The window must last at least a minute ({Clock(start)}-{Clock(end)}).", nameof(end));
        }

        _blockedDates = (blockedDates ?? []).ToFrozenSet();
        Days = Enum.GetValues<DayOfWeek>().Where(IsWindowDay).ToFrozenSet();
    }

    /// <summary>The default window, Monday to Friday 09:00–18:00, with no blocked dates.</summary>
    public static SendWindow Default { get; } = new(
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday], new TimeOnly(9, 0), new TimeOnly(18, 0));

    /// <summary>The weekdays that may carry messages.</summary>
    public IReadOnlySet<DayOfWeek> Days { get; }

    /// <summary>Local opening time (whole minutes).</summary>
    public TimeOnly Start => new(_startMinute / 60, _startMinute % 60);

    /// <summary>Local closing time, exclusive (whole minutes).</summary>
    public TimeOnly End => new(_endMinute / 60, _endMinute % 60);

    /// <summary>The dates of <c>Messaging:BlockedDates</c>.</summary>
    public IReadOnlySet<DateOnly> BlockedDates => _blockedDates;

    /// <summary>
    /// Reads <c>Messaging:SendWindow</c> and <c>Messaging:BlockedDates</c>, collecting every problem with the input it is
    /// in (<c>text</c>, or <c>blockedDates</c> and the entry's index) and a Portuguese message that starts with the wrong value.
    /// </summary>
    /// <param name="text">
    /// Days, then the local start and end: "Mon-Fri 09:00-18:00", "Mon,Wed,Fri 10:00-17:00", "seg-sáb 8h30-20h",
    /// "segunda a sexta 09:00 às 18:00". Days in English or Portuguese, abbreviated or in full, case and accents ignored;
    /// ranges may wrap ("Fri-Mon"). Null or blank is an error: the caller applies <see cref="DefaultText"/> when unset.
    /// </param>
    /// <param name="blockedDates">ISO dates (2026-12-24); an entry may hold several, separated by commas or spaces.</param>
    /// <param name="window">The window, when there is no problem.</param>
    /// <param name="errors">Every problem found; empty on success.</param>
    public static bool TryParse(
        string? text, IEnumerable<string?>? blockedDates, [NotNullWhen(true)] out SendWindow? window, out IReadOnlyList<InputProblem> errors)
    {
        var problems = new List<InputProblem>();
        var parsed = ParseWindow(text, problems);
        var dates = ParseBlockedDates(blockedDates, problems);
        window = problems.Count == 0 && parsed is { } valid ? new SendWindow(valid.Days, valid.Start, valid.End, dates) : null;
        errors = problems;
        return window is not null;
    }

    /// <summary>Whether messages may go out on <paramref name="localDay"/>, a day of the contact's own calendar.</summary>
    public SendDayStatus CheckDay(DateOnly localDay)
    {
        if (!IsWindowDay(localDay.DayOfWeek))
        {
            return SendDayStatus.ClosedWeekday;
        }

        if (BrazilHolidays.IsNationalHoliday(localDay))
        {
            return SendDayStatus.NationalHoliday;
        }

        return _blockedDates.Contains(localDay) ? SendDayStatus.BlockedDate : SendDayStatus.Open;
    }

    /// <summary>The first send day on or after <paramref name="day"/>.</summary>
    /// <exception cref="InvalidOperationException">No send day in the next ten years (every date blocked).</exception>
    public DateOnly NextSendDay(DateOnly day)
    {
        for (var i = 0; i < MaxDaysToNextSendDay; i++, day = day.AddDays(1))
        {
            if (CheckDay(day) == SendDayStatus.Open)
            {
                return day;
            }
        }

        throw new InvalidOperationException("The blocked dates leave no send day in ten years.");
    }

    /// <summary>The first send day on or after the local date of <paramref name="instant"/> in <paramref name="zone"/>.</summary>
    public DateOnly NextSendDay(DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        return NextSendDay(DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime));
    }

    /// <summary>
    /// The instant at which a contact is messaged on <paramref name="localDay"/>: its habitual hour clamped into the
    /// window, plus its minute offset, on the contact's clock. Not scheduled when the day is closed, a holiday or blocked.
    /// </summary>
    /// <param name="localDay">The send day in the contact's own calendar.</param>
    /// <param name="habitualHour">The contact's habitual hour (0–23), or <c>Messaging:DefaultHour</c>.</param>
    /// <param name="zone">The contact's time zone.</param>
    /// <param name="contactId">The contact the minute offset is derived from.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="habitualHour"/> is outside 0–23.</exception>
    public SendSlot Schedule(DateOnly localDay, int habitualHour, TimeZoneInfo zone, long contactId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(habitualHour, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(habitualHour, 23);
        ArgumentNullException.ThrowIfNull(zone);

        var status = CheckDay(localDay);
        if (status != SendDayStatus.Open)
        {
            return new SendSlot(status, null, null);
        }

        var hourStart = habitualHour * 60;
        if (hourStart < _startMinute)
        {
            hourStart = _startMinute;
        }
        else if (hourStart >= _endMinute)
        {
            hourStart = Math.Max(_startMinute, _endMinute - 60);
        }

        var room = Math.Min(60, _endMinute - hourStart);
        var minute = hourStart + (int)(Mix(contactId) % (ulong)room);

        // Only a daylight-saving jump makes a local minute not exist: look after it first, then before.
        for (var m = minute; m < _endMinute; m++)
        {
            if (TryAt(localDay, m, zone) is { } slot)
            {
                return slot;
            }
        }

        for (var m = minute - 1; m >= _startMinute; m--)
        {
            if (TryAt(localDay, m, zone) is { } slot)
            {
                return slot;
            }
        }

        return new SendSlot(SendDayStatus.NoLocalTime, null, null);
    }

    /// <summary>
    /// Whether a message slotted at <paramref name="scheduledAt"/> may go out at <paramref name="now"/> (SPEC section 6's
    /// re-check): its send day is the slot's date on the contact's clock, and the message may go only while that day's
    /// window is open there. Once the window has closed (the worker was down, the queue was halted) the slot is
    /// <see cref="SendTimeStatus.Missed"/>: a message is never sent the next morning at an hour nobody chose. A slot another
    /// tool wrote before the window opens waits for the opening; one on a closed weekday, a holiday or a blocked date
    /// cannot go at all.
    /// </summary>
    public SendTimeCheck CheckSendTime(DateTimeOffset scheduledAt, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var day = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(scheduledAt, zone).DateTime);
        var status = CheckDay(day);
        if (status != SendDayStatus.Open)
        {
            return new SendTimeCheck(SendTimeStatus.ClosedDay, status, null);
        }

        var localNow = TimeZoneInfo.ConvertTime(now, zone).DateTime;
        var today = DateOnly.FromDateTime(localNow);
        var minute = (localNow.Hour * 60) + localNow.Minute;
        if (today > day || (today == day && minute >= _endMinute))
        {
            return new SendTimeCheck(SendTimeStatus.Missed, status, null);
        }

        if (today < day || minute < _startMinute)
        {
            for (var m = _startMinute; m < _endMinute; m++)
            {
                if (TryAt(day, m, zone) is { } opening)
                {
                    // On the night the clocks go back, the opening minute may come twice; once its first occurrence has
                    // passed (it is now the repeated hour, before the opening minute again) the window opens at the second.
                    var at = opening.At >= now ? opening.At : SecondOccurrence(day, m, zone);
                    if (at is { } opens && opens >= now)
                    {
                        return new SendTimeCheck(SendTimeStatus.NotYetOpen, status, opens);
                    }
                }
            }

            return new SendTimeCheck(SendTimeStatus.ClosedDay, SendDayStatus.NoLocalTime, null);
        }

        return new SendTimeCheck(SendTimeStatus.Open, status, null);
    }

    /// <summary>
    /// The contact's minute offset, 0–59: the same for a contact on every night, in every process and on every
    /// machine (a fixed integer hash of the id, never <see cref="object.GetHashCode"/>), and spread evenly over a base.
    /// </summary>
    public static int MinuteOffset(long contactId) => (int)(Mix(contactId) % 60);

    /// <summary>The window in the canonical form of <c>Messaging:SendWindow</c>, blocked dates aside ("Mon-Fri 09:00-18:00").</summary>
    public override string ToString()
    {
        // Monday first, as weeks are written here; runs of three or more days become ranges.
        DayOfWeek[] week = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday, DayOfWeek.Saturday, DayOfWeek.Sunday];
        var runs = new List<string>();
        for (var i = 0; i < week.Length; i++)
        {
            if (!IsWindowDay(week[i]))
            {
                continue;
            }

            var last = i;
            while (last + 1 < week.Length && IsWindowDay(week[last + 1]))
            {
                last++;
            }

            runs.Add((last - i) switch
            {
                0 => Abbreviation(week[i]),
                1 => $"{Abbreviation(week[i])},{Abbreviation(week[last])}",
                _ => $"{Abbreviation(week[i])}-{Abbreviation(week[last])}",
            });
            i = last;
        }

        return $"{string.Join(',', runs)} {Clock(Start)}-{Clock(End)}";

        static string Abbreviation(DayOfWeek day) => DayAbbreviations[(int)day];
    }

    private static string Clock(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    private bool IsWindowDay(DayOfWeek day) => (_dayMask & (1 << (int)day)) != 0;

    /// <summary>The slot at a minute of the contact's day (<see cref="LocalToUtc.Exact"/>); null when a jump skipped that minute.</summary>
    private static SendSlot? TryAt(DateOnly localDay, int minuteOfDay, TimeZoneInfo zone)
    {
        var time = new TimeOnly(minuteOfDay / 60, minuteOfDay % 60);
        return LocalToUtc.Exact(localDay.ToDateTime(time), zone) is { } at ? new SendSlot(SendDayStatus.Open, at, time) : null;
    }

    /// <summary>The later instant of a local time the clocks going back show twice; null for any other local time.</summary>
    private static DateTimeOffset? SecondOccurrence(DateOnly localDay, int minuteOfDay, TimeZoneInfo zone) =>
        LocalToUtc.SecondOccurrence(localDay.ToDateTime(new TimeOnly(minuteOfDay / 60, minuteOfDay % 60)), zone);

    /// <summary>SplitMix64's finaliser: consecutive ids land on unrelated minutes.</summary>
    private static ulong Mix(long value)
    {
        unchecked
        {
            var z = (ulong)value + 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    private static (List<DayOfWeek> Days, TimeOnly Start, TimeOnly End)? ParseWindow(string? text, List<InputProblem> problems)
    {
        InputProblem Problem(string what) => new(nameof(text), $"'{text}' {what}. {Example}");

        if (string.IsNullOrWhiteSpace(text))
        {
            problems.Add(new(nameof(text), $"não pode ser vazio. {Example}"));
            return null;
        }

        var match = WindowPattern().Match(Simplify(text));
        if (!match.Success)
        {
            problems.Add(Problem("não está na forma 'dias início-fim'"));
            return null;
        }

        var days = new List<DayOfWeek>();
        foreach (var item in match.Groups["days"].Value.Split(',', StringSplitOptions.TrimEntries))
        {
            var ends = item.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length > 2 || ends.Any(end => !DayNames.ContainsKey(end)))
            {
                problems.Add(Problem($"tem um dia desconhecido, '{item}'"));
                return null;
            }

            var first = (int)DayNames[ends[0]];
            var last = (int)DayNames[ends[^1]];
            for (var day = first; ; day = (day + 1) % 7)
            {
                days.Add((DayOfWeek)day);
                if (day == last)
                {
                    break;
                }
            }
        }

        var start = ParseTime(match.Groups["start"].Value);
        var end = ParseTime(match.Groups["end"].Value);
        if (start is null || end is null)
        {
            problems.Add(Problem($"tem um horário inválido, '{(start is null ? match.Groups["start"].Value : match.Groups["end"].Value)}'"));
            return null;
        }

        if (end <= start)
        {
            problems.Add(Problem($"tem o fim ({Clock(end.Value)}) antes do início ({Clock(start.Value)}) ou igual a ele; a janela deve começar e terminar no mesmo dia"));
            return null;
        }

        return (days, start.Value, end.Value);
    }

    /// <summary>"9", "09:00", "9h", "9h30" → a time of day; null when out of range.</summary>
    private static TimeOnly? ParseTime(string text)
    {
        var parts = text.Split(':', 'h');
        var hour = int.Parse(parts[0], CultureInfo.InvariantCulture);
        var minute = parts.Length > 1 && parts[1].Length > 0 ? int.Parse(parts[1], CultureInfo.InvariantCulture) : 0;
        return hour is >= 0 and <= 23 && minute is >= 0 and <= 59 ? new TimeOnly(hour, minute) : null;
    }

    /// <summary>
    /// Lower case without accents, dashes unified, "-feira" dropped, and the Portuguese connectives of "segunda a sexta"
    /// and "seg, qua e sex" turned into the range and list signs.
    /// </summary>
    private static string Simplify(string text)
    {
        var plain = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                plain.Append(c is '–' or '—' or '‒' ? '-' : char.ToLowerInvariant(c));
            }
        }

        var simplified = plain.ToString().Replace("-feira", string.Empty, StringComparison.Ordinal);
        simplified = RangeWord().Replace(simplified, "-");
        return ListWord().Replace(simplified, ",").Trim();
    }

    private static FrozenSet<DateOnly> ParseBlockedDates(IEnumerable<string?>? entries, List<InputProblem> problems)
    {
        var dates = new HashSet<DateOnly>();
        var index = 0;
        foreach (var entry in entries ?? [])
        {
            var items = (entry ?? string.Empty).Split([',', ';', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (items.Length == 0)
            {
                problems.Add(new(BlockedDatesInput, "está vazio; use datas no formato AAAA-MM-DD, como 2026-12-24.", index));
            }

            foreach (var item in items)
            {
                if (DateOnly.TryParseExact(item, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                {
                    dates.Add(date);
                }
                else
                {
                    problems.Add(new(BlockedDatesInput, $"'{item}' não é uma data no formato AAAA-MM-DD, como 2026-12-24.", index));
                }
            }

            index++;
        }

        return dates.ToFrozenSet();
    }

    [GeneratedRegex(@"^(?<days>[a-z]+(?:\s*[,-]\s*[a-z]+)*)\s+(?<start>\d{1,2}(?::\d{2}|h(?:\d{2})?)?)\s*(?:-|\ba\b|\bas\b|\bate\b)\s*(?<end>\d{1,2}(?::\d{2}|h(?:\d{2})?)?)$", RegexOptions.CultureInvariant)]
    private static partial Regex WindowPattern();

    [GeneratedRegex(@"(?<=[a-z])\s+a\s+(?=[a-z])", RegexOptions.CultureInvariant)]
    private static partial Regex RangeWord();

    [GeneratedRegex(@"(?<=[a-z])\s+e\s+(?=[a-z])", RegexOptions.CultureInvariant)]
    private static partial Regex ListWord();
}
