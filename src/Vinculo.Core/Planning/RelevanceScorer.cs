using System.Buffers;
using System.Collections.Frozen;
using System.Text;
using System.Text.Json;

namespace Vinculo.Planning;

/// <summary>Purchases of one category by one person, as <c>interactions</c> sums them up.</summary>
/// <param name="Category">The purchases' <c>category</c>.</param>
/// <param name="Count">How many purchases (<c>kind = 'purchase'</c>) in that category.</param>
/// <param name="LastPurchaseAt">The latest of them.</param>
public readonly record struct CategoryPurchases(string Category, int Count, DateTimeOffset LastPurchaseAt);

/// <summary>
/// What the business knows about one person (one phone number) that bears on relevance, filled by the planner from SQL
/// in batches. Counts below zero are read as zero, and reads or replies beyond the messages sent as that many.
/// </summary>
public sealed record ContactSignals
{
    /// <summary>The latest purchase, any category.</summary>
    public DateTimeOffset? LastPurchaseAt { get; init; }

    /// <summary>The latest interaction (<c>contacts.last_interaction_at</c>): a message, reply, read or click.</summary>
    public DateTimeOffset? LastInteractionAt { get; init; }

    /// <summary>Purchases per category; purchases without a category count only in <see cref="LastPurchaseAt"/>.</summary>
    public IReadOnlyList<CategoryPurchases> PurchasesByCategory { get; init; } = [];

    /// <summary>Messages sent to the person in the planner's lookback.</summary>
    public int MessagesSent { get; init; }

    /// <summary>Of those, how many were read (or clicked).</summary>
    public int MessagesRead { get; init; }

    /// <summary>Of those, how many got a reply.</summary>
    public int MessagesReplied { get; init; }

    /// <summary>
    /// Messages sent to the person since they last wrote to or replied to the business: the streak they have left
    /// unanswered, however long ago it started.
    /// </summary>
    public int UnansweredInARow { get; init; }

    /// <summary>Contents already sent or planned for the person (any status but failed or cancelled).</summary>
    public IReadOnlySet<long> SentContentIds { get; init; } = FrozenSet<long>.Empty;
}

/// <summary>An active content the planner may send (a row of <c>contents</c>).</summary>
/// <param name="ContentId"><c>content_id</c>.</param>
/// <param name="Category"><c>category</c>; null or blank when the content is for anyone.</param>
/// <param name="Priority"><c>priority</c>: 0 is neutral, higher is more urgent, negative holds a content back.</param>
/// <param name="Body"><c>body</c>, the text <see cref="MessageRenderer"/> fills in.</param>
public sealed record PlannableContent(long ContentId, string? Category, int Priority, string Body);

/// <summary>
/// The relevance of one content for one person, with every component so that the decision can be explained
/// (<c>message_queue.relevance</c> and <c>score_detail</c>). All values are in [0, 1].
/// </summary>
/// <param name="Total">The relevance compared with <c>Messaging:MinRelevance</c>.</param>
/// <param name="Recency">How recently the person bought or interacted: 1 today, halving every <see cref="RelevanceScorer.RecencyHalfLifeDays"/>.</param>
/// <param name="Engagement">Reads and replies to earlier messages; 0.5 when nothing was sent yet.</param>
/// <param name="Affinity">The content's category against the person's purchases (for a content without one, how recently the person bought at all, halved).</param>
/// <param name="Fatigue">How tired of messages the person seems: 0 fresh, towards 1 after many unanswered ones.</param>
/// <param name="Priority">The content's priority mapped onto [0, 1]; 0.5 for priority 0.</param>
/// <param name="Novelty">1 for a content the person never got; 0 for one already sent, which makes <paramref name="Total"/> 0.</param>
public readonly record struct RelevanceScore(double Total, double Recency, double Engagement, double Affinity, double Fatigue, double Priority, double Novelty);

