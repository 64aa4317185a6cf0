using CsCheck;
using Vinculo.Planning;
using Xunit;

namespace Vinculo.Core.Tests.Planning;

public sealed class FrequencyCapTests
{
    private const int Days = FrequencyCap.DefaultDays;
    private static readonly DateTimeOffset Candidate = new(2026, 11, 23, 12, 17, 0, TimeSpan.Zero);
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    private static readonly string[] AllStatuses =
    [
        MessageStatuses.Queued, MessageStatuses.Sending, MessageStatuses.Sent, MessageStatuses.Delivered, MessageStatuses.Read,
        MessageStatuses.Failed, MessageStatuses.Cancelled,
    ];

    private static bool Allowed(params CappedMessage[] messages) => FrequencyCap.IsAllowed(Candidate, Days, messages);

    [Fact]
    public void NoMessages_IsAllowed() => Assert.True(Allowed());

    [Theory]
    [InlineData(MessageStatuses.Queued, false)]
    [InlineData(MessageStatuses.Sending, false)]
    [InlineData(MessageStatuses.Sent, false)]
    [InlineData(MessageStatuses.Delivered, false)]
    [InlineData(MessageStatuses.Read, false)]
    [InlineData(MessageStatuses.Failed, true)]
    [InlineData(MessageStatuses.Cancelled, true)]
    public void OnlyMessagesThatReachedOrWillReachThePerson_Count(string status, bool allowed)
    {
        Assert.Equal(allowed, Allowed(new CappedMessage(status, Candidate.AddDays(-3))));
        Assert.Equal(allowed, Allowed(new CappedMessage(status, Candidate.AddDays(3))));
        Assert.Equal(!allowed, FrequencyCap.Counts(status));
    }

    [Fact]
    public void ExactlyCapDaysApart_IsAllowed_AnyCloserIsNot()
    {
        Assert.True(Allowed(new CappedMessage(MessageStatuses.Sent, Candidate.AddDays(-Days))));
        Assert.True(Allowed(new CappedMessage(MessageStatuses.Queued, Candidate.AddDays(Days))));
        Assert.False(Allowed(new CappedMessage(MessageStatuses.Sent, Candidate.AddDays(-Days) + Tick)));
        Assert.False(Allowed(new CappedMessage(MessageStatuses.Queued, Candidate.AddDays(Days) - Tick)));
        Assert.False(Allowed(new CappedMessage(MessageStatuses.Queued, Candidate)));
    }

    [Fact]
    public void AMessagePlannedLater_BlocksAnEarlierCandidate() =>
        Assert.False(Allowed(new CappedMessage(MessageStatuses.Queued, Candidate.AddDays(6))));

    [Fact]
    public void SentAt_WinsOverScheduledAt()
    {
        // Planned nine days ago but held back and sent two days ago (a 131049 re-queue): the person got it two days ago.
        var heldBack = new CappedMessage(MessageStatuses.Delivered, Candidate.AddDays(-9), Candidate.AddDays(-2));
        Assert.False(Allowed(heldBack));
        Assert.Equal(heldBack, FrequencyCap.FindConflict(Candidate, Days, [heldBack]));
        Assert.True(Allowed(heldBack with { SentAt = null }));
    }

    [Fact]
    public void Instants_AreComparedWhateverTheirOffsets() =>
        Assert.False(Allowed(new CappedMessage(MessageStatuses.Sent, Candidate.AddDays(-Days).AddMinutes(1).ToOffset(TimeSpan.FromHours(-5)))));

    [Fact]
    public void FindConflict_NamesTheBlockingMessage()
    {
        var old = new CappedMessage(MessageStatuses.Read, Candidate.AddDays(-30));
        var cancelled = new CappedMessage(MessageStatuses.Cancelled, Candidate.AddDays(-1));
        var recent = new CappedMessage(MessageStatuses.Read, Candidate.AddDays(-2));
        Assert.Equal(recent, FrequencyCap.FindConflict(Candidate, Days, [old, cancelled, recent]));
        Assert.Null(FrequencyCap.FindConflict(Candidate, Days, [old, cancelled]));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-7)]
    [InlineData(366)]
    public void CapDays_OutOfRange_IsRejected(int capDays)
    {
        // Messaging:FrequencyCapDays is named by the worker's options check at start-up (ConfigurationCheckTests).
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => FrequencyCap.IsAllowed(Candidate, capDays, []));
        Assert.Equal("capDays", error.ParamName);
        Assert.Equal(capDays, error.ActualValue);
    }

    [Fact]
    public void Cap_IsSymmetricInTime() =>
        Gen.Select(Gen.Long[-20 * TimeSpan.TicksPerDay, 20 * TimeSpan.TicksPerDay], Gen.Int[1, 30], Gen.OneOf(AllStatuses), Gen.Int[-840, 840])
            .Sample((distance, capDays, status, offsetMinutes) =>
            {
                var offset = TimeSpan.FromMinutes(offsetMinutes);
                var after = new CappedMessage(status, (Candidate + TimeSpan.FromTicks(distance)).ToOffset(offset));
                var before = new CappedMessage(status, (Candidate - TimeSpan.FromTicks(distance)).ToOffset(offset));
                var allowed = FrequencyCap.IsAllowed(Candidate, capDays, [after]);

                Assert.Equal(allowed, FrequencyCap.IsAllowed(Candidate, capDays, [before]));
                Assert.Equal(allowed, FrequencyCap.IsAllowed(after.At, capDays, [new CappedMessage(status, Candidate)]));
                Assert.Equal(allowed, !FrequencyCap.Counts(status) || Math.Abs(distance) >= capDays * TimeSpan.TicksPerDay);
            }, iter: 20_000);

    [Fact]
    public void Cap_DependsOnNeitherOrderNorIrrelevantMessages() =>
        Gen.Select(Gen.Select(Gen.Int[-40, 40], Gen.OneOf(AllStatuses)).Array[0, 12], Gen.Int[1, 14])
            .Sample((messages, capDays) =>
            {
                var capped = messages.Select(m => new CappedMessage(m.Item2, Candidate.AddDays(m.Item1 / 2.0))).ToArray();
                var allowed = FrequencyCap.IsAllowed(Candidate, capDays, capped);
                Assert.Equal(allowed, FrequencyCap.IsAllowed(Candidate, capDays, capped.Reverse().ToArray()));
                Assert.Equal(allowed, capped.All(m => FrequencyCap.IsAllowed(Candidate, capDays, [m])));
            }, iter: 5_000);
}
