using System.Text.Json;
using Vinculo.Consent;
using Vinculo.Phones;

namespace Vinculo.Import;

/// <summary>
/// The rows of a contact file (CSV, Google Contacts, vCard) imported a batch at a time, set-based: the contacts a batch
/// can match are read in a few queries (by external reference, by number in both Brazilian forms, by the text of the
/// numbers no classifier accepts, the tombstones among its numbers, their consents), the rows are matched and decided in
/// memory in file order exactly as they would be one by one (each row sees what the rows before it created or changed),
/// and the outcome is written back in bulk: new contacts with their generated keys, changed names and numbers in keyed
/// bulk updates, consents and their events.
/// </summary>
internal sealed class ContactChunk(ImportStore store, ConsentLedger ledger, ImportRun run)
{
    /// <summary>Contact rows per batch: enough to make each statement count, few enough to keep memory small.</summary>
    public const int MaxRows = 2_000;

    /// <summary>Contact rows of the batch (one per number of a person) waiting to be written.</summary>
    private readonly List<Unit> units = [];

    /// <summary>
    /// A person with one or several numbers (a Google Contacts row, a vCard): each number becomes a contact row of that
    /// person, mobiles first; the external reference and the consent go with every one of them, the reference to the first.
    /// Written when the batch is full or flushed.
    /// </summary>
    public async Task AddAsync(ContactRow row, long line, CancellationToken cancellationToken)
    {
        if (row.Phones.Count <= 1)
        {
            var phone = row.Phones.Count == 0 ? null : row.Phones[0];
            units.Add(new Unit(row, phone, row.ExternalRef, run.Contacts.Classify(phone), line));
        }
        else
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var first = true;
            foreach (var phone in row.Phones)
            {
                var classified = run.Contacts.Classify(phone);
                if (!seen.Add(classified.E164 ?? phone))
                {
                    continue;
                }

                units.Add(new Unit(row, phone, first ? row.ExternalRef : null, classified, line));
                first = false;
            }
        }

