using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Vinculo.Data;
using Vinculo.Phones;

namespace Vinculo.Import;

/// <summary>
/// The SQL of the import: contacts looked up and written, suppression entries and interactions added, and the record
/// of each file (consents go through the <see cref="Consent.ConsentLedger"/>). Every write runs in the <see cref="ImportSession"/> of one file, so a file's
/// rows commit together or not at all.
/// </summary>
public sealed class ImportStore(Database database) : ISqlStatements
{
    private const string ContactColumns =
        "contact_id AS ContactId, external_ref AS ExternalRef, name AS Name, phone_raw AS PhoneRaw, phone_e164 AS PhoneE164, erased_at AS ErasedAt";

    /// <summary>What a contact file's batch (<see cref="ContactChunk"/>) needs to match rows as the one-by-one lookups would.</summary>
    private const string ChunkColumns = ContactColumns + ", phone_status AS PhoneStatus, created_at AS CreatedAt";

    private const string ChunkByExternalRefsSql = $"SELECT {ChunkColumns} FROM contacts WHERE external_ref IN @refs";

    private const string ChunkByNumbersSql = $"SELECT {ChunkColumns} FROM contacts WHERE erased_at IS NULL AND phone_e164 IN @numbers";

    /// <summary>
    /// Each text looked up through the index on the unclassified numbers (V010), one seek per text. Named for SQLite: a short
    /// list of texts joined on a fresh base was planned as a scan of every contact.
    /// </summary>
    private string ChunkByRawPhonesSql =>
        $"SELECT {ChunkColumns} FROM {database.Dialect.ListRows("@raws", "r")} CROSS JOIN {database.Dialect.IndexedBy("contacts", "ix_contacts_unclassified_raw")} " +
        $"WHERE {database.Dialect.RawPhoneEquals("r.value")} AND erased_at IS NULL AND phone_e164 IS NULL";

    private const string ErasedAmongSql = "SELECT phone_hash FROM erased_numbers WHERE phone_hash IN @hashes";

    /// <summary>New contacts: one at a time from a chat, in bulk from a contact file's batch (rows from <see cref="NewContactRow"/>).</summary>
    internal static readonly BulkWrite NewContactWrite = new(
        "contacts",
        null,
        [
            new("external_ref", BulkType.Text), new("name", BulkType.Text), new("name_key", BulkType.Text), new("phone_raw", BulkType.Text),
            new("phone_e164", BulkType.Text), new("phone_hash", BulkType.Text), new("phone_status", BulkType.Text), new("phone_type", BulkType.Text),
            new("phone_region", BulkType.Text), new("time_zone", BulkType.Text), new("phone_note", BulkType.Text), new("phone_error", BulkType.Text),
            new("phone_checked_at", BulkType.Timestamp), new("phone_checked_version", BulkType.Text), new("created_at", BulkType.Timestamp),
            new("updated_at", BulkType.Timestamp),
        ]);

    /// <summary>Names and external references a contact file's batch changed.</summary>
    internal static readonly BulkWrite IdentityWrite = new(
        "contacts",
        new BulkColumn("contact_id", BulkType.Identifier),
        [new("name", BulkType.Text), new("name_key", BulkType.Text), new("external_ref", BulkType.Text), new("updated_at", BulkType.Timestamp)]);

    /// <summary>
    /// Numbers a contact file's batch changed, with their fresh classification, so later rows and chats match the new number
    /// at once; <c>phone_checked_at</c> and the lookup keys are cleared as the table's trigger clears them when a number
    /// changes (also for a number the batch changed and changed back), so <c>revalidate-phones</c> still checks it fully
    /// (duplicates included).
    /// </summary>
    internal static readonly BulkWrite PhoneWrite = new(
        "contacts",
        new BulkColumn("contact_id", BulkType.Identifier),
        [
            new("phone_raw", BulkType.Text), new("phone_e164", BulkType.Text), new("phone_hash", BulkType.Text), new("phone_status", BulkType.Text),
            new("phone_type", BulkType.Text), new("phone_region", BulkType.Text), new("time_zone", BulkType.Text), new("phone_note", BulkType.Text),
            new("phone_error", BulkType.Text), new("duplicate_of", BulkType.Identifier), new("phone_failures", BulkType.Number), new("updated_at", BulkType.Timestamp),
            new("phone_checked_at", BulkType.Timestamp), new("raw_phone_key", BulkType.Text), new("raw_phone_keyed_by", BulkType.Text),
        ]);

