namespace Vinculo.Import;

/// <summary>What an imported "this person consented" does to the consent a contact has.</summary>
public enum ConsentChange
{
    None,

    /// <summary>No consent row yet: one is created, <c>granted</c>, with a <c>granted</c> event.</summary>
    Grant,

    /// <summary>A revoked or expired consent, given again after it ended: <c>granted</c> again, with a <c>granted</c> event.</summary>
    Regrant,

    /// <summary>Still granted, confirmed later than last known: <c>last_confirmed_at</c> moves, with a <c>renewed</c> event.</summary>
    Renew,
}

/// <summary>
/// The rule for consent that arrives in a file (a contact CSV's consent columns, a chat with <c>Import:ChatGrantsConsent</c>).
/// A file is a statement about the past, so it never outranks what happened after it: an opt-out (or an expiry) later than
/// the file's consent time stands, and a consent time the base already knows adds nothing, so importing the same file
/// again writes no event. Without a consent time, a file can only give consent where there was none.
/// </summary>
public static class ImportedConsent
{
    /// <param name="status">The contact's <c>consents.status</c>, or null when it has no consent row.</param>
    /// <param name="lastConfirmedAt">Its <c>last_confirmed_at</c>.</param>
    /// <param name="changedAt">Its <c>changed_at</c>: when it was granted, revoked or expired.</param>
    /// <param name="at">When the file says the person consented; null when it does not say.</param>
    public static ConsentChange Decide(string? status, DateTimeOffset? lastConfirmedAt, DateTimeOffset? changedAt, DateTimeOffset? at)
    {
        if (status is null)
        {
            return ConsentChange.Grant;
        }

        if (at is not { } when)
        {
            return ConsentChange.None;
        }

        if (status == Consent.ConsentStatuses.Granted)
        {
            return lastConfirmedAt is null || when > lastConfirmedAt ? ConsentChange.Renew : ConsentChange.None;
        }

        return changedAt is null || when > changedAt ? ConsentChange.Regrant : ConsentChange.None;
    }
}
