namespace Vinculo.Consent;

/// <summary>
/// The values of <c>consent_events.event</c>. These rows are the business's proof of consent (LGPD art. 8 §2): they
/// are only ever appended, never updated or deleted.
/// </summary>
public static class ConsentEvents
{
    /// <summary>Consent given where there was none (no row, or a revoked or expired one).</summary>
    public const string Granted = "granted";

    /// <summary>Consent confirmed again while it was still granted (moves <c>last_confirmed_at</c>).</summary>
    public const string Renewed = "renewed";

    public const string Revoked = "revoked";

    public const string Expired = "expired";

    /// <summary>The person's data was anonymised (LGPD art. 18); the event itself keeps no personal data.</summary>
    public const string Erased = "erased";
}