    /// <summary>
    /// Numbers are matched in both Brazilian forms (with and without the ninth digit); among several live rows with the
    /// number, the one the duplicate pass keeps (not marked duplicate, oldest) is the person.
    /// <c>@externalRef</c> excludes rows that belong to another record of the business's system.
    /// </summary>
    private string ByPhoneSql =>
        $"SELECT {database.Dialect.Top("@limit")} {ContactColumns} FROM contacts " +
        "WHERE erased_at IS NULL AND (phone_e164 = @e164 OR phone_e164 = @other) " +
        "AND (@externalRef IS NULL OR external_ref IS NULL OR external_ref = @externalRef) " +
        "ORDER BY CASE WHEN phone_status = 'duplicate' THEN 1 ELSE 0 END, created_at, contact_id " +
        database.Dialect.Limit("@limit");

    private const string ContactNumberSql = "SELECT phone_e164 FROM contacts WHERE contact_id = @contactId";

    /// <summary>Named live contacts whose <c>name_key</c> (V013) is missing: written by another tool, or renamed without it.</summary>
    private string UnkeyedNamesSql =>
        $"SELECT {database.Dialect.Top("@limit")} contact_id AS ContactId, name AS Name FROM contacts " +
        $"WHERE name IS NOT NULL AND name_key IS NULL AND erased_at IS NULL {database.Dialect.Limit("@limit")}";

    private static readonly BulkWrite NameKeyWrite = new("contacts", new BulkColumn("contact_id", BulkType.Identifier), [new("name_key", BulkType.Text)]);

    private const string ByNameKeySql = "SELECT contact_id FROM contacts WHERE name_key = @key AND erased_at IS NULL ORDER BY contact_id";

    /// <summary>Names keyed per statement when the lookup keys the names other tools wrote.</summary>
    private const int NameKeyBatch = 5_000;

    /// <summary>Moves only forward: an older export imported after a newer one leaves it alone.</summary>
    private const string TouchLastInteractionSql =
        "UPDATE contacts SET last_interaction_at = @at, updated_at = @now " +
        "WHERE contact_id = @contactId AND (last_interaction_at IS NULL OR last_interaction_at < @at)";

    private const string InsertFileSql =
        "INSERT INTO import_files (content_sha256, kind, outcome, interactions_added, contacts_created, contacts_updated, rows_rejected, imported_at, counterpart_hash) " +
        "VALUES (@sha256, @kind, @outcome, @interactions, @created, @updated, @rejected, @now, @counterpartHash)";

    /// <summary>A file's counts once it is done; its row was written as it went when it was imported in batches (V013).</summary>
    private const string FinishFileSql =
        "UPDATE import_files SET kind = @kind, outcome = @outcome, interactions_added = @interactions, contacts_created = @created, " +
        "contacts_updated = @updated, rows_rejected = @rejected, imported_at = @now, counterpart_hash = @counterpartHash, progress = NULL " +
        "WHERE import_id = @importId";

    /// <summary>Where a file imported in batches stopped: the records committed and the counts so far.</summary>
    private const string ProgressSql =
        "SELECT import_id AS ImportId, rows_committed AS RowsCommitted, progress AS Progress FROM import_files " +
        "WHERE content_sha256 = @sha256 AND outcome = 'importing' AND rows_committed IS NOT NULL ORDER BY import_id DESC";

    private string InsertProgressSql => database.Dialect.InsertReturningKey(
        "import_files",
        "content_sha256, kind, outcome, interactions_added, contacts_created, contacts_updated, rows_rejected, imported_at, rows_committed, progress",
        "@sha256, @kind, 'importing', @interactions, @created, @updated, @rejected, @now, @rows, @progress",
        "import_id");

    private const string UpdateProgressSql =
        "UPDATE import_files SET interactions_added = @interactions, contacts_created = @created, contacts_updated = @updated, " +
        "rows_rejected = @rejected, imported_at = @now, rows_committed = @rows, progress = @progress WHERE import_id = @importId";

