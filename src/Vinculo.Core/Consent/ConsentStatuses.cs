namespace Vinculo.Consent;

/// <summary>The values of <c>consents.status</c> (SPEC section 4). Users and dashboards rely on these strings.</summary>
public static class ConsentStatuses
{
    /// <summary>The person agreed to receive marketing messages; still subject to freshness (<see cref="ConsentFreshness"/>).</summary>
    public const string Granted = "granted";

    /// <summary>The person asked to stop (an opt-out, WhatsApp's stop button, error 131050).</summary>
    public const string Revoked = "revoked";

    /// <summary>The consent went stale: its <c>expires_at</c> passed, or nothing happened for <c>Consent:MaxIdleDays</c>.</summary>
    public const string Expired = "expired";
}
