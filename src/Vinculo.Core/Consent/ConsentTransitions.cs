namespace Vinculo.Consent;

/// <summary>One contact's <c>consents</c> row. No row at all means no consent.</summary>
public sealed record ConsentRecord(
    string Status,
    string Source,
    DateTimeOffset? GrantedAt,
    DateTimeOffset? LastConfirmedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset ChangedAt,
    string? Reason);

/// <summary>What a request does to a consent: the row to store and the event to append, or nothing at all.</summary>
/// <param name="Next">The row after the change; null when nothing changes.</param>
/// <param name="Event">A <see cref="ConsentEvents"/> value to append; null exactly when <paramref name="Next"/> is null.</param>
public readonly record struct ConsentChange(ConsentRecord? Next, string? Event)
{
    public static readonly ConsentChange None = new(null, null);

    public bool Changes => Next is not null;
}

/// <summary>
/// How grants and revocations move a consent (SPEC section 4). Every change appends exactly one event and a request
/// that changes nothing appends none, so processing the same message or file again leaves the ledger as it was.
/// </summary>
public static class ConsentTransitions
{
    /// <summary>
    /// A grant (opt-in keyword, form, CSV, chat): no consent, a revoked or an expired one becomes <c>granted</c>
    /// (<see cref="ConsentEvents.Granted"/>); a granted one is renewed (<see cref="ConsentEvents.Renewed"/>) when
    /// <paramref name="at"/> is later than its last confirmation.
    /// </summary>
    /// <remarks>
    /// A grant dated no later than the current revocation or expiry changes nothing: a CSV row saying "consented in
    /// March" does not undo an opt-out sent in May (LGPD art. 8 §5: revocation stands until the person says otherwise).
    /// Nor does a renewal dated before the last confirmation move it back.
    /// </remarks>
    /// <param name="expiresAt">A hard end the consent was given with, if any.</param>
    public static ConsentChange Grant(ConsentRecord? current, string source, DateTimeOffset at, DateTimeOffset? expiresAt = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        if (current is null || current.Status != ConsentStatuses.Granted)
        {
            if (current is not null && at <= current.ChangedAt)
            {
                return ConsentChange.None;
            }

            return new ConsentChange(new ConsentRecord(ConsentStatuses.Granted, source, at, at, expiresAt, at, null), ConsentEvents.Granted);
        }

        var confirmed = current.LastConfirmedAt ?? current.GrantedAt;
        if (confirmed is { } last && at <= last)
        {
            return ConsentChange.None;
        }

        return new ConsentChange(
            current with { LastConfirmedAt = at, ExpiresAt = expiresAt ?? current.ExpiresAt, ChangedAt = at, Reason = null },
            ConsentEvents.Renewed);
    }

    /// <summary>
    /// A revocation (opt-out, WhatsApp's stop, error 131050): anything but an already revoked consent becomes
    /// <c>revoked</c>, whatever its dates. Without a consent row, the revocation is still recorded: it is the
    /// business's proof that the person asked to stop.
    /// </summary>
    /// <param name="reason">Why, as stored in <c>consents.reason</c> (an intent rule, a provider code).</param>
    public static ConsentChange Revoke(ConsentRecord? current, string source, DateTimeOffset at, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        if (current?.Status == ConsentStatuses.Revoked)
        {
            return ConsentChange.None;
        }

        var next = current is null
            ? new ConsentRecord(ConsentStatuses.Revoked, source, null, null, null, at, reason)
            : current with { Status = ConsentStatuses.Revoked, ChangedAt = at, Reason = reason };
        return new ConsentChange(next, ConsentEvents.Revoked);
    }
}