    /// <summary>Where a 1:1 chat export went in <c>archive/</c>, so that an erasure of its counterpart can delete it.</summary>
    private const string ArchiveNameSql =
        "UPDATE import_files SET archive_name = @name WHERE content_sha256 = @sha256 AND counterpart_hash = @counterpartHash AND archive_name IS NULL";

    /// <summary>Tombstones (V012) among the hashes of a number's forms.</summary>
    private const string ErasedSql = "SELECT COUNT(*) FROM erased_numbers WHERE phone_hash IN @hashes";

    /// <summary>The same bytes were once imported as the 1:1 chat of a person erased since (their saved name is gone, their file's hash is not).</summary>
    private const string ErasedFileSql =
        "SELECT COUNT(*) FROM import_files f WHERE f.content_sha256 = @sha256 AND f.counterpart_hash IS NOT NULL " +
        "AND EXISTS (SELECT 1 FROM erased_numbers e WHERE e.phone_hash = f.counterpart_hash)";

    /// <summary>One row per counterpart message: the natural key (hashed: no number, name or text in clear) first.</summary>
    public static readonly BulkInsertIfAbsent InteractionInsert = new(
        "interactions",
        new BulkColumn("source_key", BulkType.Text),
        [new("contact_id", BulkType.Identifier), new("kind", BulkType.Text), new("occurred_at", BulkType.Timestamp), new("source", BulkType.Text)],
        PartialKey: true)
    {
        SchemaConformant = true,
    };

    public static readonly BulkInsertIfAbsent SuppressionInsert = new(
        "suppression_list",
        new BulkColumn("phone_hash", BulkType.Text),
        [new("reason", BulkType.Text), new("added_at", BulkType.Timestamp)]);

    public SqlDialect Dialect => database.Dialect;

    public IEnumerable<string> Statements =>
    [
        ByPhoneSql, ContactNumberSql, UnkeyedNamesSql, ByNameKeySql, database.Dialect.InsertReturningKeyStatement(NewContactWrite, "contact_id"), TouchLastInteractionSql,
        InsertFileSql, ArchiveNameSql, database.Sql(ErasedSql), ErasedFileSql, FinishFileSql, ProgressSql, InsertProgressSql, UpdateProgressSql,
        database.Sql(ChunkByExternalRefsSql), database.Sql(ChunkByNumbersSql), ChunkByRawPhonesSql, database.Sql(ErasedAmongSql),
        .. database.Dialect.BulkInsertReturningKeysStatements(NewContactWrite, "contact_id"),
        .. database.Dialect.BulkWriteStatements(IdentityWrite), .. database.Dialect.BulkWriteStatements(PhoneWrite),
        .. InteractionInsert.Statements(database.Dialect), .. SuppressionInsert.Statements(database.Dialect), .. database.Dialect.BulkWriteStatements(NameKeyWrite),
    ];

