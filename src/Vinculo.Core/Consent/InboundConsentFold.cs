using System.Text.Json;

namespace Vinculo.Consent;

/// <summary>One <c>consent_events</c> row a batch appends.</summary>
/// <param name="Detail">The event's <c>detail</c> JSON, as it stood when the change was decided.</param>
public readonly record struct ConsentEventRow(long ContactId, string Event, string Source, string Detail, DateTimeOffset OccurredAt);

/// <summary>How a batch leaves one number hash on <c>suppression_list</c>.</summary>
/// <param name="Lifted">An opt-in in the batch lifted it: the stored row goes.</param>
/// <param name="SuppressedAt">The first opt-out since the last opt-in (or since the batch began): a row with this time is written.</param>
public readonly record struct SuppressionChange(bool Lifted, DateTimeOffset? SuppressedAt);

/// <summary>A consent row the batch changed, and whether it existed before the batch (updated) or not (inserted).</summary>
public readonly record struct ChangedConsent(long ContactId, ConsentRecord Record, bool Stored);

/// <summary>
/// The consent decisions of one <c>process-inbound</c> batch, made one by one in arrival order against the batch's own
/// view of each consent ("sair" then "sim" ends granted, "sim" then "sair" revoked): the final consent rows, one event
/// per change in order, the contacts whose queued messages an opt-out cancels, and the suppression list as the last
/// opt-out or opt-in of each number left it (an opt-in lifts; a later opt-out suppresses again at its own time). Pure:
/// the caller hands in each contact's stored consent before deciding about it (<see cref="Know"/>) and writes the result.
/// </summary>
public sealed class InboundConsentFold
{
    /// <summary>Each consent as the batch has it so far; null where the contact has no consent row.</summary>
    private readonly Dictionary<long, ConsentRecord?> current = [];

    /// <summary>The contacts whose consent row existed before the batch (updated, not inserted).</summary>
    private readonly HashSet<long> stored = [];

    private readonly HashSet<long> changed = [];

    private readonly List<ConsentEventRow> events = [];

    private readonly HashSet<long> revoked = [];

    private readonly Dictionary<string, SuppressionChange> suppression = new(StringComparer.Ordinal);

    /// <summary>Events in the order the changes happened.</summary>
    public IReadOnlyList<ConsentEventRow> Events => events;

    /// <summary>Contacts an opt-out reached (whether or not their consent changed): their queued messages are cancelled.</summary>
    public IReadOnlyCollection<long> Revoked => revoked;

    /// <summary>Per number hash touched by an opt-out or opt-in, in the order first touched.</summary>
    public IReadOnlyDictionary<string, SuppressionChange> Suppression => suppression;

    /// <summary>The consent rows the batch changed, by contact id, as they stand now.</summary>
    public IEnumerable<ChangedConsent> Changed => changed.Order().Select(id => new ChangedConsent(id, current[id]!, stored.Contains(id)));

    /// <summary>The contacts among these whose stored consent the fold has not been given yet, each once.</summary>
    public List<long> Unknown(IEnumerable<long> contactIds) => contactIds.Where(id => !current.ContainsKey(id)).Distinct().ToList();

    /// <summary>A contact's consent as stored before the batch; null when it has no row.</summary>
    public void Know(long contactId, ConsentRecord? storedConsent)
    {
        current[contactId] = storedConsent;
        if (storedConsent is not null)
        {
            stored.Add(contactId);
        }
    }

    /// <summary>
    /// A number's opt-out: every contact's consent revoked (an event each), their queued messages to cancel, the number
    /// suppressed under every hash from <paramref name="at"/> unless an earlier opt-out since the last opt-in already is.
    /// Returns the consents revoked.
    /// </summary>
    /// <exception cref="InvalidOperationException">A contact's stored consent was not given (<see cref="Know"/>).</exception>
    public int Revoke(IReadOnlyList<long> contactIds, IEnumerable<string> hashes, DateTimeOffset at, string rule, IReadOnlyDictionary<string, object?> detail)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        ArgumentNullException.ThrowIfNull(hashes);
        var count = 0;
        foreach (var id in contactIds)
        {
            if (Apply(id, ConsentTransitions.Revoke(Current(id), ConsentSources.WhatsApp, at, rule), detail))
            {
                count++;
            }
        }

        revoked.UnionWith(contactIds);
        foreach (var hash in hashes)
        {
            var entry = suppression.GetValueOrDefault(hash);
            suppression[hash] = entry with { SuppressedAt = entry.SuppressedAt ?? at };
        }

        return count;
    }

    /// <summary>An explicit opt-in from the number: consent granted or renewed for every contact, the suppression lifted. Returns the consents changed.</summary>
    /// <exception cref="InvalidOperationException">A contact's stored consent was not given (<see cref="Know"/>).</exception>
    public int Grant(IReadOnlyList<long> contactIds, IEnumerable<string> hashes, DateTimeOffset at, IReadOnlyDictionary<string, object?> detail)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        ArgumentNullException.ThrowIfNull(hashes);
        var count = 0;
        foreach (var id in contactIds)
        {
            if (Apply(id, ConsentTransitions.Grant(Current(id), ConsentSources.WhatsApp, at), detail))
            {
                count++;
            }
        }

        foreach (var hash in hashes)
        {
            suppression[hash] = new SuppressionChange(true, null);
        }

        return count;
    }

    private ConsentRecord? Current(long contactId) =>
        current.TryGetValue(contactId, out var record)
            ? record
            : throw new InvalidOperationException($"The stored consent of contact {contactId} was not read before deciding about it.");

    private bool Apply(long contactId, ConsentChange change, IReadOnlyDictionary<string, object?> detail)
    {
        if (change.Next is not { } next)
        {
            return false;
        }

        current[contactId] = next;
        changed.Add(contactId);
        events.Add(new ConsentEventRow(contactId, change.Event!, ConsentSources.WhatsApp, JsonSerializer.Serialize(detail), next.ChangedAt));
        return true;
    }
}
