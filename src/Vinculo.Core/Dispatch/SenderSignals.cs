namespace Vinculo.Dispatch;

/// <summary>The webhook fields in which Meta tells the business about its own sender: number quality, templates, account.</summary>
public static class SenderSignalFields
{
    public const string PhoneQuality = "phone_number_quality_update";
    public const string TemplateStatus = "message_template_status_update";
    public const string TemplateQuality = "message_template_quality_update";
    public const string Account = "account_update";

    public static readonly IReadOnlySet<string> All = new HashSet<string>([PhoneQuality, TemplateStatus, TemplateQuality, Account], StringComparer.Ordinal);
}

/// <summary>What Vinculo does about one signal of Meta's (a row of <c>sender_health</c>).</summary>
public enum SenderSignalEffect
{
    /// <summary>Stored for the record; changes nothing (an unknown or informative value: fail closed).</summary>
    None,

    /// <summary>A messaging tier Meta reports: the effective daily limit becomes the lower of it and <c>Messaging:DailyLimit</c>.</summary>
    Tier,

    /// <summary>The number's quality was flagged: the day's sends drop to <c>Dispatch:FlaggedShare</c> of the limit.</summary>
    Flagged,

    /// <summary>The flag was lifted: the full limit again.</summary>
    Unflagged,

    /// <summary>The template cannot or should not be sent: its contents are paused and their queued messages cancelled.</summary>
    PauseTemplate,

    /// <summary>Meta approved the template again: contents paused by a signal of Meta's resume.</summary>
    ResumeTemplate,

    /// <summary>The account is restricted, disabled or in violation: all dispatching halts until <c>dispatch resume</c>.</summary>
    Halt,
}

/// <summary>
/// The pure rules behind Meta's sender signals: what each event does, what a messaging tier allows, and the day's
/// effective limit. Every value this does not know does nothing, and a tier it cannot read never raises the limit.
/// </summary>
public static class SenderSignals
{
    /// <summary>
    /// Meta's messaging tiers (unique business-initiated recipients per rolling 24 hours). TIER_1K is the older name of the
    /// second tier (Meta's reference now says TIER_2K); TIER_UNLIMITED has no number (null: no limit from Meta).
    /// TIER_NOT_SET and anything else is not a tier: it changes nothing.
    /// </summary>
    private static readonly Dictionary<string, int?> Tiers = new(StringComparer.Ordinal)
    {
        ["TIER_50"] = 50,
        ["TIER_250"] = 250,
        ["TIER_1K"] = 1_000,
        ["TIER_2K"] = 2_000,
        ["TIER_10K"] = 10_000,
        ["TIER_100K"] = 100_000,
        ["TIER_UNLIMITED"] = null,
    };

    /// <summary>Template status events after which the template cannot be sent, or is at risk from being sent more.</summary>
    private static readonly HashSet<string> PausingTemplateEvents =
        new(["PAUSED", "DISABLED", "REJECTED", "FLAGGED", "ARCHIVED", "DELETED", "PENDING_DELETION"], StringComparer.Ordinal);

    private static readonly HashSet<string> ResumingTemplateEvents = new(["APPROVED", "REINSTATED"], StringComparer.Ordinal);

    /// <summary>Account events after which nothing should be sent until a person has looked at the account.</summary>
    private static readonly HashSet<string> HaltingAccountEvents =
        new(["ACCOUNT_RESTRICTION", "ACCOUNT_VIOLATION", "DISABLED_UPDATE", "ACCOUNT_DELETED"], StringComparer.Ordinal);

    /// <summary>Whether <paramref name="tier"/> is a tier Vinculo knows; <paramref name="limit"/> is null for TIER_UNLIMITED.</summary>
    public static bool TryTierLimit(string? tier, out int? limit)
    {
        limit = null;
        return tier is not null && Tiers.TryGetValue(tier, out limit);
    }

