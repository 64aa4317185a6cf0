using Vinculo.Planning;

namespace Vinculo.Dispatch;

/// <summary>
/// How WhatsApp's delivery statuses move a message (SPEC section 6): only forward, <c>sent</c> &lt; <c>delivered</c> &lt;
/// <c>read</c>, whatever order they arrive in and however often. <c>failed</c> lands only on a message not yet known to
/// have arrived (sending or sent); a later <c>delivered</c> or <c>read</c> is proof that it did arrive, and wins. A queued
/// or cancelled message stays as it is: WhatsApp never had it, or it was re-queued after a refusal. Pure.
/// </summary>
public static class DeliveryProgress
{
    /// <summary>The status a message moves to when WhatsApp reports <paramref name="reported"/>, or null when it does not move.</summary>
    /// <param name="current">The message's status now (<see cref="MessageStatuses"/>).</param>
    /// <param name="reported">What WhatsApp reported: sent, delivered, read or failed.</param>
    public static string? Next(string current, string reported)
    {
        var from = Rank(current);
        if (from is null)
        {
            return null;
        }

        var to = reported switch
        {
            MessageStatuses.Sent => 1,
            MessageStatuses.Failed => 2,
            MessageStatuses.Delivered => 3,
            MessageStatuses.Read => 4,
            _ => 0,
        };

        if (to == 2)
        {
            // A failure says nothing new about a message known to have arrived, or already failed.
            return from <= 1 ? MessageStatuses.Failed : null;
        }

        return to > from ? reported : null;
    }

    /// <summary>Sending 0, sent 1, failed 2, delivered 3, read 4; null for the statuses WhatsApp's reports never move.</summary>
    private static int? Rank(string status) => status switch
    {
        MessageStatuses.Sending => 0,
        MessageStatuses.Sent => 1,
        MessageStatuses.Failed => 2,
        MessageStatuses.Delivered => 3,
        MessageStatuses.Read => 4,
        _ => null,
    };
}