        await FlushIfFullAsync(cancellationToken);
    }

    /// <summary>
    /// A row of the file that cannot be imported, reported in its place among the batch's rows: the report lists the first
    /// rejected rows in file order, whichever were found while reading and whichever while matching.
    /// </summary>
    public Task RejectAsync(long line, string reason, CancellationToken cancellationToken)
    {
        units.Add(new Unit(null, null, null, null, line) { Rejection = reason });
        return FlushIfFullAsync(cancellationToken);
    }

    private async Task FlushIfFullAsync(CancellationToken cancellationToken)
    {
        if (units.Count >= MaxRows)
        {
            await FlushAsync(cancellationToken);
        }
    }

    /// <summary>Writes the rows waiting, inside the file's transaction.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (units.Count == 0)
        {
            return;
        }

        var batch = await Batch.LoadAsync(store, ledger, run, units, cancellationToken);
        foreach (var unit in units)
        {
            batch.Apply(unit);
        }

        await batch.WriteAsync(cancellationToken);
        units.Clear();
    }

    /// <param name="Phone">The one number of the person this row imports, as typed.</param>
    /// <param name="ExternalRef">The person's reference for the first of its numbers, null for the others.</param>
    /// <param name="Classified">What <c>revalidate-phones</c> would store for <paramref name="Phone"/>.</param>
    private sealed record Unit(ContactRow? Row, string? Phone, string? ExternalRef, StoredPhone? Classified, long Line)
    {
        /// <summary>Why the row is not imported, for a row rejected while the file was read (it has no other value then).</summary>
        public string? Rejection { get; init; }
    }

    /// <summary>A contact as the batch knows it: as read, then as the batch's rows left it.</summary>
    private sealed class Known
    {
        /// <summary>The stored key; for a contact the batch creates, a negative stand-in until it is inserted.</summary>
        public long Id { get; set; }

        /// <summary>Breaks ties after <see cref="CreatedAt"/> as the key does: new contacts come after every stored one, in creation order.</summary>
        public long Order { get; init; }

        public bool IsNew { get; init; }

        public string? ExternalRef { get; set; }

        public string? Name { get; set; }

        public string? PhoneRaw { get; set; }

        public string? PhoneE164 { get; set; }

        public string? PhoneStatus { get; set; }

        public DateTimeOffset CreatedAt { get; init; }

        public DateTimeOffset? ErasedAt { get; init; }

        /// <summary>The classification of <see cref="PhoneRaw"/>: of a new contact, or of a stored one whose number the batch changed.</summary>
        public StoredPhone? Phone { get; set; }

        public bool IdentityChanged { get; set; }

        public bool PhoneChanged { get; set; }

        public static Known From(StoredContact stored) => new()
        {
            Id = stored.ContactId,
            Order = stored.ContactId,
            ExternalRef = stored.ExternalRef,
            Name = stored.Name,
            PhoneRaw = stored.PhoneRaw,
            PhoneE164 = stored.PhoneE164,
            PhoneStatus = stored.PhoneStatus,
            CreatedAt = stored.CreatedAt,
            ErasedAt = stored.ErasedAt,
        };
    }

    /// <summary>A consent as the batch left it, and whether the base has a row for it.</summary>
    private sealed record ConsentState(ConsentRecord? Record, bool Stored, bool Changed);

    private sealed class Batch(ImportStore store, ConsentLedger ledger, ImportRun run)
    {
        private readonly Dictionary<long, Known> byId = [];
        private readonly Dictionary<string, Known> byRef = new(StringComparer.Ordinal);
        private readonly Dictionary<string, List<Known>> byNumber = new(StringComparer.Ordinal);

        /// <summary>Live contacts the batch knows without a classified number, by their text.</summary>
        private readonly Dictionary<string, List<Known>> byRaw = new(StringComparer.Ordinal);

        /// <summary>Each number's forms, worked out once per batch (the phone library's parse is the costly part).</summary>
        private readonly Dictionary<string, IReadOnlyList<string>> forms = new(StringComparer.Ordinal);

        private readonly Dictionary<long, ConsentState> consents = [];
        private readonly List<Known> created = [];
        private readonly List<(long ContactId, string Event, string Source, string Detail, DateTimeOffset OccurredAt)> events = [];

        public static async Task<Batch> LoadAsync(ImportStore store, ConsentLedger ledger, ImportRun run, IReadOnlyList<Unit> units, CancellationToken cancellationToken)
        {
            var batch = new Batch(store, ledger, run);
            var withPhone = units.Where(u => u.Phone is not null).ToList();
            var refs = units.Select(u => u.ExternalRef).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            var numbers = withPhone.Select(u => u.Classified!.E164).OfType<string>().SelectMany(batch.Forms).Distinct(StringComparer.Ordinal).ToList();
            var raws = withPhone.Where(u => u.Classified!.E164 is null).Select(u => u.Phone!).Distinct(StringComparer.Ordinal).ToList();
            batch.erasedHashes = await store.ErasedAmongAsync(run.Session, numbers.Select(Privacy.PhoneHash.Of).ToList(), cancellationToken);
            var stored = (await store.ChunkByExternalRefsAsync(run.Session, refs, cancellationToken))
                .Concat(await store.ChunkByNumbersAsync(run.Session, numbers, cancellationToken))
                .Concat(await store.ChunkByRawPhonesAsync(run.Session, raws, cancellationToken))
                .DistinctBy(c => c.ContactId)
                .ToList();
            await batch.KnowAsync(stored, cancellationToken);
            return batch;
        }

        /// <summary>Tombstones (V012) among the hashes of the batch's numbers, in every form.</summary>
        private HashSet<string> erasedHashes = new(StringComparer.Ordinal);

        /// <summary>A number's forms (with and without the ninth digit), itself included.</summary>
        private IReadOnlyList<string> Forms(string e164)
        {
            if (!forms.TryGetValue(e164, out var found))
            {
                found = [.. WhatsAppNumbers.MatchingE164(e164).Append(e164).Distinct(StringComparer.Ordinal)];
                forms[e164] = found;
            }

            return found;
        }

        /// <summary>The contacts read from the base, with their consents.</summary>
        private async Task KnowAsync(IReadOnlyList<StoredContact> stored, CancellationToken cancellationToken)
        {
            var records = await ledger.ReadAsync(run.Session.Connection, run.Session.Transaction, stored.Select(c => c.ContactId).ToList(), cancellationToken);
            foreach (var contact in stored)
            {
                consents[contact.ContactId] = records.TryGetValue(contact.ContactId, out var record) ? new ConsentState(record, true, false) : new ConsentState(null, false, false);
                Track(Known.From(contact));
            }
        }

        /// <summary>One row, decided as the one-by-one lookups would decide it after the rows before it.</summary>
        public void Apply(Unit unit)
        {
            var counts = run.Counts;
            if (unit.Rejection is not null)
            {
                counts.Reject(unit.Line, unit.Rejection);
                return;
            }

            var row = unit.Row!;
            Known? contact = null;
            if (unit.ExternalRef is not null)
            {
                contact = byRef.GetValueOrDefault(unit.ExternalRef);
                if (contact?.ErasedAt is not null)
                {
                    counts.Reject(unit.Line, "o contato com este external_ref foi anonimizado a pedido do titular (LGPD) e não é recriado.");
                    return;
                }
            }

            var phone = unit.Phone is null ? null : unit.Classified;
            if (phone?.E164 is { } number && Forms(number).Any(form => erasedHashes.Contains(Privacy.PhoneHash.Of(form))))
            {
                // Erased at the person's request (LGPD art. 18): an old spreadsheet does not bring them back.
                counts.SkippedErased++;
                return;
            }

            if (contact is null && unit.Phone is not null)
            {
                contact = phone!.E164 is { } e164 ? ByNumber(e164, unit.ExternalRef) : ByRawPhone(unit.Phone, unit.ExternalRef);
            }

            if (contact is null)
            {
                contact = Create(unit.ExternalRef, row.Name, unit.Phone, unit.Classified!);
                counts.ContactsCreated++;
            }
            else
            {
                var changed = false;
                var name = row.Name ?? contact.Name;
                var externalRef = unit.ExternalRef ?? contact.ExternalRef;
                if (name != contact.Name || externalRef != contact.ExternalRef)
                {
                    Untrack(contact);
                    contact.Name = name;
                    contact.ExternalRef = externalRef;
                    contact.IdentityChanged = true;
                    Track(contact);
                    changed = true;
                }

                if (unit.Phone is not null && unit.Phone != contact.PhoneRaw)
                {
                    // The fresh classification goes with the new text, so later rows match the new number at once; the table's
                    // trigger clears phone_checked_at, so revalidate-phones still checks it fully (duplicates included).
                    Untrack(contact);
                    contact.PhoneRaw = unit.Phone;
                    contact.PhoneE164 = phone!.E164;
                    contact.PhoneStatus = phone.Status;
                    contact.Phone = phone;
                    contact.PhoneChanged = true;
                    Track(contact);
                    changed = true;
                }

                if (changed)
                {
                    counts.ContactsUpdated++;
                }
            }

            if (row.Consent == true)
            {
                Grant(contact, row, unit.Line);
            }
        }

        /// <summary>Gives consent from the file as <see cref="ImportRun.GrantConsentAsync"/> does, in the batch's memory.</summary>
        private void Grant(Known contact, ContactRow row, long line)
        {
            var state = consents.GetValueOrDefault(contact.Id) ?? new ConsentState(null, false, false);
            var change = run.FileGrant(state.Record, row.ConsentSource, row.ConsentAt);
            if (change.Next is not { } next)
            {
                return;
            }

            consents[contact.Id] = state with { Record = next, Changed = true };
            var detail = JsonSerializer.Serialize(new Dictionary<string, object?> { ["import"] = "contacts_csv", ["line"] = line });
            events.Add((contact.Id, change.Event!, row.ConsentSource, detail, next.ChangedAt));
            if (change.Event == ConsentEvents.Granted)
            {
                run.Counts.ConsentsGranted++;
            }
            else if (change.Event == ConsentEvents.Renewed)
            {
                run.Counts.ConsentsRenewed++;
            }
        }

        /// <summary>
        /// The live contact with this number in either form: not one of another external record; the one the duplicate pass
        /// keeps (not marked duplicate, oldest) first.
        /// </summary>
        private Known? ByNumber(string e164, string? externalRef)
        {
            var other = Forms(e164).FirstOrDefault(form => form != e164);
            var candidates = byNumber.GetValueOrDefault(e164, []).AsEnumerable();
            if (other is not null)
            {
                candidates = candidates.Concat(byNumber.GetValueOrDefault(other, []));
            }

            return candidates
                .Where(c => Fits(c, externalRef))
                .OrderBy(c => c.PhoneStatus == PhoneStatuses.Duplicate ? 1 : 0)
                .ThenBy(c => c.CreatedAt)
                .ThenBy(c => c.Order)
                .FirstOrDefault();
        }

        /// <summary>A number no classifier accepts, matched as typed (oldest first).</summary>
        private Known? ByRawPhone(string raw, string? externalRef) =>
            byRaw.GetValueOrDefault(raw, [])
                .Where(c => Fits(c, externalRef))
                .OrderBy(c => c.CreatedAt)
                .ThenBy(c => c.Order)
                .FirstOrDefault();

        /// <summary>Live, and not the contact of another external record.</summary>
        private static bool Fits(Known contact, string? externalRef) =>
            contact.ErasedAt is null && (externalRef is null || contact.ExternalRef is null || contact.ExternalRef == externalRef);

        private Known Create(string? externalRef, string? name, string? raw, StoredPhone phone)
        {
            var sequence = created.Count + 1;
            var contact = new Known
            {
                Id = -sequence,
                Order = long.MaxValue / 2 + sequence,
                IsNew = true,
                ExternalRef = externalRef,
                Name = name,
                PhoneRaw = raw,
                PhoneE164 = phone.E164,
                PhoneStatus = phone.Status,
                Phone = phone,
                CreatedAt = run.Now,
            };
            created.Add(contact);
            consents[contact.Id] = new ConsentState(null, false, false);
            Track(contact);
            return contact;
        }

        private void Track(Known contact)
        {
            byId[contact.Id] = contact;
            if (contact.ExternalRef is not null)
            {
                byRef[contact.ExternalRef] = contact;
            }

            if (contact.ErasedAt is not null)
            {
                return;
            }

            if (contact.PhoneE164 is not null)
            {
                Holders(byNumber, contact.PhoneE164).Add(contact);
            }
            else if (contact.PhoneRaw is not null)
            {
                Holders(byRaw, contact.PhoneRaw).Add(contact);
            }
        }

        private void Untrack(Known contact)
        {
            if (contact.ExternalRef is not null && byRef.GetValueOrDefault(contact.ExternalRef) == contact)
            {
                byRef.Remove(contact.ExternalRef);
            }

            if (contact.PhoneE164 is not null)
            {
                byNumber.GetValueOrDefault(contact.PhoneE164)?.Remove(contact);
            }
            else if (contact.PhoneRaw is not null)
            {
                byRaw.GetValueOrDefault(contact.PhoneRaw)?.Remove(contact);
            }
        }

        private static List<Known> Holders(Dictionary<string, List<Known>> index, string key)
        {
            if (!index.TryGetValue(key, out var holders))
            {
                holders = [];
                index[key] = holders;
            }

            return holders;
        }

        /// <summary>Writes the batch: new contacts, changed names and numbers, consents, then their events in order.</summary>
        public async Task WriteAsync(CancellationToken cancellationToken)
        {
            var session = run.Session;
            var now = run.Now;
            var keys = new Dictionary<long, long>();
            if (created.Count > 0)
            {
                // A number a later row of the batch changed is left for revalidate-phones' full check, as the table's trigger
                // leaves a stored row whose number changes.
                var rows = created.Select(c => ImportStore.NewContactRow(c.ExternalRef, c.Name, c.PhoneRaw, c.Phone!, c.PhoneChanged ? null : now, now)).ToList();
                var inserted = await store.InsertContactsAsync(session, rows, cancellationToken);
                for (var i = 0; i < created.Count; i++)
                {
                    keys[created[i].Id] = inserted[i];
                }
            }

            long Key(long id) => id < 0 ? keys[id] : id;

            var stored = byId.Values.Where(c => !c.IsNew).ToList();
            await store.BulkWriteAsync(
                session,
                ImportStore.IdentityWrite,
                stored.Where(c => c.IdentityChanged).Select(c => new object?[] { c.Id, c.Name, ImportStore.NameKey(c.Name), c.ExternalRef, now }).ToList(),
                cancellationToken);
            await store.BulkWriteAsync(
                session,
                ImportStore.PhoneWrite,
                stored.Where(c => c.PhoneChanged).Select(c => ImportStore.PhoneChangeRow(c.Id, c.PhoneRaw!, c.Phone!, now)).ToList(),
                cancellationToken);

            var consentRows = consents.Where(c => c.Value.Changed).Select(c => (c.Value.Stored, Row: new object?[]
            {
                Key(c.Key), c.Value.Record!.Status, c.Value.Record.Source, c.Value.Record.GrantedAt, c.Value.Record.LastConfirmedAt, c.Value.Record.ExpiresAt,
                c.Value.Record.ChangedAt, c.Value.Record.Reason,
            })).ToList();
            await store.BulkWriteAsync(session, ConsentLedger.ConsentInsert, consentRows.Where(c => !c.Stored).Select(c => c.Row).ToList(), cancellationToken);
            await store.BulkWriteAsync(session, ConsentLedger.ConsentUpdate, consentRows.Where(c => c.Stored).Select(c => c.Row).ToList(), cancellationToken);
            await store.BulkWriteAsync(
                session,
                ConsentLedger.EventInsert,
                events.Select(e => new object?[] { Key(e.ContactId), e.Event, e.Source, e.Detail, e.OccurredAt }).ToList(),
                cancellationToken);
        }
    }
}
