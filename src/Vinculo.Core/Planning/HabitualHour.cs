using System.Globalization;

namespace Vinculo.Planning;

/// <summary>
/// One sign of when a person talks to the business: an inbound message, a reply or a read, as a time on the person's
/// own clock and how long ago it happened.
/// </summary>
/// <param name="LocalTime">The time of day on the contact's clock.</param>
/// <param name="AgeDays">How many days before the planning instant it happened; negative or zero counts as fresh.</param>
public readonly record struct HourEvidence(TimeOnly LocalTime, double AgeDays)
{
    /// <summary>Evidence from a stored instant (<c>interactions.occurred_at</c>), read on the contact's clock.</summary>
    /// <param name="occurredAt">When it happened.</param>
    /// <param name="zone">The contact's time zone (<c>contacts.time_zone</c>).</param>
    /// <param name="now">The planning instant the age is counted from.</param>
    public static HourEvidence At(DateTimeOffset occurredAt, TimeZoneInfo zone, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(occurredAt, zone);
        return new HourEvidence(TimeOnly.FromTimeSpan(local.TimeOfDay), (now - occurredAt).TotalDays);
    }
}

/// <summary>Where a habitual hour came from.</summary>
public enum HabitualHourSource
{
    /// <summary>Learned from the evidence.</summary>
    Evidence,

    /// <summary><c>Messaging:DefaultHour</c>: fewer pieces of evidence than <see cref="HabitualHourOptions.MinEvidence"/>.</summary>
    TooLittleEvidence,

    /// <summary>
    /// <c>Messaging:DefaultHour</c>: the evidence is spread around the clock (concentration below
    /// <see cref="HabitualHourOptions.MinConcentration"/>), so its mean would be an hour the person does not keep.
    /// </summary>
    TooFlat,
}

/// <summary>A contact's habitual hour and how it was found.</summary>
/// <param name="Hour">The hour to write to <c>contacts.preferred_hour</c> (0–23).</param>
/// <param name="Source">Learned, or the default and why.</param>
/// <param name="EvidenceCount">The pieces of evidence considered.</param>
/// <param name="Concentration">
/// Mean resultant length of the weighted times on the 24-hour circle: 1 when everything happened at one time of day,
/// near 0 when spread evenly around the clock; 0 without evidence.
/// </param>
/// <param name="MeanLocalTime">The weighted circular mean time, to the minute, when there was any weight to average.</param>
public readonly record struct HabitualHourResult(int Hour, HabitualHourSource Source, int EvidenceCount, double Concentration, TimeOnly? MeanLocalTime);

/// <summary>How the habitual hour is learned: <c>Messaging:DefaultHour</c> and the knobs of <see cref="HabitualHour"/>.</summary>
public sealed record HabitualHourOptions
{
    /// <summary><c>Messaging:DefaultHour</c> (0–23): the hour of contacts with too little or too scattered history.</summary>
    public int DefaultHour { get; init; } = 10;

    /// <summary>Below this many pieces of evidence, the default hour is used.</summary>
    public int MinEvidence { get; init; } = 3;

    /// <summary>Evidence this many days old weighs half as much as evidence from today: habits change.</summary>
    public double HalfLifeDays { get; init; } = 60;

    /// <summary>
    /// Below this concentration (0–1) the default hour is used. 0.4 lets through habits spread over up to about 16
    /// hours of the day evenly, or two peaks up to about 9 hours apart; beyond that the mean says little.
    /// </summary>
    public double MinConcentration { get; init; } = 0.4;

