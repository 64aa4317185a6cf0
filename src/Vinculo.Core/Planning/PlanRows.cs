using Vinculo.Consent;

namespace Vinculo.Planning;

/// <summary>One contact row whose consent may make its number messageable, and its own signs of life.</summary>
public sealed class ConsentHolder(long contactId, DateTimeOffset? lastInteractionAt, ConsentState consent)
{
    public long ContactId { get; } = contactId;

    public ConsentState Consent { get; } = consent;

    /// <summary><c>contacts.last_interaction_at</c>, then raised by every interaction of the row (as <c>expire-consents</c> counts them).</summary>
    public DateTimeOffset? LastActivityAt { get; set; } = lastInteractionAt;

    public DateTimeOffset? LastPurchaseAt { get; set; }

    public ContactActivity Activity => new(LastActivityAt, LastPurchaseAt);
}

/// <summary>A message already in <c>message_queue</c> for the person's number.</summary>
public readonly record struct QueuedMessage(long ContentId, string Status, DateTimeOffset ScheduledAt, DateTimeOffset? SentAt)
{
    public DateTimeOffset At => SentAt ?? ScheduledAt;

    public CappedMessage Capped => new(Status, ScheduledAt, SentAt);

    /// <summary>Went out to the person (the dispatcher or WhatsApp said so).</summary>
    public bool WentOut => Status is MessageStatuses.Sent or MessageStatuses.Delivered or MessageStatuses.Read;
}

/// <summary>
/// One person as the planner sees it: the oldest live row of a number (its <c>phone_status</c> is <c>valid</c> or
/// <c>repaired</c>; the number's other rows are <c>duplicate</c>), the granted consents of every live row of that
/// number, and the signals read for them in the batch.
/// </summary>
public sealed class PlanPerson
{
    public long ContactId { get; init; }

    public string? Name { get; init; }

    public required string Phone { get; init; }

    public string? TimeZone { get; init; }

    public int? PreferredHour { get; init; }

    public DateTimeOffset? LastInteractionAt { get; init; }

    public bool Suppressed { get; init; }

    /// <summary>Granted consents of the person's live rows, this row's first; empty means nobody may message the number.</summary>
    public List<ConsentHolder> Consents { get; } = new(1);

    public DateTimeOffset? LastPurchaseAt { get; set; }

    /// <summary>The product of the latest purchase that names one.</summary>
    public string? LastProduct { get; set; }

    private DateTimeOffset? lastProductAt;

    /// <summary>The latest interaction of any kind of the person's consenting rows, however old.</summary>
    public DateTimeOffset? LastActivityAt { get; private set; }

    /// <summary>The latest message or reply the person wrote, however old.</summary>
    public DateTimeOffset? LastInboundAt { get; private set; }

    public List<CategoryPurchases>? Categories { get; private set; }

    /// <summary>Inbound messages, replies and reads of the lookback: the habitual hour's evidence (and replies for engagement).</summary>
    public List<(DateTimeOffset At, bool Inbound)>? Recent { get; private set; }

    /// <summary>
    /// Messages planned or sent within the window (<see cref="PlanWindows.MessagesSince"/>) that reached or may still reach
    /// the person: queued, sending, sent, delivered or read (a failed or cancelled one counts nowhere).
    /// </summary>
    public List<QueuedMessage>? Messages { get; private set; }

    /// <summary>Of the night's contents, those that went out to the number before the window (novelty).</summary>
    public HashSet<long>? SentEarlier { get; private set; }

    /// <summary>Messages that went out to the number before the window and after the person last wrote (the unanswered streak).</summary>
    public int UnansweredEarlier { get; set; }

    public void SawActivity(DateTimeOffset at)
    {
        if (LastActivityAt is null || at > LastActivityAt)
        {
            LastActivityAt = at;
        }
    }

    public void SawInbound(DateTimeOffset? at)
    {
        if (at is { } instant && (LastInboundAt is null || instant > LastInboundAt))
        {
            LastInboundAt = instant;
        }
    }

    /// <summary>A row's purchases in one <paramref name="category"/> (as stored; a blank one counts only towards <see cref="LastPurchaseAt"/>).</summary>
    public void AddPurchases(string? category, int count, DateTimeOffset lastAt)
    {
        if (LastPurchaseAt is null || lastAt > LastPurchaseAt)
        {
            LastPurchaseAt = lastAt;
        }

        if (string.IsNullOrWhiteSpace(category))
        {
            return;
        }

        Categories ??= new(2);
        for (var i = 0; i < Categories.Count; i++)
        {
            var known = Categories[i];
            if (string.Equals(known.Category, category, StringComparison.Ordinal))
            {
                Categories[i] = new CategoryPurchases(category, known.Count + count, lastAt > known.LastPurchaseAt ? lastAt : known.LastPurchaseAt);
                return;
            }
        }

        Categories.Add(new CategoryPurchases(category, count, lastAt));
    }

    /// <summary>
    /// The latest purchase of one of the person's rows that names a product (more than white space); of two at the same
    /// instant, the greater product in ordinal order, whatever order they come in.
    /// </summary>
    public void SawProduct(DateTimeOffset at, string? product)
    {
        if (!string.IsNullOrWhiteSpace(product) && (lastProductAt is null || at > lastProductAt || (at == lastProductAt && string.CompareOrdinal(product, LastProduct) > 0)))
        {
            lastProductAt = at;
            LastProduct = product;
        }
    }

    public void AddRecent(DateTimeOffset at, bool inbound) => (Recent ??= new(4)).Add((at, inbound));

    public void AddMessage(QueuedMessage message) => (Messages ??= new(2)).Add(message);

    public void AddSentEarlier(long contentId) => (SentEarlier ??= new(2)).Add(contentId);
}

/// <summary>
/// How far back the planner reads signals that only matter within a window; everything older that a rule still needs is
/// read summed up: the latest instants, purchases per category, the night's contents that already went out, and the
/// length of the unanswered streak.
/// </summary>
/// <param name="RecentSince">Start of the lookback of habitual-hour evidence, engagement and replies (<see cref="NightPlanner.LookbackDays"/>).</param>
/// <param name="MessagesSince">
/// Messages whose instant lies before this neither count for engagement nor can cap the send day: the earlier of
/// <paramref name="RecentSince"/> and <c>Messaging:FrequencyCapDays</c> before the run (every slot lies after the run).
/// </param>
public readonly record struct PlanWindows(DateTimeOffset RecentSince, DateTimeOffset MessagesSince);

/// <summary>An active content as the planner uses it.</summary>
public sealed record PlanContent(
    long ContentId, string Name, PlannableContent Plannable, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, bool UsesProduct)
{
    /// <summary>Whether the content may go out at <paramref name="at"/> (<c>starts_at</c> inclusive, <c>ends_at</c> exclusive).</summary>
    public bool IsValidAt(DateTimeOffset at) => (StartsAt is null || StartsAt <= at) && (EndsAt is null || at < EndsAt);
}

/// <summary>A content the planner will not send tonight, and why (for <c>job_runs.detail</c>).</summary>
public sealed record SkippedContent(long ContentId, string Name, string Problem);