    /// <summary>A connection with a write transaction open (IMMEDIATE on SQLite), for one file.</summary>
    public async Task<ImportSession> BeginAsync(CancellationToken cancellationToken)
    {
        var connection = await database.OpenAsync(cancellationToken);
        try
        {
            // The natural keys are hashes, so a long chat writes its index at random places: the engine's tuning for such a
            // session (a larger page cache that keeps that index in memory) holds until the session ends.
            var tuning = database.Dialect.LargeImportSession;
            if (tuning is not null)
            {
                await connection.ExecuteAsync(database.Command(tuning.Apply, null, cancellationToken));
            }

            return new ImportSession(connection, await connection.BeginTransactionAsync(cancellationToken), tuning?.Restore);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <param name="e164">A number the classifier accepted.</param>
    /// <param name="externalRef">When set, a row that belongs to another external record does not match.</param>
    public Task<StoredContact?> FindByPhoneAsync(ImportSession session, string e164, string? externalRef, CancellationToken cancellationToken)
    {
        var forms = WhatsAppNumbers.MatchingE164(e164);
        var other = forms.FirstOrDefault(form => form != e164);
        return session.Connection.QueryFirstOrDefaultAsync<StoredContact>(
            session.Command(database, ByPhoneSql, new { e164, other, externalRef, limit = 1 }, cancellationToken));
    }

    /// <summary>Contacts holding these external references, erased ones included.</summary>
    public async Task<IReadOnlyList<StoredContact>> ChunkByExternalRefsAsync(ImportSession session, IReadOnlyCollection<string> refs, CancellationToken cancellationToken) =>
        refs.Count == 0
            ? []
            : (await session.Connection.QueryAsync<StoredContact>(session.Command(database, database.Sql(ChunkByExternalRefsSql), new { refs = database.List(refs) }, cancellationToken))).AsList();

    /// <summary>Live contacts with any of these numbers (E.164, every form wanted listed).</summary>
    public async Task<IReadOnlyList<StoredContact>> ChunkByNumbersAsync(ImportSession session, IReadOnlyCollection<string> numbers, CancellationToken cancellationToken) =>
        numbers.Count == 0
            ? []
            : (await session.Connection.QueryAsync<StoredContact>(session.Command(database, database.Sql(ChunkByNumbersSql), new { numbers = database.List(numbers) }, cancellationToken))).AsList();

    /// <summary>Every live contact whose number no classifier accepts and whose text is one of <paramref name="raws"/>.</summary>
    public async Task<IReadOnlyList<StoredContact>> ChunkByRawPhonesAsync(ImportSession session, IReadOnlyCollection<string> raws, CancellationToken cancellationToken) =>
        raws.Count == 0
            ? []
            : (await session.Connection.QueryAsync<StoredContact>(session.Command(database, ChunkByRawPhonesSql, new { raws = database.List(raws) }, cancellationToken))).AsList();

    /// <summary>The tombstones (V012) among these number hashes.</summary>
    public async Task<HashSet<string>> ErasedAmongAsync(ImportSession session, IReadOnlyCollection<string> hashes, CancellationToken cancellationToken) =>
        hashes.Count == 0
            ? new HashSet<string>(StringComparer.Ordinal)
            : new HashSet<string>(
                await session.Connection.QueryAsync<string>(session.Command(database, database.Sql(ErasedAmongSql), new { hashes = database.List(hashes) }, cancellationToken)),
                StringComparer.Ordinal);

    /// <summary>Inserts new contacts (rows in the order of <see cref="NewContactWrite"/>); returns their keys, in row order.</summary>
    public Task<List<long>> InsertContactsAsync(ImportSession session, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        rows.Count == 0
            ? Task.FromResult(new List<long>())
            : database.Dialect.BulkInsertReturningKeysAsync(session.Connection, session.Transaction, NewContactWrite, "contact_id", rows, cancellationToken);

    /// <summary>A bulk write inside the file's transaction.</summary>
    public Task<int> BulkWriteAsync(ImportSession session, BulkWrite write, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        rows.Count == 0 ? Task.FromResult(0) : database.Dialect.BulkWriteAsync(session.Connection, session.Transaction, write, rows, cancellationToken);

    /// <summary>
    /// The live contacts whose name folds to <paramref name="folded"/> (<see cref="ChatNames.Fold"/>), through the index on
    /// <c>name_key</c>; names another tool wrote without a key are keyed first (once: the key stays until the name changes).
    /// </summary>
    public async Task<List<long>> FindByFoldedNameAsync(ImportSession session, string folded, int atMost, CancellationToken cancellationToken)
    {
        while (true)
        {
            var unkeyed = (await session.Connection.QueryAsync<(long ContactId, string Name)>(
                session.Command(database, UnkeyedNamesSql, new { limit = NameKeyBatch }, cancellationToken))).AsList();
            if (unkeyed.Count == 0)
            {
                break;
            }

            var rows = unkeyed.Select(c => new object?[] { c.ContactId, FoldedKey(ChatNames.Fold(c.Name)) }).ToList();
            await database.Dialect.BulkWriteAsync(session.Connection, session.Transaction, NameKeyWrite, rows, cancellationToken);
        }

        var found = await session.Connection.QueryAsync<long>(session.Command(database, ByNameKeySql, new { key = FoldedKey(folded) }, cancellationToken));
        return [.. found.Take(atMost)];
    }

    /// <summary><c>contacts.name_key</c>: the SHA-256 of the folded name (fixed length, so any name can be indexed on every engine).</summary>
    public static string? NameKey(string? name) => name is null ? null : FoldedKey(ChatNames.Fold(name));

    private static string FoldedKey(string folded) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(folded)));

    public Task<string?> ContactNumberAsync(ImportSession session, long contactId, CancellationToken cancellationToken) =>
        session.Connection.ExecuteScalarAsync<string?>(session.Command(database, ContactNumberSql, new { contactId }, cancellationToken));

    public Task<long> InsertContactAsync(ImportSession session, string? externalRef, string? name, string? phoneRaw, StoredPhone phone, DateTimeOffset now, CancellationToken cancellationToken) =>
        database.Dialect.InsertReturningKeyAsync(
            session.Connection, session.Transaction, NewContactWrite, "contact_id", NewContactRow(externalRef, name, phoneRaw, phone, now, now), cancellationToken);

    /// <summary>A row of <see cref="NewContactWrite"/>: the contact as classified at <paramref name="checkedAt"/> (null: left for revalidate-phones' full check).</summary>
    internal static object?[] NewContactRow(string? externalRef, string? name, string? phoneRaw, StoredPhone phone, DateTimeOffset? checkedAt, DateTimeOffset now) =>
        [externalRef, name, NameKey(name), phoneRaw, .. PhoneValues(phone), checkedAt, PhoneClassifier.LibraryVersion, now, now];

    /// <summary>A row of <see cref="PhoneWrite"/>: a contact's new number with its classification.</summary>
    internal static object?[] PhoneChangeRow(long contactId, string phoneRaw, StoredPhone phone, DateTimeOffset now) =>
        [contactId, phoneRaw, .. PhoneValues(phone), null, 0, now, null, null, null];

    /// <summary>The classified phone columns, from <c>phone_e164</c> to <c>phone_error</c>, in the order both writes list them.</summary>
    private static object?[] PhoneValues(StoredPhone phone) =>
        [phone.E164, phone.E164 is null ? null : Privacy.PhoneHash.Of(phone.E164), phone.Status, phone.Type, phone.Region, phone.TimeZone, phone.Note, phone.Error];

    public Task TouchLastInteractionAsync(ImportSession session, long contactId, DateTimeOffset at, DateTimeOffset now, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command(database, TouchLastInteractionSql, new { contactId, at, now }, cancellationToken));

    public Task<int> InsertInteractionsAsync(ImportSession session, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        InteractionInsert.WriteAsync(database.Dialect, session.Connection, session.Transaction, rows, cancellationToken);

    public Task<int> InsertSuppressionsAsync(ImportSession session, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        SuppressionInsert.WriteAsync(database.Dialect, session.Connection, session.Transaction, rows, cancellationToken);

    /// <summary>Where an earlier run of these bytes stopped, when it was imported in batches and did not finish.</summary>
    public Task<ImportProgress?> ProgressAsync(ImportSession session, string sha256, CancellationToken cancellationToken) =>
        session.Connection.QueryFirstOrDefaultAsync<ImportProgress>(session.Command(database, ProgressSql, new { sha256 }, cancellationToken));

    /// <summary>Records how far a file imported in batches got, in the batch's own transaction; returns its <c>import_id</c>.</summary>
    public async Task<long> SaveProgressAsync(
        ImportSession session, long? importId, string sha256, string kind, ImportCounts counts, long rowsCommitted, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = new
        {
            importId,
            sha256,
            kind,
            interactions = counts.InteractionsAdded,
            created = counts.ContactsCreated,
            updated = counts.ContactsUpdated,
            rejected = counts.RowsRejected,
            now,
            rows = rowsCommitted,
            progress = counts.ToProgressJson(),
        };
        if (importId is { } id)
        {
            await session.Connection.ExecuteAsync(session.Command(database, UpdateProgressSql, parameters, cancellationToken));
            return id;
        }

        return await session.Connection.ExecuteScalarAsync<long>(session.Command(database, InsertProgressSql, parameters, cancellationToken));
    }

    /// <summary>
    /// Records a file the import finished with; in the file's own transaction when it was imported, over the row its
    /// batches wrote (<paramref name="importId"/>) when it was imported in batches.
    /// </summary>
    public async Task RecordFileAsync(ImportSession? session, string sha256, FileReport report, DateTimeOffset now, CancellationToken cancellationToken, long? importId = null)
    {
        var parameters = new
        {
            importId,
            sha256,
            kind = report.KindName,
            outcome = report.Outcome == FileOutcome.Archived ? "archived" : "quarantined",
            interactions = report.Counts.InteractionsAdded,
            created = report.Counts.ContactsCreated,
            updated = report.Counts.ContactsUpdated,
            rejected = report.Counts.RowsRejected,
            now,
            counterpartHash = report.Counts.CounterpartHash,
        };
        if (session is not null)
        {
            await session.Connection.ExecuteAsync(session.Command(database, importId is null ? InsertFileSql : FinishFileSql, parameters, cancellationToken));
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(database.Command(InsertFileSql, parameters, cancellationToken));
    }

    /// <summary>Whether a number (E.164, either Brazilian form) was erased at its owner's request and not opted in again since.</summary>
    public async Task<bool> IsErasedAsync(ImportSession session, string e164, CancellationToken cancellationToken)
    {
        var hashes = WhatsAppNumbers.MatchingE164(e164).Append(e164).Distinct(StringComparer.Ordinal).Select(Privacy.PhoneHash.Of).ToList();
        return await session.Connection.ExecuteScalarAsync<long>(session.Command(database, database.Sql(ErasedSql), new { hashes = database.List(hashes) }, cancellationToken)) > 0;
    }

    public async Task<bool> IsErasedFileAsync(ImportSession session, string sha256, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteScalarAsync<long>(session.Command(database, ErasedFileSql, new { sha256 }, cancellationToken)) > 0;

    /// <summary>Records where an archived 1:1 chat went; outside the file's transaction, which committed before the move.</summary>
    public async Task RecordArchiveNameAsync(string sha256, string counterpartHash, string archiveName, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(database.Command(ArchiveNameSql, new { sha256, counterpartHash, name = archiveName }, cancellationToken));
    }
}

/// <summary>One file's connection and transaction.</summary>
/// <param name="reset">A statement that puts the pooled connection back as it was, run when the session ends.</param>
public sealed class ImportSession(DbConnection connection, DbTransaction transaction, string? reset = null) : IAsyncDisposable
{
    public DbConnection Connection { get; } = connection;

    /// <summary>The open transaction: a file imported in batches gets a new one after each commit.</summary>
    public DbTransaction Transaction { get; private set; } = transaction;

    internal CommandDefinition Command(Database database, string sql, object? parameters, CancellationToken cancellationToken) =>
        database.Command(sql, parameters, cancellationToken, Transaction);

    public Task CommitAsync(CancellationToken cancellationToken) => Transaction.CommitAsync(cancellationToken);

    /// <summary>
    /// Commits what the file wrote so far, runs <paramref name="between"/> with no transaction open (on SQLite, no write
    /// lock held: other writers go first), then opens the next transaction on the same connection.
    /// </summary>
    public async Task CommitAndContinueAsync(Func<CancellationToken, Task> between, CancellationToken cancellationToken)
    {
        await Transaction.CommitAsync(cancellationToken);
        await Transaction.DisposeAsync();
        await between(cancellationToken);
        Transaction = await Connection.BeginTransactionAsync(cancellationToken);
    }

    /// <summary>Without a commit, the transaction rolls back here.</summary>
    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        try
        {
            if (reset is not null)
            {
                await Connection.ExecuteAsync(reset);
            }
        }
        finally
        {
            await Connection.DisposeAsync();
        }
    }
}

/// <summary>A contact as the import needs it.</summary>
public sealed class StoredContact
{
    public long ContactId { get; set; }

    public string? ExternalRef { get; set; }

    public string? Name { get; set; }

    public string? PhoneRaw { get; set; }

    public string? PhoneE164 { get; set; }

    public DateTimeOffset? ErasedAt { get; set; }

    /// <summary>Read by a contact file's batch only.</summary>
    public string? PhoneStatus { get; set; }

    /// <summary>Read by a contact file's batch only.</summary>
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>How far an earlier run of a file imported in batches got (<c>import_files</c>, outcome <c>importing</c>).</summary>
public sealed class ImportProgress
{
    public long ImportId { get; set; }

    public long RowsCommitted { get; set; }

    public string? Progress { get; set; }
}