    /// <summary>
    /// Every problem with these settings, each with the property it is in and a Portuguese message that starts with the
    /// wrong value; empty when valid.
    /// </summary>
    public IReadOnlyList<InputProblem> Validate()
    {
        var failures = new List<InputProblem>();
        if (DefaultHour is < 0 or > 23)
        {
            failures.Add(new(nameof(DefaultHour), $"'{DefaultHour}' deve ser uma hora entre 0 e 23."));
        }

        if (MinEvidence is < 1 or > 1_000)
        {
            failures.Add(new(nameof(MinEvidence), $"'{MinEvidence}' deve estar entre 1 e 1000."));
        }

        if (!(HalfLifeDays is >= 1 and <= 3_650))
        {
            failures.Add(new(nameof(HalfLifeDays), $"'{Invariant(HalfLifeDays)}' deve estar entre 1 e 3650 dias."));
        }

        if (!(MinConcentration is >= 0 and <= 1))
        {
            failures.Add(new(nameof(MinConcentration), $"'{Invariant(MinConcentration)}' deve estar entre 0 e 1."));
        }

        return failures;
    }

    /// <summary>What <see cref="Validate"/> checks, without allocating: it is asked once per contact.</summary>
    internal bool IsValid =>
        DefaultHour is >= 0 and <= 23 && MinEvidence is >= 1 and <= 1_000 && HalfLifeDays is >= 1 and <= 3_650 && MinConcentration is >= 0 and <= 1;

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The hour of the day a person usually talks to the business (SPEC section 5), from the local times of their inbound
/// messages, replies and reads. Pure and thread-safe; allocates nothing.
/// </summary>
/// <remarks>
/// Times are points on a 24-hour circle, so 23:30 and 00:30 average to 00:00, not to noon. Each piece of evidence
/// weighs 2^(−age / half-life). The hour is that of the weighted circular mean, rounded to the minute first so that
/// 23:59.9999 of floating-point noise reads as 00:00: a mean of 14:40 gives hour 14, whose slot (14:00–14:59 plus the
/// contact's minute offset) contains it.
/// </remarks>
public static class HabitualHour
{
    private const int MinutesPerDay = 24 * 60;

    /// <exception cref="ArgumentException"><paramref name="options"/> is invalid (<see cref="HabitualHourOptions.Validate"/>).</exception>
    public static HabitualHourResult Compute(ReadOnlySpan<HourEvidence> evidence, HabitualHourOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsValid)
        {
            throw new ArgumentException(string.Join(" ", options.Validate()), nameof(options));
        }

        double cos = 0, sin = 0, weight = 0;
        var count = 0;
        foreach (var item in evidence)
        {
            if (double.IsNaN(item.AgeDays))
            {
                continue;
            }

            count++;
            var w = double.Exp2(-Math.Max(0, item.AgeDays) / options.HalfLifeDays);
            var angle = Math.Tau * ((item.LocalTime.Hour * 60) + item.LocalTime.Minute + (item.LocalTime.Second / 60.0)) / MinutesPerDay;
            cos += w * Math.Cos(angle);
            sin += w * Math.Sin(angle);
            weight += w;
        }

        // Evidence so old that its weight vanished says nothing about today.
        if (weight == 0)
        {
            return new HabitualHourResult(options.DefaultHour, HabitualHourSource.TooLittleEvidence, count, 0, null);
        }

        var concentration = Math.Clamp(Math.Sqrt((cos * cos) + (sin * sin)) / weight, 0, 1);
        var meanMinute = (int)Math.Round(Math.Atan2(sin, cos) / Math.Tau * MinutesPerDay, MidpointRounding.AwayFromZero);
        meanMinute = ((meanMinute % MinutesPerDay) + MinutesPerDay) % MinutesPerDay;
        var mean = new TimeOnly(meanMinute / 60, meanMinute % 60);

        if (count < options.MinEvidence)
        {
            return new HabitualHourResult(options.DefaultHour, HabitualHourSource.TooLittleEvidence, count, concentration, mean);
        }

        return concentration < options.MinConcentration
            ? new HabitualHourResult(options.DefaultHour, HabitualHourSource.TooFlat, count, concentration, mean)
            : new HabitualHourResult(mean.Hour, HabitualHourSource.Evidence, count, concentration, mean);
    }
}
