using Vinculo.Consent;
using Vinculo.Jobs;

namespace Vinculo.Import;

/// <summary>
/// One chat export into the base (SPEC section 7, <c>EXPECTED.md</c>): the counterpart matched or created, one
/// <c>message_in</c> interaction per message the counterpart (or, in a group, a member shown as a number) wrote, keyed by
/// the message's natural key so that nothing is added twice, numbers mentioned in messages as contacts without consent,
/// <c>last_interaction_at</c> moved forward, and consent only when <c>Import:ChatGrantsConsent</c> says so (never for a group).
/// Bodies are not kept.
/// </summary>
internal sealed class ChatImporter(ImportStore store, ChatExportParser parser, ConsentLedger ledger)
{
    /// <summary>Messages read, and interactions written, per batch; bounds the memory of any chat.</summary>
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
        counts.GroupChat = export.Kind == ChatKind.Group;
        long? counterpart = null;
        var messages = export.Messages;
        if (export.Kind == ChatKind.Direct)
        {
            var found = await CounterpartAsync(run, export, cancellationToken);
            counterpart = found.ContactId;
            if (found.ContactId is not null && found.E164 is { } number)
            {
                // A chat under a saved name is keyed by the contact's number: the same chat exported under the number adds nothing.
                messages = export.MessagesKeyedAs(number);
            }

            counts.ErasedChat = found.Erased;
            counts.UnmatchedChat = counterpart is null && !found.Erased;
            counts.CounterpartHash = found.E164 is null ? null : Privacy.PhoneHash.Of(found.E164);
        }

        // Reading and hashing the text on one core while the database writes on the other: the file's messages come
        // through a short queue of batches, so memory stays the same whatever the file's length.
        var latest = new Dictionary<long, DateTimeOffset>();
        var rows = new List<object?[]>(BatchSize);
        await new BatchPipeline(buffer: 2, run.Timings)
            .Read(Read(export.Kind, messages, run.TimeZone), phase: "chat_read")
            .WriteAsync(WriteAsync, cancellationToken, phase: "chat_write");

        async ValueTask WriteAsync(List<ReadMessage> batch, CancellationToken token)
        {
            foreach (var message in batch)
            {
                counts.MessagesRead++;
                if (counts.ErasedChat)
                {
                    // What an erased person wrote, numbers they mentioned included, is not read into the base at all.
                    counts.SkippedErased++;
                    continue;
                }

                var contactId = message.Member is { } member
                    ? await run.Contacts.ForNumberAsync(member.Phone!, member.Name, mentioned: false, token)
                    : counterpart;
                if (contactId is { } id)
                {
                    rows.Add([message.Key, id, "message_in", message.At, Source]);
                    if (!latest.TryGetValue(id, out var last) || message.At > last)
                    {
                        latest[id] = message.At;
                    }
                }
                else if (message.Member is not null)
                {
                    counts.SkippedErased++;
                }

                foreach (var mentioned in message.Mentioned)
                {
                    if (await run.Contacts.ForNumberAsync(mentioned, mentioned, mentioned: true, token) is null)
                    {
                        counts.SkippedErased++;
                    }
                }
            }

            counts.InteractionsAdded += await store.InsertInteractionsAsync(run.Session, rows, token);
            rows.Clear();
            run.ReportRead(counts.MessagesRead);
        }

        foreach (var (id, at) in latest)
        {
            await store.TouchLastInteractionAsync(run.Session, id, at, run.Now, cancellationToken);
        }

        if (counterpart is { } person && run.ChatGrantsConsent && latest.ContainsKey(person))
        {
            await GrantConsentAsync(run, person, cancellationToken);
        }
    }

    /// <summary>The messages of the export in batches, keyed and placed in time; the writer resolves who they are.</summary>
    private static IEnumerable<List<ReadMessage>> Read(ChatKind kind, IEnumerable<ChatMessage> messages, TimeZoneInfo zone)
    {
        var batch = new List<ReadMessage>(BatchSize);
        foreach (var message in messages)
        {
            batch.Add(new ReadMessage(
                KeyPrefix + message.NaturalKey,
                LocalToUtc.Recorded(message.LocalTime, zone),
                kind == ChatKind.Group ? message.Sender : null,
                message.MentionedPhones));
            if (batch.Count == BatchSize)
            {
                yield return batch;
                batch = new List<ReadMessage>(BatchSize);
            }
        }

        yield return batch;
    }

    /// <summary>
    /// The 1:1 chat's counterpart: by number, or by a saved name that exactly one live contact has. Erased when the number
    /// is tombstoned, or when these very bytes were once imported as the chat of a person erased since.
    /// </summary>
    private async Task<(long? ContactId, string? E164, bool Erased)> CounterpartAsync(ImportRun run, ChatExport export, CancellationToken cancellationToken)
    {
        var counterpart = export.Counterpart!;
        if (await store.IsErasedFileAsync(run.Session, run.Sha256, cancellationToken))
        {
            return (null, null, true);
        }

        if (counterpart.Phone is { } phone)
        {
            if (await run.Contacts.IsErasedAsync(phone, cancellationToken))
            {
                return (null, phone, true);
            }

            // The number as the file name shows it, when it does: what the business would have typed.
            var raw = export.Title is { } title && run.Contacts.Classify(title).E164 == phone ? title : phone;
            return (await run.Contacts.ForNumberAsync(phone, raw, mentioned: false, cancellationToken), phone, false);
        }

        // A saved contact's name: exactly one live contact of that name, or none at all (EXPECTED.md: reported, archived).
        var matches = await store.FindByFoldedNameAsync(run.Session, ChatNames.Fold(counterpart.Name), atMost: 2, cancellationToken);
        return matches.Count == 1 ? (matches[0], await store.ContactNumberAsync(run.Session, matches[0], cancellationToken), false) : (null, null, false);
    }

    /// <summary>A chat has no consent time of its own: it gives consent only to whom has none, never over an opt-out.</summary>
    private async Task GrantConsentAsync(ImportRun run, long contactId, CancellationToken cancellationToken)
    {
        var detail = new Dictionary<string, object?> { ["import"] = "chat" };
        if (await run.GrantConsentAsync(ledger, contactId, ConsentSources.Chat, at: null, detail, cancellationToken) is not null)
        {
            run.Counts.ConsentsGranted++;
        }
    }
}

/// <param name="Member">The group member who wrote it (shown as a number); null in a 1:1 chat, where it is the counterpart.</param>
internal sealed record ReadMessage(string Key, DateTimeOffset At, ChatSender? Member, IReadOnlyList<string> Mentioned);