/// <summary>
/// Relevance of a content for a person (SPEC section 5), from signals the business already has. Pure, thread-safe and
/// allocation-free per score: it runs for every active content and every eligible person each night.
/// </summary>
/// <remarks>
/// <para>Total = Novelty × (1 − W<sub>fatigue</sub> × Fatigue) × (W<sub>r</sub>·Recency + W<sub>e</sub>·Engagement +
/// W<sub>a</sub>·Affinity + W<sub>p</sub>·Priority) / (W<sub>r</sub> + W<sub>e</sub> + W<sub>a</sub> + W<sub>p</sub>):
/// a weighted average of what makes a message welcome, damped by fatigue, and nothing at all for a content the person
/// already got. Components:</para>
/// <list type="bullet">
/// <item>Recency = 2^(−days since the latest purchase or interaction / <see cref="RecencyHalfLifeDays"/>); 0 with neither.
/// With the default weights, a person silent for months stays under the default <c>Messaging:MinRelevance</c> whatever
/// the content's priority: no message merely to remind them we exist.</item>
/// <item>Engagement = (reads + replies + 1) / (sent + 2), at most 1: the share of messages read, a reply counting once
/// more, smoothed so that a newcomer starts at 0.5 and two or three messages do not make a verdict.</item>
/// <item>Affinity = √(share of the person's purchases in the content's category) × 2^(−days since the last of them /
/// <see cref="AffinityHalfLifeDays"/>); 0 when the person never bought in it. The square root keeps a second interest
/// alive beside a main one (a quarter of purchases gives 0.5). Categories are compared ignoring case and surrounding
/// spaces. A content without a category gets 0.5 × 2^(−days since the last purchase of any kind /
/// <see cref="AffinityHalfLifeDays"/>): half of a perfect match, so that a matching category wins, and nothing for
/// someone who never bought, so that neutral values cannot carry a dormant person over <c>Messaging:MinRelevance</c>.</item>
/// <item>Fatigue = u / (u + <see cref="FatigueHalfStreak"/>), u the unanswered messages in a row: two unanswered
/// messages are half fatigue.</item>
/// <item>Priority = 1 / (1 + e^(−priority / <see cref="PriorityScale"/>)): 0.5 at 0, 0.73 at 2, 0.92 at 5, bounded
/// either way so that no priority can outweigh the person's own signals.</item>
/// </list>
/// <para>Instants after the planning instant count as now.</para>
/// </remarks>
public sealed class RelevanceScorer
{
    /// <summary>Days after which recency halves.</summary>
    public const double RecencyHalfLifeDays = 60;

    /// <summary>Days after which a category's pull halves.</summary>
    public const double AffinityHalfLifeDays = 180;

    /// <summary>Unanswered messages in a row that make fatigue 0.5.</summary>
    public const double FatigueHalfStreak = 2;

    /// <summary>What the priority is divided by before the logistic curve: priority 2 gives 0.73, −2 gives 0.27.</summary>
    public const double PriorityScale = 2;

    /// <summary>
    /// A content for everyone appeals half as much as one in the only category a person buys, so that a matching
    /// category wins; and, like any affinity, only to someone who buys.
    /// </summary>
    private const double UncategorisedAffinity = 0.5;

    private readonly double _recency;
    private readonly double _engagement;
    private readonly double _affinity;
    private readonly double _priority;
    private readonly double _fatigue;

