using Vinculo.Consent;
using Xunit;

namespace Vinculo.Core.Tests.Consent;

public sealed class InboundArrivalsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);

    private static PendingInbound Message(long id, int minute) => new() { Id = id, Body = "oi", ReceivedAt = T0.AddMinutes(minute) };

    private static PendingPreference Preference(long id, int minute, string value = "stop") => new() { Id = id, Value = value, ReceivedAt = T0.AddMinutes(minute) };

    private static List<(string, long)> Order(List<InboundArrival> work) =>
        work.Select(w => (w.Message is not null ? "message" : "preference", w.Id)).ToList();

    [Fact]
    public void InOrder_InterleavesBothTablesByArrival()
    {
        var work = InboundArrivals.InOrder([Message(1, 0), Message(2, 2)], [Preference(1, 1), Preference(2, 3)], limit: 10);

        Assert.Equal([("message", 1L), ("preference", 1L), ("message", 2L), ("preference", 2L)], Order(work));
        Assert.Equal([0, 1, 0, 1], work.Select(w => w.Order));
        Assert.All(work, w => Assert.Equal(w.ReceivedAt, w.Message?.ReceivedAt ?? w.Preference!.ReceivedAt));
    }

    [Fact]
    public void InOrder_PutsAMessageBeforeAPreferenceOfTheSameInstant_ThenTheLowerId()
    {
        var work = InboundArrivals.InOrder([Message(9, 0), Message(4, 0)], [Preference(1, 0)], limit: 10);

        Assert.Equal([("message", 4L), ("message", 9L), ("preference", 1L)], Order(work));
    }

    [Fact]
    public void InOrder_EndsAtTheLastInstantOfAFullRead()
    {
        // Messages came back full at minute 2: an unread message may be at minute 3, before the preference at minute 5.
        var work = InboundArrivals.InOrder([Message(1, 0), Message(2, 2)], [Preference(1, 1), Preference(2, 2), Preference(3, 5)], limit: 2);

        Assert.Equal([("message", 1L), ("preference", 1L), ("message", 2L), ("preference", 2L)], Order(work));
    }

    [Fact]
    public void InOrder_EndsAtTheEarlierHorizon_WhenBothReadsAreFull()
    {
        var work = InboundArrivals.InOrder([Message(1, 0), Message(2, 4)], [Preference(1, 1), Preference(2, 3)], limit: 2);

        Assert.Equal([("message", 1L), ("preference", 1L), ("preference", 2L)], Order(work));
    }

    [Fact]
    public void InOrder_KeepsEverything_WhenNeitherReadIsFull()
    {
        var work = InboundArrivals.InOrder([Message(1, 9)], [Preference(1, 0)], limit: 2);

        Assert.Equal([("preference", 1L), ("message", 1L)], Order(work));
    }

    [Fact]
    public void InOrder_AlwaysKeepsTheFullReadItself()
    {
        // Even when the other table is empty the full table's own rows all go: only later rows of the other could interleave.
        var work = InboundArrivals.InOrder([Message(1, 0), Message(2, 1)], [], limit: 2);

        Assert.Equal([("message", 1L), ("message", 2L)], Order(work));
    }

    [Fact]
    public void InOrder_OfNothing_IsEmpty() =>
        Assert.Empty(InboundArrivals.InOrder([], [], limit: 5));
}
