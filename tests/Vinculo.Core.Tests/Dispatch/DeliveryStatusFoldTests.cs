using Vinculo.Dispatch;
using Vinculo.Planning;
using Xunit;

namespace Vinculo.Core.Tests.Dispatch;

public sealed class DeliveryStatusFoldTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 14, 0, 0, TimeSpan.Zero);

    private static long nextEvent;

    private static PendingStatus Status(string status, long? messageId = 1, string messageStatus = MessageStatuses.Sent, long contactId = 10, int minute = 0) => new()
    {
        EventId = ++nextEvent,
        ProviderMessageId = "wamid." + messageId,
        Status = status,
        OccurredAt = Now.AddMinutes(minute - 60),
        ReceivedAt = Now.AddMinutes(minute - 60),
        MessageId = messageId,
        MessageStatus = messageId is null ? null : messageStatus,
        ContactId = messageId is null ? null : contactId,
    };

    [Fact]
    public void Fold_MovesAMessageForward_ThroughEveryStatusOfTheBatch()
    {
        var delivered = Status(MessageStatuses.Delivered);
        var read = Status(MessageStatuses.Read, minute: 1);

        var batch = DeliveryStatusFold.Fold([delivered, read], Now);

        Assert.Equal(new Dictionary<long, string> { [1] = MessageStatuses.Read }, batch.Moves);
        Assert.Equal([(delivered.EventId, "applied: sent -> delivered"), (read.EventId, "applied: delivered -> read")], batch.Processed);
        Assert.Equal([("wamid.1", 10L, read.OccurredAt)], batch.Reads);
        Assert.Equal([10L], batch.Reachable);
        Assert.Equal((2L, 0L, 0L, 0L), (batch.Applied, batch.Ignored, batch.Waiting, batch.GivenUp));
        Assert.Empty(batch.Failed);
    }

    [Fact]
    public void Fold_IgnoresAStatusThatWouldMoveBack_JudgedFromTheBatchsOwnMove()
    {
        var read = Status(MessageStatuses.Read);
        var delivered = Status(MessageStatuses.Delivered, minute: 1);

        var batch = DeliveryStatusFold.Fold([read, delivered], Now);

        Assert.Equal(new Dictionary<long, string> { [1] = MessageStatuses.Read }, batch.Moves);
        Assert.Equal((delivered.EventId, "ignored: already read"), batch.Processed[1]);
        Assert.Equal((1L, 1L), (batch.Applied, batch.Ignored));
    }

    [Fact]
    public void Fold_HandsAFailureOn_FromTheStoredStatus_AndDropsTheBatchsMoveOfThatMessage()
    {
        var failed = Status(MessageStatuses.Failed, messageStatus: MessageStatuses.Sending, minute: 1);
        failed.ErrorCode = 131026;

        var batch = DeliveryStatusFold.Fold([Status(MessageStatuses.Sent, messageStatus: MessageStatuses.Sending), failed], Now);

        Assert.Empty(batch.Moves);
        var (status, from) = Assert.Single(batch.Failed);
        Assert.Same(failed, status);
        Assert.Equal(MessageStatuses.Sending, from);
        Assert.Equal("applied: sent -> failed", batch.Processed[1].Outcome);
        Assert.Empty(batch.Reachable);
    }

    [Fact]
    public void Fold_DeliveredClearsUnreachable_WithoutARead()
    {
        var batch = DeliveryStatusFold.Fold([Status(MessageStatuses.Delivered, contactId: 77)], Now);

        Assert.Equal([77L], batch.Reachable);
        Assert.Empty(batch.Reads);
    }

    [Fact]
    public void Fold_KeepsEachMessageApart()
    {
        var batch = DeliveryStatusFold.Fold([Status(MessageStatuses.Read, messageId: 1), Status(MessageStatuses.Delivered, messageId: 2, contactId: 20)], Now);

        Assert.Equal(new Dictionary<long, string> { [1] = MessageStatuses.Read, [2] = MessageStatuses.Delivered }, batch.Moves);
        Assert.Equal([10L, 20L], batch.Reachable.Order());
    }

    [Fact]
    public void Fold_LeavesAStatusOfAnUnknownMessageWaiting_UntilItIsOlderThanTheGiveUp()
    {
        var recent = Status(MessageStatuses.Delivered, messageId: null);
        recent.ReceivedAt = Now - DeliveryStatusFold.GiveUpAfter;
        var old = Status(MessageStatuses.Delivered, messageId: null);
        old.ReceivedAt = Now - DeliveryStatusFold.GiveUpAfter - TimeSpan.FromTicks(1);

        var batch = DeliveryStatusFold.Fold([recent, old], Now);

        Assert.Equal((1L, 1L), (batch.Waiting, batch.GivenUp));
        Assert.Equal([(old.EventId, "no_such_message")], batch.Processed);
        Assert.Empty(batch.Moves);
    }

    [Fact]
    public void Fold_OfNothing_DoesNothing()
    {
        var batch = DeliveryStatusFold.Fold([], Now);

        Assert.Empty(batch.Moves);
        Assert.Empty(batch.Processed);
        Assert.Equal(0L, batch.Applied + batch.Ignored + batch.Waiting + batch.GivenUp);
    }
}
