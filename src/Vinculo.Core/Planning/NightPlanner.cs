using System.Collections.Frozen;
using Vinculo.Consent;

namespace Vinculo.Planning;

/// <summary>Why a person gets no message tonight, or that they are a candidate; each person has exactly one.</summary>
public enum PlanOutcome
{
    /// <summary>The number is on <c>suppression_list</c>.</summary>
    Suppressed,

    /// <summary>No live row of the number has a granted consent.</summary>
    NoConsent,

    /// <summary>The person's slot on the send day has passed or the day is closed in their zone.</summary>
    NoSlot,

    /// <summary>Granted, but stale at the send instant (<c>expires_at</c> or <c>Consent:MaxIdleDays</c>).</summary>
    NotFresh,

    /// <summary>Another message to the number lies within <c>Messaging:FrequencyCapDays</c> of the send instant.</summary>
    Capped,

    /// <summary>Eligible, but no content may go to them (none valid at that instant, or each needs a product they never bought).</summary>
    NoContent,

    /// <summary>Eligible, but their best content scores under <c>Messaging:MinRelevance</c>.</summary>
    BelowThreshold,

    /// <summary>Eligible with a content worth sending: offered to the day's selection.</summary>
    Candidate,
}

/// <summary>A person's best content and when it would go out.</summary>
public sealed record PlanCandidate(PlanPerson Person, PlanContent Content, RelevanceScore Score, DateTimeOffset At, DateOnly Day);

/// <summary>What the planner decided about one person: the outcome, the best content when there is one, and the hour to store.</summary>
/// <param name="HourToStore">A habitual hour learned from the evidence that differs from <c>contacts.preferred_hour</c>, else null.</param>
public readonly record struct PersonDecision(PlanOutcome Outcome, PlanCandidate? Candidate, int? HourToStore);

/// <summary>
/// The rules of SPEC section 5 for one person, on one night: the habitual hour, the slot in the person's zone,
/// fresh consent at that instant, the rolling cap, and the best content by relevance. Pure: the caller looks time-zone
/// ids up (<c>contacts.time_zone</c>, read in the business's zone when blank or unknown); one instance serves one run on
/// one thread.
/// </summary>
public sealed class NightPlanner
{
    /// <summary>Habitual-hour evidence and engagement look this far back.</summary>
    public const int LookbackDays = 180;

    /// <summary>A message counts as replied to when the person wrote within this many days of it, before the next one.</summary>
    public const int ReplyWithinDays = 7;

    private readonly SendWindow window;
    private readonly RelevanceScorer scorer;
    private readonly HabitualHourOptions hourOptions;
    private readonly IReadOnlyList<PlanContent> contents;
    private readonly int capDays;
    private readonly int maxIdleDays;
    private readonly double minRelevance;
    private readonly Func<string?, TimeZoneInfo> zoneOf;

    /// <param name="zoneOf">A person's zone from their <c>time_zone</c> as stored (null or blank included), called on this instance's thread.</param>
    public NightPlanner(
        SendWindow window, RelevanceScorer scorer, HabitualHourOptions hourOptions, Func<string?, TimeZoneInfo> zoneOf, IReadOnlyList<PlanContent> contents,
        int capDays, int maxIdleDays, double minRelevance, DateOnly day, DateTimeOffset now)
    {
        this.window = window;
        this.scorer = scorer;
        this.hourOptions = hourOptions;
        this.zoneOf = zoneOf;
        this.contents = contents;
        ContentIds = contents.Select(c => c.ContentId).ToArray();
        this.capDays = capDays;
        this.maxIdleDays = maxIdleDays;
        this.minRelevance = minRelevance;
        Day = day;
        Now = now;
    }

    public DateOnly Day { get; }

    public DateTimeOffset Now { get; }

    /// <summary>Start of the lookback: evidence and engagement older than this are not read.</summary>
    public DateTimeOffset RecentSince => Now.AddDays(-LookbackDays);

    /// <summary>
    /// The windows of the signals read for this night: the lookback, and the lookback or the cap's reach before the run,
    /// whichever is longer, for messages (every slot lies after <see cref="Now"/>, so an older message cannot cap it).
    /// </summary>
    public PlanWindows Windows => new(RecentSince, Now.AddDays(-Math.Max(LookbackDays, capDays)));

    /// <summary>The night's contents: novelty needs to know, of these alone, which already went out to a person.</summary>
    public IReadOnlyList<long> ContentIds { get; }

    /// <summary>Decides for a person who has at least one granted consent and is not suppressed, with the batch's signals read.</summary>
    public PersonDecision Decide(PlanPerson person)
    {
        var zone = zoneOf(person.TimeZone);
        var (hour, hourToStore) = HourOf(person, zone);
        var slot = window.Schedule(Day, hour, zone, person.ContactId);
        if (!slot.IsScheduled || slot.At.Value <= Now)
        {
            return new PersonDecision(PlanOutcome.NoSlot, null, hourToStore);
        }

        var at = slot.At.Value;
        if (!IsFreshAt(person, at))
        {
            return new PersonDecision(PlanOutcome.NotFresh, null, hourToStore);
        }

        if (person.Messages is { Count: > 0 } messages && !IsUncapped(messages, at))
        {
            return new PersonDecision(PlanOutcome.Capped, null, hourToStore);
        }

        var signals = SignalsOf(person);
        PlanContent? best = null;
        RelevanceScore bestScore = default;
        foreach (var content in contents)
        {
            if (!content.IsValidAt(at) || (content.UsesProduct && person.LastProduct is null))
            {
                continue;
            }

            // Scored as of the run, not the slot: two people with the same history score the same, whatever their minute.
            var score = scorer.Score(signals, content.Plannable, Now);
            if (best is null || score.Total > bestScore.Total)
            {
                best = content;
                bestScore = score;
            }
        }

        if (best is null)
        {
            return new PersonDecision(PlanOutcome.NoContent, null, hourToStore);
        }

        return bestScore.Total < minRelevance
            ? new PersonDecision(PlanOutcome.BelowThreshold, null, hourToStore)
            : new PersonDecision(PlanOutcome.Candidate, new PlanCandidate(person, best, bestScore, at, Day), hourToStore);
    }

