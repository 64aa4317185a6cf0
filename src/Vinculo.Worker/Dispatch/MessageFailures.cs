using Vinculo.Consent;
using Vinculo.Planning;
using Vinculo.Privacy;

namespace Vinculo.Dispatch;

/// <summary>
/// What WhatsApp's verdicts on one message do, whether they come back from the send itself (dispatch) or later as a
/// <c>failed</c> delivery status (process-inbound): the message fails with a reason, and 131026 moves the number towards
/// <c>unreachable</c>, 131050 revokes marketing consent, 131049 re-queues the message for a later day. Each change
/// applies only while the message is still in the status the caller read (<c>from</c>), inside the caller's transaction.
/// </summary>
internal sealed class MessageFailures(ConsentLedger ledger, ZoneResolver zones, SendWindow window, int maxAttempts, int unreachableAfterFailures)
{
    public static async Task<int> FailAsync(RecordContext c, ClaimedRow row, string reason, int? code, DateTimeOffset now, string from)
    {
        var changed = await c.Store.FailAsync(c, row.MessageId, reason, code, now, from);
        if (changed > 0)
        {
            c.Count("failed:" + reason);
        }

        return changed;
    }

    /// <summary>131026: the message fails, and the contact's undeliverable count grows (at the threshold a valid number becomes unreachable).</summary>
    public async Task<int> UndeliverableAsync(RecordContext c, ClaimedRow row, int? code, DateTimeOffset now, string from)
    {
        var changed = await FailAsync(c, row, DispatchReasons.Undeliverable, code, now, from);
        if (changed > 0)
        {
            await c.Store.CountUndeliverableAsync(c, row.ContactId, unreachableAfterFailures, now);
        }

        return changed;
    }

    /// <summary>
    /// 131050: the person stopped marketing messages in WhatsApp. The message fails, and as for a "stop" from the
    /// <c>user_preferences</c> webhook every live row of the number loses marketing consent (one event each, source
    /// <c>whatsapp</c>), its queued messages are cancelled and the number is suppressed.
    /// </summary>
    public async Task<int> MarketingStoppedAsync(RecordContext c, ClaimedRow row, int? code, DateTimeOffset now, string from)
    {
        var changed = await FailAsync(c, row, DispatchReasons.MarketingStopped, code, now, from);
        if (changed == 0 || string.IsNullOrEmpty(row.Number))
        {
            return changed;
        }

        var contacts = await c.Store.LiveRowsAsync(c, row.Number);
        var detail = new Dictionary<string, object?> { ["rule"] = "whatsapp:131050", ["message_id"] = row.MessageId, ["error_code"] = code };
        var revoked = await ledger.RevokeNumberAsync(
            c.Connection, c.Transaction, contacts, PhoneHash.OfEveryForm(row.Number), now, "whatsapp:131050", detail, DispatchReasons.MarketingStopped, now, c.CancellationToken);
        c.Count("consents_revoked", revoked);
        return changed;
    }

    /// <summary>
    /// Meta's per-user marketing limit (131049): the message moves to the slot <see cref="MarketingLimitRequeue"/> gives,
    /// unless its attempts are used up, no slot is found, or that day already holds another message to the number; then
    /// it fails.
    /// </summary>
    public async Task<int> RequeueLaterAsync(RecordContext c, ClaimedRow row, int? code, DateTimeOffset now, string from)
    {
        if (string.IsNullOrEmpty(row.Number)
            || MarketingLimitRequeue.NextSlot(window, zones.Resolve(row.TimeZone), row.ContactId, row.ScheduledAt, row.Attempts, maxAttempts, now) is not { } slot
            || await c.Store.IsDayTakenAsync(c, row.MessageId, row.Number, slot.Day))
        {
            return await FailAsync(c, row, DispatchReasons.MarketingLimit, code, now, from);
        }

        var changed = await c.Store.RescheduleAsync(c, row.MessageId, slot.At, slot.Day, code, now, from);
        if (changed > 0)
        {
            c.Count("requeued_marketing_limit");
        }

        return changed;
    }
}