    /// <param name="field">One of <see cref="SenderSignalFields"/>.</param>
    /// <param name="event">Meta's <c>event</c> (for template quality, the new quality score).</param>
    /// <param name="banState">For <c>DISABLED_UPDATE</c>, <c>ban_info.waba_ban_state</c>: a reinstatement halts nothing.</param>
    public static SenderSignalEffect Effect(string field, string? @event, string? tier, string? banState = null) => field switch
    {
        SenderSignalFields.PhoneQuality => @event switch
        {
            "FLAGGED" => SenderSignalEffect.Flagged,
            "UNFLAGGED" => SenderSignalEffect.Unflagged,
            _ => TryTierLimit(tier, out _) ? SenderSignalEffect.Tier : SenderSignalEffect.None,
        },
        SenderSignalFields.TemplateStatus when @event is not null && PausingTemplateEvents.Contains(@event) => SenderSignalEffect.PauseTemplate,
        SenderSignalFields.TemplateStatus when @event is not null && ResumingTemplateEvents.Contains(@event) => SenderSignalEffect.ResumeTemplate,
        SenderSignalFields.TemplateQuality when @event == "RED" => SenderSignalEffect.PauseTemplate,
        SenderSignalFields.Account when @event == "DISABLED_UPDATE" && banState == "REINSTATE" => SenderSignalEffect.None,
        SenderSignalFields.Account when @event is not null && HaltingAccountEvents.Contains(@event) => SenderSignalEffect.Halt,
        _ => SenderSignalEffect.None,
    };

    /// <summary>
    /// The day's limit of business-initiated recipients: the lower of <paramref name="configured"/> and the tier Meta
    /// reported (none, or unlimited: the configured limit), times <paramref name="flaggedShare"/> while the number is
    /// flagged, rounded down.
    /// </summary>
    public static int EffectiveDailyLimit(int configured, int? tierLimit, bool flagged, double flaggedShare)
    {
        var limit = tierLimit is { } tier ? Math.Min(configured, tier) : configured;
        return flagged ? (int)Math.Floor(limit * flaggedShare) : limit;
    }
}

/// <summary>One applied <c>phone_number_quality_update</c>, as the number's state is folded from.</summary>
public sealed record QualitySignal(string? Event, string? Tier, DateTimeOffset OccurredAt);

/// <summary>
/// The number's state as Meta last reported it: its messaging tier (the latest tier Vinculo can read; an unreadable one
/// changes nothing) and whether it is flagged (the latest FLAGGED or UNFLAGGED), each with when Meta said so.
/// </summary>
public sealed record SenderState(string? Tier, int? TierLimit, DateTimeOffset? TierSince, bool Flagged, DateTimeOffset? FlaggedSince, string? LastEvent, DateTimeOffset? LastEventAt)
{
    public static readonly SenderState Unknown = new(null, null, null, false, null, null, null);

    /// <param name="signals">In the order Meta says they happened.</param>
    public static SenderState From(IEnumerable<QualitySignal> signals)
    {
        var state = Unknown;
        foreach (var signal in signals)
        {
            if (SenderSignals.TryTierLimit(signal.Tier, out var limit))
            {
                state = state with { Tier = signal.Tier, TierLimit = limit, TierSince = signal.OccurredAt };
            }

            state = signal.Event switch
            {
                "FLAGGED" => state with { Flagged = true, FlaggedSince = state.Flagged ? state.FlaggedSince : signal.OccurredAt },
                "UNFLAGGED" => state with { Flagged = false, FlaggedSince = null },
                _ => state,
            };
            if (signal.Event is not null)
            {
                state = state with { LastEvent = signal.Event, LastEventAt = signal.OccurredAt };
            }
        }

        return state;
    }

    public int EffectiveDailyLimit(int configured, double flaggedShare) => SenderSignals.EffectiveDailyLimit(configured, TierLimit, Flagged, flaggedShare);
}
