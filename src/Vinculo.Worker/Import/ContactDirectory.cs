using Vinculo.Phones;

namespace Vinculo.Import;

/// <summary>
/// Finds and creates contacts inside one file's transaction, remembering the numbers it has seen so that a long chat
/// asks the database once per person. New contacts are classified at once, so that their <c>phone_e164</c>,
/// <c>phone_status</c> and <c>time_zone</c> are set and the next file matches them; they get no consent.
/// </summary>
internal sealed class ContactDirectory(ImportStore store, ImportSession session, PhoneClassifier phones, string fallbackZone, DateTimeOffset now, ImportCounts counts)
{
    /// <summary>Bounds the memory of a file that names an endless list of numbers; past it, numbers are looked up each time.</summary>
    private const int MaxRemembered = 50_000;

    private static readonly StoredPhone Unchecked = new(PhoneStatuses.Unchecked, null, null, null, null, null, null, null, 0);

    /// <summary>Contact ids by number; null for a number erased at its owner's request.</summary>
    private readonly Dictionary<string, long?> byNumber = new(StringComparer.Ordinal);

    /// <summary>
    /// The live contact with this number (in either Brazilian form), or a new one; null when the number was erased at its
    /// owner's request (LGPD art. 18), which the caller counts in <see cref="ImportCounts.SkippedErased"/> and stores
    /// nothing of. For a counterpart, a group member or a number mentioned in a message.
    /// </summary>
    /// <param name="e164">A number the classifier accepted.</param>
    /// <param name="raw">The number as the file shows it, kept as <c>phone_raw</c> of a new contact.</param>
    public ValueTask<long?> ForNumberAsync(string e164, string raw, bool mentioned, CancellationToken cancellationToken) =>
        byNumber.TryGetValue(e164, out var known) ? ValueTask.FromResult(known) : new ValueTask<long?>(LookUpAsync(e164, raw, mentioned, cancellationToken));

    /// <summary>Whether the number was erased at its owner's request (remembered per file).</summary>
    public async ValueTask<bool> IsErasedAsync(string e164, CancellationToken cancellationToken)
    {
        if (byNumber.TryGetValue(e164, out var known))
        {
            return known is null;
        }

        var erased = await store.IsErasedAsync(session, e164, cancellationToken);
        if (erased && byNumber.Count < MaxRemembered)
        {
            byNumber[e164] = null;
        }

        return erased;
    }

    /// <summary>Whether the number is one this file already resolved.</summary>
    public bool Knows(string e164) => byNumber.ContainsKey(e164);

    public Task<long> CreateAsync(string? externalRef, string? name, string? raw, CancellationToken cancellationToken)
    {
        counts.ContactsCreated++;
        return store.InsertContactAsync(session, externalRef, name, raw, Classify(raw), now, cancellationToken);
    }

    /// <summary>What <c>revalidate-phones</c> would store for a number seen for the first time.</summary>
    public StoredPhone Classify(string? raw) => PhoneRecheck.Apply(Unchecked, phones.Classify(raw), rawChanged: true, fallbackZone);

    public void Remember(string e164, long contactId)
    {
        if (byNumber.Count < MaxRemembered)
        {
            byNumber[e164] = contactId;
        }
    }

    private async Task<long?> LookUpAsync(string e164, string raw, bool mentioned, CancellationToken cancellationToken)
    {
        // A tombstone wins over any row: the person asked to be forgotten, and only their own opt-in brings them back.
        if (await IsErasedAsync(e164, cancellationToken))
        {
            return null;
        }

        var found = await store.FindByPhoneAsync(session, e164, externalRef: null, cancellationToken);
        long id;
        if (found is not null)
        {
            id = found.ContactId;
        }
        else
        {
            id = await CreateAsync(null, null, raw, cancellationToken);
            if (mentioned)
            {
                counts.MentionedContactsCreated++;
            }
        }

        Remember(e164, id);
        return id;
    }
}