    /// <exception cref="ArgumentException"><paramref name="weights"/> is invalid; the message lists every problem.</exception>
    public RelevanceScorer(RelevanceWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Validate() is { Count: > 0 } failures)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, failures), nameof(weights));
        }

        Weights = weights;
        var sum = weights.Recency + weights.Engagement + weights.Affinity + weights.Priority;
        _recency = weights.Recency / sum;
        _engagement = weights.Engagement / sum;
        _affinity = weights.Affinity / sum;
        _priority = weights.Priority / sum;
        _fatigue = weights.Fatigue;
    }

    /// <summary>The weights in use.</summary>
    public RelevanceWeights Weights { get; }

    /// <summary>The relevance of <paramref name="content"/> for <paramref name="contact"/> as of <paramref name="now"/>.</summary>
    public RelevanceScore Score(ContactSignals contact, PlannableContent content, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentNullException.ThrowIfNull(content);

        var recency = Decay(Latest(contact.LastPurchaseAt, contact.LastInteractionAt), now, RecencyHalfLifeDays);
        var engagement = Engagement(contact.MessagesSent, contact.MessagesRead, contact.MessagesReplied);
        var affinity = Affinity(contact, content.Category, now);
        var unanswered = Math.Max(0, contact.UnansweredInARow);
        var fatigue = unanswered / (unanswered + FatigueHalfStreak);
        var priority = 1 / (1 + Math.Exp(-(content.Priority / PriorityScale)));
        var novelty = contact.SentContentIds.Contains(content.ContentId) ? 0.0 : 1.0;

        var welcome = (_recency * recency) + (_engagement * engagement) + (_affinity * affinity) + (_priority * priority);
        var total = Math.Clamp(novelty * (1 - (_fatigue * fatigue)) * welcome, 0, 1);
        return new RelevanceScore(total, recency, engagement, affinity, fatigue, priority, novelty);
    }

    /// <summary>
    /// <paramref name="score"/> as <c>score_detail</c>: a compact JSON object with a fixed key order, numbers rounded to 4
    /// decimals in invariant form, and the weights that produced it, so that a row explains itself after the weights
    /// change: <c>{"total":0.6125,"recency":0.5,…,"novelty":1,"weights":{"recency":0.25,…}}</c>.
    /// </summary>
    public string ToJson(in RelevanceScore score)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            Write(json, "total", score.Total);
            Write(json, "recency", score.Recency);
            Write(json, "engagement", score.Engagement);
            Write(json, "affinity", score.Affinity);
            Write(json, "fatigue", score.Fatigue);
            Write(json, "priority", score.Priority);
            Write(json, "novelty", score.Novelty);
            json.WriteStartObject("weights");
            Write(json, "recency", Weights.Recency);
            Write(json, "engagement", Weights.Engagement);
            Write(json, "affinity", Weights.Affinity);
            Write(json, "priority", Weights.Priority);
            Write(json, "fatigue", Weights.Fatigue);
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // Adding 0.0 turns a negative zero into "0" rather than "-0".
    private static void Write(Utf8JsonWriter json, string name, double value) =>
        json.WriteNumber(name, Math.Round(value, 4, MidpointRounding.AwayFromZero) + 0.0);

    private static double Engagement(int sent, int read, int replied)
    {
        sent = Math.Max(0, sent);
        read = Math.Clamp(read, 0, sent);
        replied = Math.Clamp(replied, 0, sent);
        return Math.Min(1, ((double)read + replied + 1) / ((double)sent + 2));
    }

    private static double Affinity(ContactSignals contact, string? category, DateTimeOffset now)
    {
        var wanted = category.AsSpan().Trim();
        if (wanted.IsEmpty)
        {
            return UncategorisedAffinity * Decay(contact.LastPurchaseAt, now, AffinityHalfLifeDays);
        }

        var purchases = contact.PurchasesByCategory;
        // Indexing rather than foreach: enumerating an IReadOnlyList boxes an enumerator on every call.
        long total = 0, inCategory = 0;
        DateTimeOffset? last = null;
        for (var i = 0; i < purchases.Count; i++)
        {
            var purchase = purchases[i];
            var count = Math.Max(0, purchase.Count);
            total += count;
            if (count > 0 && wanted.Equals(purchase.Category.AsSpan().Trim(), StringComparison.OrdinalIgnoreCase))
            {
                inCategory += count;
                last = Latest(last, purchase.LastPurchaseAt);
            }
        }

        return inCategory == 0 ? 0 : Math.Sqrt((double)inCategory / total) * Decay(last, now, AffinityHalfLifeDays);
    }

    private static double Decay(DateTimeOffset? at, DateTimeOffset now, double halfLifeDays) =>
        at is { } instant ? double.Exp2(-Math.Max(0, (double)(now.UtcTicks - instant.UtcTicks) / TimeSpan.TicksPerDay) / halfLifeDays) : 0;

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : a.Value >= b.Value ? a : b;
}
