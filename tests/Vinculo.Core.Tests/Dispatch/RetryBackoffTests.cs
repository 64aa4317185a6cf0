using CsCheck;
using Vinculo.Dispatch;
using Xunit;

namespace Vinculo.Core.Tests.Dispatch;

public sealed class RetryBackoffTests
{
    private static readonly TimeSpan Base = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Max = TimeSpan.FromMinutes(10);

    /// <summary>The largest draw <see cref="Random.NextDouble"/> can return.</summary>
    private static readonly double LastDrawBelowOne = Math.BitDecrement(1.0);

    /// <summary>The delay before jitter: 2^(attempts-1) times the base, capped, computed in decimal so nothing overflows.</summary>
    private static TimeSpan Full(int attempts, TimeSpan baseDelay, TimeSpan maxDelay)
    {
        var full = (decimal)baseDelay.Ticks;
        for (var i = 1; i < attempts && full < maxDelay.Ticks; i++)
        {
            full *= 2;
        }

        return TimeSpan.FromTicks((long)Math.Min(full, maxDelay.Ticks));
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(3, 20)]
    [InlineData(4, 40)]
    [InlineData(5, 80)]
    [InlineData(6, 160)]
    [InlineData(7, 300)]
    [InlineData(8, 300)]
    [InlineData(100, 300)]
    public void Delay_WithTheLowestDraw_IsHalfTheDoubledBase_CappedAtTheMaximum(int attempts, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryBackoff.Delay(attempts, Base, Max, 0.0));

    [Theory]
    [InlineData(1, 7.5)]
    [InlineData(2, 15)]
    [InlineData(3, 30)]
    [InlineData(7, 450)]
    public void Delay_WithAMiddleDraw_IsThreeQuartersOfTheFullDelay(int attempts, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetryBackoff.Delay(attempts, Base, Max, 0.5));

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(1_000)]
    public void Delay_StaysBelowTheFullDelay_ForADrawJustBelowOne(int attempts)
    {
        var delay = RetryBackoff.Delay(attempts, Base, Max, 0.999_999);
        Assert.InRange(delay, Full(attempts, Base, Max) * 0.999, Full(attempts, Base, Max) - TimeSpan.FromTicks(1));
    }

    /// <summary>Equal jitter is [full/2, full): even the last double below 1 must not reach the full delay.</summary>
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void Delay_StaysBelowTheFullDelay_ForTheLargestDrawBelowOne(int attempts)
    {
        var delay = RetryBackoff.Delay(attempts, Base, Max, LastDrawBelowOne);
        var full = Full(attempts, Base, Max);
        Assert.True(delay < full, $"a draw of {LastDrawBelowOne:R} gave {delay.Ticks} ticks, the full delay is {full.Ticks}");
    }

    [Fact]
    public void Delay_IsWithinEqualJitterBounds() =>
        Gen.Select(Gen.Int[1, 80], Gen.Long[0, TimeSpan.FromHours(1).Ticks], Gen.Long[1, TimeSpan.FromDays(2).Ticks], Gen.Double[0, 1])
            .Where((_, _, _, random) => random < 1.0)
            .Sample((attempts, baseTicks, maxTicks, random) =>
            {
                var full = Full(attempts, TimeSpan.FromTicks(baseTicks), TimeSpan.FromTicks(maxTicks));
                var delay = RetryBackoff.Delay(attempts, TimeSpan.FromTicks(baseTicks), TimeSpan.FromTicks(maxTicks), random);
                Assert.InRange(delay.Ticks, (full.Ticks / 2) - 1, full.Ticks);
                Assert.True(delay <= TimeSpan.FromTicks(maxTicks), $"{delay} > max {TimeSpan.FromTicks(maxTicks)}");
            }, iter: 20_000);

    [Fact]
    public void Delay_NeverShrinks_AsAttemptsGrow_ForTheSameDraw() =>
        Gen.Select(Gen.Int[1, 60], Gen.Int[0, 10], Gen.Long[1, TimeSpan.FromMinutes(5).Ticks], Gen.Double[0, 0.999])
            .Sample((attempts, more, baseTicks, random) =>
            {
                var earlier = RetryBackoff.Delay(attempts, TimeSpan.FromTicks(baseTicks), Max, random);
                var later = RetryBackoff.Delay(attempts + more, TimeSpan.FromTicks(baseTicks), Max, random);
                Assert.True(earlier <= later, $"attempt {attempts}: {earlier}, attempt {attempts + more}: {later}");
            }, iter: 10_000);

    [Fact]
    public void TheLowerBound_DoublesEachAttempt_UntilItReachesHalfTheMaximum()
    {
        var lowest = Enumerable.Range(1, 12).Select(attempts => RetryBackoff.Delay(attempts, Base, Max, 0.0)).ToList();
        Assert.Equal(Base / 2, lowest[0]);
        for (var i = 1; i < lowest.Count; i++)
        {
            Assert.Equal(TimeSpan.FromTicks(Math.Min(lowest[i - 1].Ticks * 2, (Max / 2).Ticks)), lowest[i]);
        }

        Assert.Equal(Max / 2, lowest[^1]);
    }

    [Fact]
    public void Delay_IsTheMaximumHalvedAtLeast_OnceTheBaseExceedsIt()
    {
        Assert.Equal(Max / 2, RetryBackoff.Delay(1, TimeSpan.FromHours(3), Max, 0.0));
        Assert.InRange(RetryBackoff.Delay(1, TimeSpan.FromHours(3), Max, 0.9), Max / 2, Max);
    }

    [Fact]
    public void Delay_IsZero_WithAZeroBase() =>
        Assert.Equal(TimeSpan.Zero, RetryBackoff.Delay(5, TimeSpan.Zero, Max, 0.7));

    [Theory]
    [InlineData(31)]
    [InlineData(64)]
    [InlineData(1_000)]
    [InlineData(int.MaxValue)]
    public void Delay_DoesNotOverflow_OnHugeAttemptCounts(int attempts)
    {
        Assert.Equal(Max / 2, RetryBackoff.Delay(attempts, Base, Max, 0.0));
        Assert.InRange(RetryBackoff.Delay(attempts, Base, Max, 0.999), Max / 2, Max);
    }

    [Fact]
    public void Delay_DoesNotOverflow_WithTheLargestSpans()
    {
        var lowest = RetryBackoff.Delay(int.MaxValue, TimeSpan.MaxValue, TimeSpan.MaxValue, 0.0);
        var highest = RetryBackoff.Delay(int.MaxValue, TimeSpan.MaxValue, TimeSpan.MaxValue, 0.999);
        Assert.InRange(lowest, TimeSpan.MaxValue / 2 - TimeSpan.FromSeconds(1), TimeSpan.MaxValue / 2 + TimeSpan.FromSeconds(1));
        Assert.InRange(highest, lowest, TimeSpan.MaxValue);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void Delay_RejectsFewerThanOneAttempt(int attempts)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => RetryBackoff.Delay(attempts, Base, Max, 0.5));
        Assert.Equal("attempts", error.ParamName);
    }

    [Theory]
    [InlineData(-0.000_001)]
    [InlineData(-1.0)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(double.NaN)]
    public void Delay_RejectsADrawOutsideZeroToOne(double random)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => RetryBackoff.Delay(1, Base, Max, random));
        Assert.Equal("random", error.ParamName);
    }
}
