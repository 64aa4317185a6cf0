using CsCheck;
using Vinculo.Planning;
using Xunit;

namespace Vinculo.Core.Tests.Planning;

public sealed class HabitualHourTests
{
    private static readonly HabitualHourOptions Options = new();

    private static HourEvidence At(int hour, int minute, double ageDays = 1) => new(new TimeOnly(hour, minute), ageDays);

    private static HabitualHourResult Compute(params HourEvidence[] evidence) => HabitualHour.Compute(evidence, Options);

    [Fact]
    public void ElevenThirtyAtNightAndHalfPastMidnight_AverageToMidnight_NotNoon()
    {
        var result = Compute(At(23, 30), At(0, 30), At(23, 30), At(0, 30));
        Assert.Equal(new HabitualHourResult(0, HabitualHourSource.Evidence, 4, result.Concentration, new TimeOnly(0, 0)), result);
        Assert.True(result.Concentration > 0.99);
    }

    [Fact]
    public void HabitAtHalfPastEleven_IsHour23()
    {
        var result = Compute(At(23, 30), At(23, 20), At(23, 40));
        Assert.Equal(23, result.Hour);
        Assert.Equal(new TimeOnly(23, 30), result.MeanLocalTime);
    }

    [Fact]
    public void MidnightHabit_IsSentWhenTheWindowOpens()
    {
        var habit = Compute(At(23, 30), At(0, 30), At(23, 45), At(0, 15)).Hour;
        var slot = SendWindow.Default.Schedule(new DateOnly(2026, 11, 23), habit, TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo"), 1);
        Assert.Equal(9, slot.LocalTime!.Value.Hour);
    }

    [Fact]
    public void TheHourIsThatOfTheMean_NotTheNearestHour() =>
        Assert.Equal(14, Compute(At(14, 40), At(14, 35), At(14, 45)).Hour);

    [Fact]
    public void FewerPiecesThanTheMinimum_GiveTheDefaultHour()
    {
        var result = HabitualHour.Compute([At(20, 0), At(20, 10)], Options with { DefaultHour = 11 });
        Assert.Equal(11, result.Hour);
        Assert.Equal(HabitualHourSource.TooLittleEvidence, result.Source);
        Assert.Equal(2, result.EvidenceCount);
        Assert.Equal(new TimeOnly(20, 5), result.MeanLocalTime);

        Assert.Equal(new HabitualHourResult(10, HabitualHourSource.TooLittleEvidence, 0, 0, null), HabitualHour.Compute([], Options));
    }

    [Fact]
    public void EvidenceAllAroundTheClock_GivesTheDefaultHour()
    {
        var result = Compute(At(0, 0), At(6, 0), At(12, 0), At(18, 0));
        Assert.Equal(HabitualHourSource.TooFlat, result.Source);
        Assert.Equal(Options.DefaultHour, result.Hour);
        Assert.True(result.Concentration < 1e-9);

        // Two peaks twelve hours apart cancel out just the same.
        Assert.Equal(HabitualHourSource.TooFlat, Compute(At(9, 0), At(21, 0), At(9, 0), At(21, 0)).Source);
    }

    [Fact]
    public void RecentEvidenceOutweighsOld()
    {
        // A person who used to write at 08:00 and now writes at 20:00.
        var result = Compute(At(8, 0, 400), At(8, 0, 420), At(8, 0, 380), At(20, 0, 2), At(20, 0, 5));
        Assert.Equal(20, result.Hour);
        Assert.Equal(HabitualHourSource.Evidence, result.Source);
    }

    [Fact]
    public void HalfLife_WeighsEvidenceByAge()
    {
        // Equal weights put the mean at 12:00; one half-life of age on the 14:00 side pulls it towards 10:00.
        var options = Options with { HalfLifeDays = 10, MinConcentration = 0 };
        var balanced = HabitualHour.Compute([At(10, 0, 0), At(14, 0, 0), At(12, 0, 0)], options);
        Assert.Equal(new TimeOnly(12, 0), balanced.MeanLocalTime);
        var tilted = HabitualHour.Compute([At(10, 0, 0), At(14, 0, 10), At(12, 0, 0)], options);
        Assert.True(tilted.MeanLocalTime < new TimeOnly(12, 0), $"{tilted.MeanLocalTime}");
        Assert.True(tilted.MeanLocalTime > new TimeOnly(10, 0), $"{tilted.MeanLocalTime}");
    }

    [Fact]
    public void FutureEvidenceCountsAsFresh_AndUnreadableAgesAreIgnored()
    {
        var result = Compute(At(15, 0, -3), At(15, 0, 0), At(15, 0, double.NaN), At(15, 0, double.PositiveInfinity));
        Assert.Equal(3, result.EvidenceCount);
        Assert.Equal(HabitualHourSource.Evidence, result.Source);
        Assert.Equal(15, result.Hour);

        var forgotten = Compute(At(15, 0, double.PositiveInfinity), At(15, 0, double.PositiveInfinity), At(15, 0, double.PositiveInfinity));
        Assert.Equal(new HabitualHourResult(Options.DefaultHour, HabitualHourSource.TooLittleEvidence, 3, 0, null), forgotten);
    }

    [Fact]
    public void Evidence_FromInstants_IsReadOnTheContactsClock()
    {
        var now = new DateTimeOffset(2026, 11, 23, 6, 0, 0, TimeSpan.Zero);
        var acre = TimeZoneInfo.FindSystemTimeZoneById("America/Rio_Branco");
        var evidence = HourEvidence.At(new DateTimeOffset(2026, 11, 20, 2, 30, 0, TimeSpan.Zero), acre, now);
        Assert.Equal(new TimeOnly(21, 30), evidence.LocalTime);
        Assert.Equal(3 + (3.5 / 24), evidence.AgeDays, 9);
    }

    [Theory]
    [InlineData(-1, 3, 60, 0.4, "DefaultHour: '-1'")]
    [InlineData(24, 3, 60, 0.4, "DefaultHour: '24'")]
    [InlineData(10, 0, 60, 0.4, "MinEvidence: '0'")]
    [InlineData(10, 3, 0, 0.4, "HalfLifeDays: '0'")]
    [InlineData(10, 3, double.NaN, 0.4, "HalfLifeDays: 'NaN'")]
    [InlineData(10, 3, 60, 1.5, "MinConcentration: '1.5'")]
    [InlineData(10, 3, 60, -0.1, "MinConcentration: '-0.1'")]
    public void Options_AreValidated_NamingTheProperty(int defaultHour, int minEvidence, double halfLife, double minConcentration, string start)
    {
        var options = new HabitualHourOptions { DefaultHour = defaultHour, MinEvidence = minEvidence, HalfLifeDays = halfLife, MinConcentration = minConcentration };
        Assert.StartsWith(start, Assert.Single(options.Validate()).ToString(), StringComparison.Ordinal);
        var error = Assert.Throws<ArgumentException>(() => HabitualHour.Compute([At(10, 0)], options));
        Assert.StartsWith(start, error.Message, StringComparison.Ordinal);
        Assert.Empty(new HabitualHourOptions().Validate());
    }

    [Fact]
    public void Result_IsAlwaysAnHourOfTheDay_AndRotatesWithTheEvidence() =>
        Gen.Select(Gen.Int[0, 1439].Array[0, 30], Gen.Double[-10, 2_000].Array[30], Gen.Int[0, 1439])
            .Sample((minutes, ages, shift) =>
            {
                var evidence = minutes.Select((m, i) => new HourEvidence(new TimeOnly(m / 60, m % 60), ages[i])).ToArray();
                var rotated = minutes.Select((m, i) => new HourEvidence(new TimeOnly((m + shift) % 1440 / 60, (m + shift) % 60), ages[i])).ToArray();
                var result = HabitualHour.Compute(evidence, Options);
                var rotatedResult = HabitualHour.Compute(rotated, Options);

                Assert.InRange(result.Hour, 0, 23);
                Assert.InRange(result.Concentration, 0, 1);
                if (result.Source == HabitualHourSource.Evidence)
                {
                    Assert.Equal(result.MeanLocalTime!.Value.Hour, result.Hour);
                    Assert.True(result.EvidenceCount >= Options.MinEvidence && result.Concentration >= Options.MinConcentration);
                }
                else
                {
                    Assert.Equal(Options.DefaultHour, result.Hour);
                }

                Assert.Equal(result.Concentration, rotatedResult.Concentration, 9);
                if (result.MeanLocalTime is { } mean && rotatedResult.MeanLocalTime is { } rotatedMean && result.Concentration > 1e-6)
                {
                    // Rotating every time rotates the mean by the same amount (to within the minute rounding).
                    var expected = ((mean.Hour * 60) + mean.Minute + shift) % 1440;
                    var actual = (rotatedMean.Hour * 60) + rotatedMean.Minute;
                    var distance = Math.Min(Math.Abs(expected - actual), 1440 - Math.Abs(expected - actual));
                    Assert.True(distance <= 1 || result.Concentration < 1e-3, $"{mean} + {shift} min vs {rotatedMean}");
                }
            }, iter: 5_000);
}
