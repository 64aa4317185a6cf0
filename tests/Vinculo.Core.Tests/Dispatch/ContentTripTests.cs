using Vinculo.Dispatch;
using Xunit;

namespace Vinculo.Core.Tests.Dispatch;

public sealed class ContentTripTests
{
    private const int MinSends = 50;
    private const double MaxRate = 0.02;

    [Theory]
    [InlineData(50, 2, true)]
    [InlineData(100, 3, true)]
    [InlineData(100, 100, true)]
    public void Trips_WhenEnoughRecipientsOptedOutAboveTheRate(long recipients, long optedOut, bool expected) =>
        Assert.Equal(expected, ContentTrip.Trips(recipients, optedOut, MinSends, MaxRate));

    [Fact]
    public void DoesNotTrip_AtExactlyTheRate() =>
        Assert.False(ContentTrip.Trips(100, 2, MinSends, MaxRate));

    [Theory]
    [InlineData(49, 49)]
    [InlineData(1, 1)]
    [InlineData(0, 0)]
    public void DoesNotTrip_BelowTheMinimumOfRecipients_WhateverTheRate(long recipients, long optedOut) =>
        Assert.False(ContentTrip.Trips(recipients, optedOut, MinSends, MaxRate));

    [Fact]
    public void Trips_AtExactlyTheMinimumOfRecipients() =>
        Assert.True(ContentTrip.Trips(MinSends, 2, MinSends, MaxRate));

    [Fact]
    public void DoesNotTrip_WithoutOptOuts() =>
        Assert.False(ContentTrip.Trips(10_000, 0, MinSends, MaxRate));

    [Fact]
    public void PausedReason_GivesTheFiguresTheRateAndTheLimit_InvariantCulture()
    {
        var culture = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("pt-BR");

            var reason = ContentTrip.PausedReason(recipients: 80, optedOut: 6, maxOptOutRate: MaxRate);

            Assert.Equal("circuit_breaker: 6 of 80 recipients in 24 h opted out (7.5 %, limit 2.0 %)", reason);
            Assert.StartsWith(ContentTrip.PausedReasonPrefix, reason, StringComparison.Ordinal);
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = culture;
        }
    }
}
