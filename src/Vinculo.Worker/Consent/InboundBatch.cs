namespace Vinculo.Consent;

/// <summary>The live contacts a batch of inbound rows matched, read in one query, looked up by number form or WhatsApp user id.</summary>
internal sealed class InboundDirectory
{
    private readonly ILookup<string, InboundContact> byNumber;
    private readonly Dictionary<string, List<InboundContact>> byUserId = new(StringComparer.Ordinal);

    public InboundDirectory(IReadOnlyList<InboundContact> contacts)
    {
        byNumber = contacts.Where(c => c.PhoneE164 is not null).ToLookup(c => c.PhoneE164!, StringComparer.Ordinal);
        foreach (var contact in contacts.Where(c => c.WhatsAppUserId is not null))
        {
            Add(contact.WhatsAppUserId!, contact);
        }
    }

    /// <summary>
    /// A user id the batch just taught these contacts (those that had none): a later message of the same batch that
    /// carries only that id matches them, as it would in the next batch.
    /// </summary>
    public void Learned(IReadOnlyList<InboundContact> contacts, string? userId, InboundEffects effects)
    {
        if (userId is null)
        {
            return;
        }

        foreach (var contact in contacts)
        {
            if (effects.LearnedIds.TryGetValue(contact.ContactId, out var ids) && ids.UserId == userId && contact.WhatsAppUserId is null)
            {
                Add(userId, contact);
            }
        }
    }

    private void Add(string userId, InboundContact contact)
    {
        if (!byUserId.TryGetValue(userId, out var list))
        {
            byUserId[userId] = list = [];
        }

        if (!list.Contains(contact))
        {
            list.Add(contact);
        }
    }

    /// <summary>The contacts holding one of <paramref name="forms"/> or <paramref name="userId"/>, oldest first (the first is the number's main row).</summary>
    public List<InboundContact> Match(IReadOnlyList<string> forms, string? userId)
    {
        var found = new Dictionary<long, InboundContact>();
        foreach (var form in forms)
        {
            foreach (var contact in byNumber[form])
            {
                found.TryAdd(contact.ContactId, contact);
            }
        }

        if (userId is not null && byUserId.TryGetValue(userId, out var holders))
        {
            foreach (var contact in holders)
            {
                found.TryAdd(contact.ContactId, contact);
            }
        }

        return [.. found.Values.OrderBy(c => c.CreatedAt).ThenBy(c => c.ContactId)];
    }
}

/// <summary>
/// What the plain part of a batch's inbound messages does, gathered to be written in bulk: a <c>message_in</c> interaction
/// per message on the number's main row, the latest sign of life of every row of the number, unreachable marks cleared,
/// WhatsApp ids learned (only where a row has none yet), and each inbound row and preference event marked processed with its outcome.
/// </summary>
internal sealed class InboundEffects(DateTimeOffset now)
{
    public DateTimeOffset Now { get; } = now;

    /// <summary>(contact_id, occurred_at) of each new <c>message_in</c> interaction.</summary>
    public List<object?[]> Interactions { get; } = [];

    /// <summary>The latest message per contact, when later than its stored <c>last_interaction_at</c>.</summary>
    public Dictionary<long, DateTimeOffset> LastInteraction { get; } = [];

    public HashSet<long> ReachableAgain { get; } = [];

    /// <summary>The WhatsApp id and user id each contact should hold after the batch (its own when it had one).</summary>
    public Dictionary<long, (string? WaId, string? UserId)> LearnedIds { get; } = [];

    /// <summary>(inbound_id, processed_at, outcome, contact_id).</summary>
    public List<object?[]> Processed { get; } = [];

    public void Wrote(IReadOnlyList<InboundContact> contacts, DateTimeOffset at, string? waId, string? userId)
    {
        Interactions.Add([contacts[0].ContactId, "message_in", at, "whatsapp"]);
        foreach (var contact in contacts)
        {
            var known = LastInteraction.TryGetValue(contact.ContactId, out var pending) ? pending : contact.LastInteractionAt;
            if (known is null || at > known)
            {
                LastInteraction[contact.ContactId] = at;
            }

            if (contact.PhoneStatus == Phones.PhoneStatuses.Unreachable)
            {
                ReachableAgain.Add(contact.ContactId);
            }

            var ids = LearnedIds.TryGetValue(contact.ContactId, out var learned) ? learned : (contact.WhatsAppId, contact.WhatsAppUserId);
            var next = (ids.Item1 ?? waId, ids.Item2 ?? userId);
            if (next != (contact.WhatsAppId, contact.WhatsAppUserId))
            {
                LearnedIds[contact.ContactId] = next;
            }
        }
    }

    /// <summary>(preference_id, processed_at, outcome, contact_id).</summary>
    public List<object?[]> PreferencesProcessed { get; } = [];

    public void MarkProcessed(long inboundId, string outcome, long? contactId) => Processed.Add([inboundId, Now, outcome, contactId]);

    public void MarkPreference(long preferenceId, string outcome, long? contactId) => PreferencesProcessed.Add([preferenceId, Now, outcome, contactId]);
}