    /// <summary>
    /// The hour to plan at: learned from the evidence when there is enough of it; otherwise the stored
    /// <c>preferred_hour</c> (learned on an earlier night, or set by the business), else <c>Messaging:DefaultHour</c>.
    /// </summary>
    private (int Hour, int? ToStore) HourOf(PlanPerson person, TimeZoneInfo zone)
    {
        var fallback = person.PreferredHour ?? hourOptions.DefaultHour;
        if (person.Recent is not { Count: > 0 } recent || recent.Count < hourOptions.MinEvidence)
        {
            return (fallback, null);
        }

        // In time order, so that the sums (and their last bits) do not depend on the order the engine returned the rows in.
        recent.Sort(static (a, b) => a.At.CompareTo(b.At));
        Span<HourEvidence> evidence = recent.Count <= 256 ? stackalloc HourEvidence[recent.Count] : new HourEvidence[recent.Count];
        for (var i = 0; i < recent.Count; i++)
        {
            evidence[i] = HourEvidence.At(recent[i].At, zone, Now);
        }

        var result = HabitualHour.Compute(evidence, hourOptions);
        if (result.Source != HabitualHourSource.Evidence)
        {
            return (fallback, null);
        }

        return (result.Hour, result.Hour == person.PreferredHour ? null : result.Hour);
    }

    /// <summary>Fresh when any live row of the number holds a granted consent that is fresh at the send instant.</summary>
    private bool IsFreshAt(PlanPerson person, DateTimeOffset at)
    {
        foreach (var holder in person.Consents)
        {
            if (ConsentFreshness.Evaluate(holder.Consent, holder.Activity, maxIdleDays, at).IsFresh)
            {
                return true;
            }
        }

        return false;
    }

    private bool IsUncapped(List<QueuedMessage> messages, DateTimeOffset at)
    {
        var capped = new CappedMessage[messages.Count];
        for (var i = 0; i < messages.Count; i++)
        {
            capped[i] = messages[i].Capped;
        }

        return FrequencyCap.IsAllowed(at, capDays, capped);
    }

    /// <summary>
    /// The person's signals for <see cref="RelevanceScorer"/>: engagement counts messages that went out in the lookback
    /// (read when WhatsApp reported them read; replied when the person wrote within <see cref="ReplyWithinDays"/> days
    /// and before the next message), the unanswered streak counts every message since the person last wrote, and
    /// novelty every content that already went out to the person (sent, delivered, read): a message that was only queued,
    /// then cancelled or failed, never reached them and does not use its content up.
    /// </summary>
    private ContactSignals SignalsOf(PlanPerson person)
    {
        var lastInteraction = Latest(person.LastActivityAt, person.LastInteractionAt);
        foreach (var holder in person.Consents)
        {
            if (holder.ContactId != person.ContactId)
            {
                lastInteraction = Latest(lastInteraction, holder.LastActivityAt);
            }
        }

        // Before the window, only novelty and the unanswered streak count: the store read them summed up.
        var unanswered = person.UnansweredEarlier;
        int sent = 0, read = 0, replied = 0;
        IReadOnlySet<long> contentIds = FrozenSet<long>.Empty;
        var ids = person.SentEarlier;
        if (person.Messages is { Count: > 0 } messages)
        {
            messages.Sort(static (a, b) => a.At.CompareTo(b.At));
            ids ??= new HashSet<long>(messages.Count);
            var since = RecentSince;
            for (var i = 0; i < messages.Count; i++)
            {
                var message = messages[i];
                if (!message.WentOut)
                {
                    continue;
                }

                ids.Add(message.ContentId);

                if (person.LastInboundAt is not { } lastInbound || message.At > lastInbound)
                {
                    unanswered++;
                }

                if (message.At < since)
                {
                    continue;
                }

                sent++;
                if (message.Status == MessageStatuses.Read)
                {
                    read++;
                }

                var until = message.At.AddDays(ReplyWithinDays);
                for (var j = i + 1; j < messages.Count; j++)
                {
                    if (messages[j].WentOut)
                    {
                        until = messages[j].At < until ? messages[j].At : until;
                        break;
                    }
                }

                if (WroteBetween(person, message.At, until))
                {
                    replied++;
                }
            }
        }

        if (ids is not null)
        {
            contentIds = ids;
        }

        return new ContactSignals
        {
            LastPurchaseAt = person.LastPurchaseAt,
            LastInteractionAt = lastInteraction,
            PurchasesByCategory = (IReadOnlyList<CategoryPurchases>?)person.Categories ?? [],
            MessagesSent = sent,
            MessagesRead = read,
            MessagesReplied = replied,
            UnansweredInARow = unanswered,
            SentContentIds = contentIds,
        };
    }

    private static bool WroteBetween(PlanPerson person, DateTimeOffset after, DateTimeOffset before)
    {
        if (person.Recent is not { } recent)
        {
            return false;
        }

        foreach (var (at, inbound) in recent)
        {
            if (inbound && at > after && at < before)
            {
                return true;
            }
        }

        return false;
    }

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a.Value >= b.Value ? a : b;
}
