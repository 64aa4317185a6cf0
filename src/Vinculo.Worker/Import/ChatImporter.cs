using Vinculo.Consent;

namespace Vinculo.Import;

/// <summary>
/// One chat export into the base (SPEC section 7, <c>EXPECTED.md</c>): the counterpart matched or created, one
/// <c>message_in</c> interaction per message the counterpart (or, in a group, a member shown as a number) wrote, keyed by
/// the message's natural key so that nothing is added twice, numbers mentioned in messages as contacts without consent,
/// <c>last_interaction_at</c> moved forward, and consent only when <c>Import:ChatGrantsConsent</c> says so (never for a group).
/// Bodies are not kept.
/// </summary>
internal sealed class ChatImporter(ImportStore store, ChatExportParser parser)
{
    /// <summary>Interactions written per round trip; bounds the memory of any chat.</summary>
    public const int BatchSize = 20_000;

    /// <summary>The <c>interactions.source</c> of a chat message.</summary>
    public const string Source = "chat";

    /// <summary>Before the natural key in <c>source_key</c>, so that other sources of interactions can have keys of their own.</summary>
    public const string KeyPrefix = "chat:";

    /// <exception cref="ChatExportException">Not a chat, or a chat whose counterpart cannot be told (the caller quarantines it).</exception>
    public async Task ImportAsync(ImportRun run, Func<TextReader> openText, string fileName, CancellationToken cancellationToken)
    {
        var export = parser.Parse(openText, fileName);
        var counts = run.Counts;
        long? counterpart = null;
        if (export.Kind == ChatKind.Direct)
        {
            counterpart = await CounterpartAsync(run, export, cancellationToken);
            counts.UnmatchedChat = counterpart is null;
        }

        var latest = new Dictionary<long, DateTimeOffset>();
        var rows = new List<object?[]>(BatchSize);
        foreach (var message in export.Messages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            counts.MessagesRead++;
            var contactId = export.Kind == ChatKind.Direct
                ? counterpart
                : await run.Contacts.ForNumberAsync(message.Sender.Phone!, message.Sender.Name, mentioned: false, cancellationToken);
            if (contactId is { } id)
            {
                var at = ToUtc(message.LocalTime, run.TimeZone);
                rows.Add([KeyPrefix + message.NaturalKey, id, "message_in", at, Source]);
                if (!latest.TryGetValue(id, out var last) || at > last)
                {
                    latest[id] = at;
                }

                if (rows.Count == BatchSize)
                {
                    counts.InteractionsAdded += await store.InsertInteractionsAsync(run.Session, rows, cancellationToken);
                    rows.Clear();
                }
            }

            foreach (var mentioned in message.MentionedPhones)
            {
                await run.Contacts.ForNumberAsync(mentioned, mentioned, mentioned: true, cancellationToken);
            }
        }

        counts.InteractionsAdded += await store.InsertInteractionsAsync(run.Session, rows, cancellationToken);
        foreach (var (id, at) in latest)
        {
            await store.TouchLastInteractionAsync(run.Session, id, at, run.Now, cancellationToken);
        }

        if (counterpart is { } person && run.ChatGrantsConsent && latest.ContainsKey(person))
        {
            await GrantConsentAsync(run, person, cancellationToken);
        }
    }

    /// <summary>
    /// A local time as the exporting phone wrote it, read in <c>Scheduler:TimeZone</c>. A time that a daylight-saving
    /// change skipped is read with the offset before the change; one that it repeated, as its first occurrence.
    /// </summary>
    internal static DateTimeOffset ToUtc(DateTime local, TimeZoneInfo zone)
    {
        var unspecified = DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
        var offset = zone.IsAmbiguousTime(unspecified) ? zone.GetAmbiguousTimeOffsets(unspecified).Max() : zone.GetUtcOffset(unspecified);
        return new DateTimeOffset(unspecified, offset).ToUniversalTime();
    }

    private async Task<long?> CounterpartAsync(ImportRun run, ChatExport export, CancellationToken cancellationToken)
    {
        var counterpart = export.Counterpart!;
        if (counterpart.Phone is { } phone)
        {
            // The number as the file name shows it, when it does: what the business would have typed.
            var raw = export.Title is { } title && run.Contacts.Classify(title).E164 == phone ? title : phone;
            return await run.Contacts.ForNumberAsync(phone, raw, mentioned: false, cancellationToken);
        }

        // A saved contact's name: exactly one live contact of that name, or none at all (EXPECTED.md: reported, archived).
        var matches = await store.FindByFoldedNameAsync(run.Session, ChatNames.Fold(counterpart.Name), atMost: 2, cancellationToken);
        return matches.Count == 1 ? matches[0] : null;
    }

    private async Task GrantConsentAsync(ImportRun run, long contactId, CancellationToken cancellationToken)
    {
        var current = await store.ConsentAsync(run.Session, contactId, cancellationToken);
        // A chat has no consent time of its own: it gives consent only to whom has none, never over an opt-out.
        var change = ImportedConsent.Decide(current?.Status, current?.LastConfirmedAt, current?.ChangedAt, at: null);
        if (change == ConsentChange.Grant)
        {
            await store.ApplyConsentAsync(run.Session, contactId, change, ConsentSources.Chat, run.Now, "conversa do WhatsApp importada", cancellationToken);
            run.Counts.ConsentsGranted++;
        }
    }
}
