namespace Vinculo.Consent;

/// <summary>What <c>consents</c> holds about one contact, as far as freshness goes.</summary>
/// <param name="Status">A <see cref="ConsentStatuses"/> value.</param>
/// <param name="GrantedAt">When consent was given; counts as the first sign of life.</param>
/// <param name="LastConfirmedAt">The latest renewal (an opt-in keyword while already granted, a renewed form).</param>
/// <param name="ExpiresAt">A hard end the consent was given with, if any.</param>
public sealed record ConsentState(string Status, DateTimeOffset? GrantedAt, DateTimeOffset? LastConfirmedAt, DateTimeOffset? ExpiresAt);

/// <summary>The contact's latest signs of life outside the consent row (<c>contacts.last_interaction_at</c>, purchases).</summary>
public readonly record struct ContactActivity(DateTimeOffset? LastInteractionAt, DateTimeOffset? LastPurchaseAt);

/// <summary>Why a granted consent is stale: the <c>reason</c> of the <c>expired</c> event and of <c>consents</c>.</summary>
public static class StaleReasons
{
    public const string ExpiresAtPassed = "expires_at_passed";

    /// <summary>No interaction, purchase or renewal for <c>Consent:MaxIdleDays</c>.</summary>
    public const string Idle = "idle";
}

/// <summary>Whether a consent still allows messaging as far as time goes (suppression, phone and cap are checked elsewhere).</summary>
/// <param name="IsFresh">Granted and before <paramref name="FreshUntil"/>.</param>
/// <param name="IsStale">Granted but past its time: <c>expire-consents</c> turns it into <c>expired</c>.</param>
/// <param name="Reason">A <see cref="StaleReasons"/> value when stale, else null.</param>
/// <param name="FreshUntil">
/// The first instant at which a granted consent is stale, in UTC; null when the consent is not granted, or when no sign
/// of life (grant, renewal, interaction, purchase) is known to count from.
/// </param>
public readonly record struct Freshness(bool IsFresh, bool IsStale, string? Reason, DateTimeOffset? FreshUntil);

/// <summary>
/// Stale consent (SPEC section 4): a granted consent stops counting when its <c>expires_at</c> has passed, or when no
/// interaction, purchase or renewal happened for <c>Consent:MaxIdleDays</c>. Pure: the caller passes "now".
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Both limits are deadlines, and a deadline instant itself is stale: consent granted at 10:00 with 365 idle days
/// is fresh until 10:00 365 days later, exclusive, just as a consent whose <c>expires_at</c> is now has expired. The
/// planner asks about a future send time, so "fresh at that instant" is what matters, and erring by one tick towards
/// not sending is the lawful side.</item>
/// <item>Days are exact 24-hour periods between instants, not calendar days in anyone's zone: 365 days is not always a
/// calendar year.</item>
/// <item>The last sign of life is the latest of <c>granted_at</c>, <c>last_confirmed_at</c>, the last interaction and
/// the last purchase. A granted consent with none of these dates cannot show when anything happened and is stale
/// (<see cref="StaleReasons.Idle"/>): the business must be able to prove consent (LGPD art. 8 §2).</item>
/// <item>Once <c>expires_at</c> has passed, the reason is <see cref="StaleReasons.ExpiresAtPassed"/> even when the idle
/// limit passed earlier: it is the concrete end the consent was given with, and <c>expire-consents</c> can tell it with a
/// plain comparison, set-based, on every engine.</item>
/// <item>Only <c>granted</c> consent can be fresh or stale; <c>revoked</c> and <c>expired</c> are neither.</item>
/// </list>
/// </remarks>
public static class ConsentFreshness
{
    /// <summary>Default of <c>Consent:MaxIdleDays</c>.</summary>
    public const int DefaultMaxIdleDays = 365;

    /// <summary>Upper bound of <c>Consent:MaxIdleDays</c> (a hundred years): beyond it the setting is a typo.</summary>
    public const int MaxMaxIdleDays = 36_500;

    /// <param name="maxIdleDays"><c>Consent:MaxIdleDays</c>, from 1 to <see cref="MaxMaxIdleDays"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxIdleDays"/> is out of range.</exception>
    public static Freshness Evaluate(ConsentState consent, ContactActivity activity, int maxIdleDays, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(consent);
        if (maxIdleDays is < 1 or > MaxMaxIdleDays)
        {
            throw new ArgumentOutOfRangeException(
                nameof(maxIdleDays), maxIdleDays, $"The idle period must be from 1 to {MaxMaxIdleDays} days.");
        }

        if (consent.Status != ConsentStatuses.Granted)
        {
            return new Freshness(false, false, null, null);
        }

        var lastSignOfLife = Latest(Latest(consent.GrantedAt, consent.LastConfirmedAt), Latest(activity.LastInteractionAt, activity.LastPurchaseAt));
        var idleUntil = lastSignOfLife is { } last ? Plus(last, TimeSpan.FromDays(maxIdleDays)) : (DateTimeOffset?)null;
        var expiresAt = consent.ExpiresAt?.ToUniversalTime();

        DateTimeOffset? freshUntil = (expiresAt, idleUntil) switch
        {
            ({ } expires, { } idle) => expires <= idle ? expires : idle,
            ({ } expires, null) => expires,
            (null, { } idle) => idle,
            _ => null,
        };

        if (freshUntil is { } until && now < until && idleUntil is not null)
        {
            return new Freshness(true, false, null, until);
        }

        var expired = expiresAt is { } passed && now >= passed;
        return new Freshness(false, true, expired ? StaleReasons.ExpiresAtPassed : StaleReasons.Idle, idleUntil is null ? null : freshUntil);
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a.Value >= b.Value ? a : b;

    /// <summary>The instant <paramref name="span"/> after <paramref name="instant"/>, in UTC, held at the calendar's end.</summary>
    private static DateTimeOffset Plus(DateTimeOffset instant, TimeSpan span) =>
        instant.UtcTicks > DateTimeOffset.MaxValue.UtcTicks - span.Ticks
            ? DateTimeOffset.MaxValue
            : new DateTimeOffset(instant.UtcTicks + span.Ticks, TimeSpan.Zero);
}
