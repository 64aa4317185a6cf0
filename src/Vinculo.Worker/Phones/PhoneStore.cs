using Dapper;
using Vinculo.Data;

namespace Vinculo.Phones;

/// <summary>The phone columns of <c>contacts</c>: which rows need a check, and bulk writes of the results.</summary>
public sealed class PhoneStore(Database database) : ISqlStatements
{
    private const string CandidateColumns =
        "contact_id AS ContactId, phone_raw AS Raw, phone_status AS Status, phone_e164 AS E164, phone_type AS Type, " +
        "phone_region AS Region, time_zone AS TimeZone, phone_note AS Note, phone_error AS Error, duplicate_of AS DuplicateOf, " +
        "phone_checked_at AS CheckedAt, phone_failures AS Failures, updated_at AS UpdatedAt";

    /// <summary>
    /// SPEC section 3, "Incremental": never checked or <c>phone_raw</c> changed (a trigger clears
    /// <c>phone_checked_at</c> on every change, whoever writes it), check too old, or another library version.
    /// </summary>
    private string CandidatesSql =>
        $"SELECT {database.Dialect.Top("@limit")} {CandidateColumns} FROM contacts " +
        "WHERE contact_id > @after AND erased_at IS NULL " +
        "AND (phone_checked_at IS NULL OR phone_checked_at < @staleBefore " +
        "OR phone_checked_version IS NULL OR phone_checked_version <> @version) " +
        $"ORDER BY contact_id {database.Dialect.Limit("@limit")}";

    /// <summary>
    /// The condition of <see cref="CandidatesSql"/> as ranges of <c>ix_contacts_check_due</c> (V017: version, check time,
    /// status, of live rows): the versions other than the current one, and the current one's rows never checked or checked
    /// before <c>@staleBefore</c>. The same rows. Each range is a query of its own (<see cref="DueRows"/>): as one OR, an
    /// engine without statistics of the values (SQLite) prices every range at a quarter of the base and reads the table.
    /// </summary>
    private static readonly string[] DueRanges =
    [
        "phone_checked_version IS NULL",
        "phone_checked_version < @version",
        "phone_checked_version > @version",
        "phone_checked_version = @version AND phone_checked_at IS NULL",
        "phone_checked_version = @version AND phone_checked_at < @staleBefore",
    ];

    /// <summary>The ids of the live contacts due, one range of <c>ix_contacts_check_due</c> after the other (disjoint: no id twice).</summary>
    private static readonly string DueRows =
        string.Join(" UNION ALL ", DueRanges.Select(range => "SELECT contact_id FROM contacts WHERE erased_at IS NULL AND " + range));

    /// <summary>The ids of the contacts due, from <c>ix_contacts_check_due</c> alone (a night's few percent of the base), unordered.</summary>
    internal static readonly string DueIdsSql = DueRows;

    /// <summary>The listed contacts that are still due (<see cref="CandidatesSql"/>'s condition, checked again: another writer may have changed them since).</summary>
    private const string CandidatesByIdSql =
        $"SELECT {CandidateColumns} FROM contacts WHERE contact_id IN @ids AND erased_at IS NULL " +
        "AND (phone_checked_at IS NULL OR phone_checked_at < @staleBefore OR phone_checked_version IS NULL OR phone_checked_version <> @version) " +
        "ORDER BY contact_id";

    /// <summary>The index <see cref="DueRows"/> reads; every checked row moves in it, so a large rewrite drops it and builds it again.</summary>
    private const string CheckDueIndex = "ix_contacts_check_due";

    private const string CheckDueIndexColumns = "phone_checked_version, phone_checked_at, phone_status, erased_at";

    private const string CheckDueIndexFilter = "erased_at IS NULL";

    /// <summary>
    /// Among the live holders of the numbers <paramref name="numbers"/> picks (a constant condition on <c>phone_e164</c>),
    /// the rows whose duplicate mark must change, with the oldest holder of their number (by <c>created_at</c>, then id): a
    /// younger row not yet marked as a duplicate of the oldest, or an oldest row still marked duplicate (its own oldest was
    /// erased or changed number, or nobody else holds the number any more).
    /// </summary>
    private static string DuplicateChanges(string numbers) =>
        "SELECT ContactId, Raw, Status, E164, Type, Region, TimeZone, Note, Error, DuplicateOf, CheckedAt, Failures, UpdatedAt, Oldest FROM (" +
        $"SELECT {CandidateColumns}, FIRST_VALUE(contact_id) OVER (PARTITION BY phone_e164 ORDER BY created_at, contact_id) AS Oldest " +
        $"FROM contacts WHERE erased_at IS NULL AND phone_e164 {numbers}) shared " +
        "WHERE (Oldest <> ContactId AND (Status <> 'duplicate' OR DuplicateOf IS NULL OR DuplicateOf <> Oldest)) " +
        "OR (Oldest = ContactId AND Status = 'duplicate')";

    /// <summary>
    /// <see cref="DuplicateChanges"/> for every number held twice, in key order, so that the marks are written page after
    /// page rather than in the random order of phone numbers.
    /// </summary>
    private static readonly string DuplicateChangesSql = DuplicateChanges(
        "IN (SELECT phone_e164 FROM contacts WHERE erased_at IS NULL AND phone_e164 IS NOT NULL GROUP BY phone_e164 HAVING COUNT(*) > 1)") +
        " ORDER BY ContactId";

    /// <summary>
    /// <see cref="DuplicateChanges"/> for the listed numbers alone (an incremental pass, see <see cref="ReadTouchedAsync"/>),
    /// lone holders included: a row still marked duplicate with nobody else on its number is its own oldest, and comes back
    /// to be released. Unordered (the caller sorts the few rows).
    /// </summary>
    internal static readonly string NumberDuplicateChangesSql = DuplicateChanges("IN @numbers");

    /// <summary>
    /// Live rows this build's classifier checked after the last successful run (<c>@since</c>, when its own checks were
    /// written), or in the <c>@from</c> margin before it (another job's checks stamped with an earlier start, written
    /// after that run had marked its duplicates). Two ranges of <c>ix_contacts_check_due</c>; the last run's own checks,
    /// a whole base after a first sweep, lie between them.
    /// </summary>
    internal const string TouchedSql =
        "SELECT contact_id AS ContactId, phone_e164 AS E164, phone_status AS Status FROM contacts WHERE erased_at IS NULL " +
        "AND phone_checked_version = @version AND phone_checked_at >= @from AND phone_checked_at < @since " +
        "UNION ALL SELECT contact_id, phone_e164, phone_status FROM contacts WHERE erased_at IS NULL " +
        "AND phone_checked_version = @version AND phone_checked_at > @since";

    /// <summary>Contacts erased since <c>@from</c>: erasure clears the number, so they are a range of <c>ix_contacts_phone_e164</c>.</summary>
    internal const string ErasedSinceSql = "SELECT contact_id FROM contacts WHERE phone_e164 IS NULL AND erased_at >= @from";

    /// <summary>Live rows marked duplicate of the listed contacts (<c>ix_contacts_duplicate_of</c>), with their number.</summary>
    internal const string DependentsSql =
        "SELECT contact_id AS ContactId, phone_e164 AS E164, phone_status AS Status FROM contacts WHERE duplicate_of IN @ids AND erased_at IS NULL";

    /// <summary>Of the listed contacts, the live ones marked duplicate without a number of their own: nobody shares it.</summary>
    private const string NumberlessDuplicatesSql =
        $"SELECT {CandidateColumns} FROM contacts WHERE contact_id IN @ids AND erased_at IS NULL AND phone_status = 'duplicate' AND phone_e164 IS NULL ORDER BY contact_id";

    /// <summary>Rows marked duplicate whose number nobody else alive holds any more (the oldest was erased, or a number changed).</summary>
    private const string OrphanDuplicatesSql =
        $"SELECT {CandidateColumns} FROM contacts c " +
        "WHERE c.phone_status = 'duplicate' AND c.erased_at IS NULL AND (c.phone_e164 IS NULL OR NOT EXISTS (" +
        "SELECT 1 FROM contacts o WHERE o.phone_e164 = c.phone_e164 AND o.erased_at IS NULL AND o.contact_id <> c.contact_id)) " +
        "ORDER BY c.contact_id";

    /// <summary>
    /// The number index, dropped while a sweep rewrites a large part of the base and built again afterwards: updating
    /// it row by row, in the random order of phone numbers, took more than half of a first sweep's write time, and a
    /// sorted build of a million entries takes about a second.
    /// </summary>
    private const string NumberIndex = "ix_contacts_phone_e164";

    private const string NumberIndexColumns = "phone_e164, erased_at";

    /// <summary>
    /// The index of numbers no classifier accepts, dropped and built again with <see cref="NumberIndex"/>: before a first
    /// sweep every contact is in it, and each row the sweep classifies left it, one delete in the random order of
    /// <c>phone_raw</c>; afterwards it holds only the few invalid numbers, and building it takes a fraction of a second.
    /// </summary>
    private const string UnclassifiedIndex = "ix_contacts_unclassified_raw";

    private const string LiveCountSql = "SELECT COUNT(*) FROM contacts WHERE erased_at IS NULL";

    internal static readonly string CandidateCountSql = "SELECT COUNT(*) FROM (" + DueRows + ") due";

    /// <remarks>Read from <c>ix_contacts_check_due</c> alone, which holds the status of every live row.</remarks>
    internal const string CountByStatusSql =
        "SELECT phone_status AS Status, COUNT(*) AS Contacts FROM contacts WHERE erased_at IS NULL GROUP BY phone_status";

    /// <summary>
    /// The classification of checked rows. <c>duplicate_of</c> is not part of it: it rarely changes, and on
    /// SQLite every write of that self-referencing key costs a foreign-key check (a third of the sweep).
    /// </summary>
    public static readonly BulkWrite ClassificationWrite = new(
        "contacts",
        new BulkColumn("contact_id", BulkType.Identifier),
        [
            new("phone_status", BulkType.Text),
            new("phone_e164", BulkType.Text),
            new("phone_hash", BulkType.Text),
            new("phone_type", BulkType.Text),
            new("phone_region", BulkType.Text),
            new("time_zone", BulkType.Text),
            new("phone_note", BulkType.Text),
            new("phone_error", BulkType.Text),
            new("phone_failures", BulkType.Number),
            new("phone_checked_at", BulkType.Timestamp),
            new("phone_checked_version", BulkType.Text),
            new("updated_at", BulkType.Timestamp),
        ])
    {
        SchemaConformant = true,
        Redoable = true,
    };

    public static readonly BulkWrite DuplicateWrite = new(
        "contacts",
        new BulkColumn("contact_id", BulkType.Identifier),
        [new("phone_status", BulkType.Text), new("duplicate_of", BulkType.Identifier), new("updated_at", BulkType.Timestamp)])
    {
        SchemaConformant = true,
        Redoable = true,
    };

    public int ConcurrentWriters => database.Dialect.ConcurrentWriters;

    /// <summary>The indexes a large rewrite drops and builds again: the number indexes, then the engine's own (see <see cref="SqlDialect.ContactIndexesRebuiltAfterRewrite"/>).</summary>
    private IReadOnlyList<IndexStatements> RebuiltIndexes =>
    [
        new(database.Dialect.DropIndexIfExistsSql(NumberIndex, "contacts"), database.Dialect.CreateIndexIfMissingSql(NumberIndex, "contacts", NumberIndexColumns)),
        new(database.Dialect.DropIndexIfExistsSql(UnclassifiedIndex, "contacts"), database.Dialect.CreateUnclassifiedRawIndexSql),
        new(
            database.Dialect.DropIndexIfExistsSql(CheckDueIndex, "contacts"),
            database.Dialect.CreateIndexIfMissingSql(CheckDueIndex, "contacts", CheckDueIndexColumns) + " WHERE " + CheckDueIndexFilter),
        .. database.Dialect.ContactIndexesRebuiltAfterRewrite,
    ];

    private string? AfterRewriteSql => database.Dialect.AfterRewriteSql("contacts");

    private string? BeforeRewriteSql => database.Dialect.BeforeRewriteSql("contacts");

    public IEnumerable<string> Statements =>
        [.. new[] { BeforeRewriteSql, AfterRewriteSql }.OfType<string>(), LiveCountSql, CandidateCountSql, .. RebuiltIndexes.SelectMany(i => new[] { i.Drop, i.Create }), CandidatesSql, DueIdsSql, database.Sql(CandidatesByIdSql), DuplicateChangesSql, OrphanDuplicatesSql, database.Sql(NumberDuplicateChangesSql), TouchedSql, ErasedSinceSql, database.Sql(DependentsSql), database.Sql(NumberlessDuplicatesSql), CountByStatusSql, .. database.Dialect.BulkWriteStatements(ClassificationWrite), .. database.Dialect.BulkWriteStatements(DuplicateWrite)];

    /// <remarks>Read through a <see cref="RowReader"/>: the sweep reads every row of the base, and mapping them took longer than classifying them.</remarks>
    public async Task<List<PhoneCandidate>> ReadCandidatesAsync(long after, int limit, DateTimeOffset staleBefore, string version, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, object?> { ["after"] = after, ["limit"] = limit, ["staleBefore"] = staleBefore, ["version"] = version };
        var candidates = new List<PhoneCandidate>(limit);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var reader = await database.ReadRowsAsync(connection, CandidatesSql, parameters, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            candidates.Add(Candidate(reader));
        }

        return candidates;
    }

    /// <summary>The ids of every contact due for a check, in key order (<see cref="DueIdsSql"/>, sorted here): for a run that checks a small part of the base.</summary>
    public async Task<List<long>> ReadDueIdsAsync(DateTimeOffset staleBefore, string version, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var ids = (await connection.QueryAsync<long>(database.Command(DueIdsSql, new { staleBefore, version }, cancellationToken))).AsList();
        ids.Sort();
        return ids;
    }

    /// <summary>The listed contacts that are still due for a check, in key order (<see cref="CandidatesByIdSql"/>).</summary>
    public async Task<List<PhoneCandidate>> ReadCandidatesAsync(IReadOnlyList<long> ids, DateTimeOffset staleBefore, string version, CancellationToken cancellationToken)
    {
        var parameters = new Dictionary<string, object?> { ["ids"] = database.List(ids), ["staleBefore"] = staleBefore, ["version"] = version };
        var candidates = new List<PhoneCandidate>(ids.Count);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var reader = await database.ReadRowsAsync(connection, database.Sql(CandidatesByIdSql), parameters, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            candidates.Add(Candidate(reader));
        }

        return candidates;
    }

    /// <summary>One row of <see cref="CandidateColumns"/>, in their order.</summary>
    private static PhoneCandidate Candidate(RowReader row) => new()
    {
        ContactId = row.GetInt64(0),
        Raw = row.GetString(1),
        Status = row.GetCode(2) ?? PhoneStatuses.Unchecked,
        E164 = row.GetString(3),
        Type = row.GetCode(4),
        Region = row.GetCode(5),
        TimeZone = row.GetCode(6),
        Note = row.GetCode(7),
        Error = row.GetCode(8),
        DuplicateOf = row.IsNull(9) ? null : row.GetInt64(9),
        CheckedAt = row.GetInstant(10),
        Failures = row.GetInt32(11),
        UpdatedAt = row.GetInstant(12) ?? default,
    };

    /// <summary>Live contacts, and how many of them need a check.</summary>
    public async Task<(long Live, long Candidates)> CountCandidatesAsync(DateTimeOffset staleBefore, string version, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var live = await connection.ExecuteScalarAsync<long>(database.Command(LiveCountSql, null, cancellationToken));
        var candidates = live == 0 ? 0 : await connection.ExecuteScalarAsync<long>(database.Command(CandidateCountSql, new { staleBefore, version }, cancellationToken));
        return (live, candidates);
    }

    /// <summary>
    /// Prepares a large rewrite: the engine's statistics first (see <see cref="SqlDialect.BeforeRewriteSql"/>), then drops
    /// the indexes every checked row would update (see <see cref="NumberIndex"/>, <see cref="UnclassifiedIndex"/> and
    /// <see cref="SqlDialect.ContactIndexesRebuiltAfterRewrite"/>).
    /// </summary>
    public async Task PrepareLargeRewriteAsync(CancellationToken cancellationToken)
    {
        if (BeforeRewriteSql is { } statistics)
        {
            await ExecuteAsync(statistics, cancellationToken);
        }

        foreach (var index in RebuiltIndexes)
        {
            await ExecuteAsync(index.Drop, cancellationToken);
        }
    }

    /// <summary>Builds the indexes a large rewrite drops that are missing: after such a rewrite, or after a run that died during one.</summary>
    public async Task EnsureRebuiltIndexesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var tuning = database.Dialect.IndexBuildSession;
        if (tuning is not null)
        {
            await connection.ExecuteAsync(database.Command(tuning.Apply, null, cancellationToken));
        }

        try
        {
            foreach (var index in RebuiltIndexes)
            {
                await connection.ExecuteAsync(database.Command(index.Create, null, cancellationToken));
            }
        }
        finally
        {
            if (tuning is not null)
            {
                // The connection goes back to the pool as it was.
                await connection.ExecuteAsync(database.Command(tuning.Restore, null, CancellationToken.None));
            }
        }
    }

    /// <summary>The engine's housekeeping after a large rewrite of <c>contacts</c> (see <see cref="SqlDialect.AfterRewriteSql"/>); true when it had any.</summary>
    public async Task<bool> AfterLargeRewriteAsync(CancellationToken cancellationToken)
    {
        if (AfterRewriteSql is not { } sql)
        {
            return false;
        }

        await ExecuteAsync(sql, cancellationToken);
        return true;
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(database.Command(sql, null, cancellationToken));
    }

    /// <summary>Streams the rows whose duplicate mark must change (see <see cref="DuplicateChangesSql"/>), with the oldest holder of their number.</summary>
    public async IAsyncEnumerable<(PhoneCandidate Row, long Oldest)> ReadDuplicateChangesAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var reader = await database.ReadRowsAsync(connection, DuplicateChangesSql, new Dictionary<string, object?>(), cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return (Candidate(reader), reader.GetInt64(13));
        }
    }

    /// <summary>Per statement of an incremental duplicate pass: numbers read, contacts listed.</summary>
    public const int NumbersPerRead = 2_000;

    /// <summary>
    /// What an incremental duplicate pass must look at, when at most <paramref name="limit"/> rows were checked since
    /// <paramref name="since"/> (else null: the whole base is cheaper to group). A number's group can only have changed if a
    /// row joined it (checked since, with its new number), or its oldest left it (erased, or checked since with another
    /// number): then the rows marked duplicate of that one still carry the old number.
    /// </summary>
    public async Task<DuplicateScope?> ReadTouchedAsync(DateTimeOffset from, DateTimeOffset since, string version, int limit, CancellationToken cancellationToken)
    {
        var scope = new DuplicateScope();
        var ids = new List<long>();
        await using var connection = await database.OpenAsync(cancellationToken);
        var parameters = new Dictionary<string, object?> { ["from"] = from, ["since"] = since, ["version"] = version };
        await using (var reader = await database.ReadRowsAsync(connection, TouchedSql, parameters, cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (ids.Count == limit)
                {
                    return null;
                }

                var row = new TouchedRow { ContactId = reader.GetInt64(0), E164 = reader.GetString(1), Status = reader.GetCode(2) };
                ids.Add(row.ContactId);
                scope.Add(row);
            }
        }

        ids.AddRange(await connection.QueryAsync<long>(database.Command(ErasedSinceSql, new { from }, cancellationToken)));
        for (var first = 0; first < ids.Count; first += NumbersPerRead)
        {
            var some = ids.GetRange(first, Math.Min(NumbersPerRead, ids.Count - first));
            foreach (var row in await connection.QueryAsync<TouchedRow>(database.Command(database.Sql(DependentsSql), new { ids = database.List(some) }, cancellationToken)))
            {
                scope.Add(row);
            }
        }

        return scope;
    }

    /// <summary>The rows whose duplicate mark must change among the holders of <paramref name="numbers"/>, in key order, with the oldest holder of their number.</summary>
    public async Task<List<(PhoneCandidate Row, long Oldest)>> ReadDuplicateChangesAsync(IReadOnlyList<string> numbers, CancellationToken cancellationToken)
    {
        var changes = new List<(PhoneCandidate Row, long Oldest)>();
        await using var connection = await database.OpenAsync(cancellationToken);
        for (var first = 0; first < numbers.Count; first += NumbersPerRead)
        {
            var parameters = new Dictionary<string, object?> { ["numbers"] = database.List(numbers.Skip(first).Take(NumbersPerRead)) };
            await using var reader = await database.ReadRowsAsync(connection, database.Sql(NumberDuplicateChangesSql), parameters, cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                changes.Add((Candidate(reader), reader.GetInt64(13)));
            }
        }

        changes.Sort((a, b) => a.Row.ContactId.CompareTo(b.Row.ContactId));
        return changes;
    }

    /// <summary>Of <paramref name="ids"/>, the live contacts marked duplicate that have no number (<see cref="NumberlessDuplicatesSql"/>).</summary>
    public async Task<List<PhoneCandidate>> ReadNumberlessDuplicatesAsync(IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return [];
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<PhoneCandidate>(database.Command(database.Sql(NumberlessDuplicatesSql), new { ids = database.List(ids) }, cancellationToken))).AsList();
    }

    public async Task<List<PhoneCandidate>> ReadOrphanDuplicatesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return (await connection.QueryAsync<PhoneCandidate>(database.Command(OrphanDuplicatesSql, null, cancellationToken))).AsList();
    }

    /// <summary>Live contacts per phone status, for the run's detail.</summary>
    public async Task<SortedDictionary<string, long>> CountByStatusAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Status, long Contacts)>(database.Command(CountByStatusSql, null, cancellationToken));
        return new SortedDictionary<string, long>(rows.ToDictionary(r => r.Status, r => r.Contacts), StringComparer.Ordinal);
    }

    /// <summary>
    /// Writes one batch's classifications and duplicate links: a unit retried after a transient fault, since it writes values
    /// and a second write finds them written.
    /// </summary>
    public Task WriteBatchAsync(CheckedPhones rows, IReadOnlyList<object?[]> duplicateLinks, CancellationToken cancellationToken) =>
        database.RunUnitAsync(
            "revalidate-phones write",
            async token =>
            {
                Hosting.Failpoints.Hit("phones.before_write");
                await WriteClassificationsAsync(rows, token);
                return await WriteDuplicatesAsync(duplicateLinks, token);
            },
            cancellationToken);

    public Task<int> WriteClassificationsAsync(CheckedPhones rows, CancellationToken cancellationToken) =>
        rows.Count == 0 ? Task.FromResult(0) : database.BulkWriteAsync(ClassificationWrite, rows, cancellationToken);

    public Task<int> WriteDuplicatesAsync(IReadOnlyList<object?[]> rows, CancellationToken cancellationToken) =>
        database.BulkWriteAsync(DuplicateWrite, rows, cancellationToken);
}

/// <summary>
/// Checked rows in the column order of <see cref="PhoneStore.ClassificationWrite"/>, kept as one array of structs: a
/// batch waits in memory for the writer, and as arrays of boxed values a sweep's batches were most of what every
/// garbage collection had to trace (1.2 s of pauses on a million contacts).
/// </summary>
public sealed class CheckedPhones(DateTimeOffset checkedAt, string version, int capacity = 0) : BulkRows
{
    // Positions in PhoneStore.ClassificationWrite (key first); every other position is text.
    private const int ContactId = 0;
    private const int Hash = 3;
    private const int Failures = 9;
    private const int CheckedAt = 10;
    private const int UpdatedAt = 12;

    private readonly List<Row> rows = new(capacity);

    public override int Count => rows.Count;

    public override bool Typed => true;

    /// <summary>Adds a contact's new classification; the hash of its number is computed here, and kept as bytes until written.</summary>
    public void Add(long contactId, StoredPhone phone, DateTimeOffset updatedAt)
    {
        var hash = default(Sha256);
        if (phone.E164 is not null)
        {
            Privacy.PhoneHash.Compute(phone.E164, hash);
        }

        rows.Add(new Row(
            contactId, phone.Status, phone.E164, hash, phone.Type, phone.Region, phone.TimeZone, phone.Note, phone.Error, phone.Failures, updatedAt));
    }

    public override object? Value(int row, int column)
    {
        ref readonly var r = ref At(row);
        return column switch
        {
            ContactId => r.ContactId,
            Failures => r.Failures,
            CheckedAt => checkedAt,
            UpdatedAt => r.UpdatedAt,
            Hash => r.E164 is null ? null : Hex(r.Hash),
            _ => Text(in r, column),
        };
    }

    public override bool TryInt64(int row, int column, out long value)
    {
        value = column switch
        {
            ContactId => At(row).ContactId,
            Failures => At(row).Failures,
            _ => 0,
        };
        return column is ContactId or Failures;
    }

    /// <remarks>A hash is written by <see cref="TryUtf8"/>; as text it is only ever null.</remarks>
    public override bool TryText(int row, int column, out string? value)
    {
        value = column is ContactId or Hash or Failures or CheckedAt or UpdatedAt ? null : Text(in At(row), column);
        return column is not (ContactId or Failures or CheckedAt or UpdatedAt) && (column != Hash || At(row).E164 is null);
    }

    public override bool TryUtf8(int row, int column, Span<byte> destination, out int written)
    {
        ref readonly var r = ref At(row);
        written = 0;
        if (column != Hash || r.E164 is null || destination.Length < 64)
        {
            return false;
        }

        ReadOnlySpan<byte> hex = "0123456789abcdef"u8;
        for (var i = 0; i < 32; i++)
        {
            destination[2 * i] = hex[r.Hash[i] >> 4];
            destination[(2 * i) + 1] = hex[r.Hash[i] & 0xF];
        }

        written = 64;
        return true;
    }

    public override bool TryInstant(int row, int column, out DateTimeOffset value)
    {
        value = column == CheckedAt ? checkedAt : column == UpdatedAt ? At(row).UpdatedAt : default;
        return column is CheckedAt or UpdatedAt;
    }

    private string? Text(in Row r, int column) => column switch
    {
        1 => r.Status,
        2 => r.E164,
        4 => r.Type,
        5 => r.Region,
        6 => r.TimeZone,
        7 => r.Note,
        8 => r.Error,
        11 => version,
        _ => throw new ArgumentOutOfRangeException(nameof(column), column, "Not a text column of the classification write."),
    };

    private static string Hex(Sha256 hash) => Convert.ToHexStringLower(hash);

    private ref readonly Row At(int row) => ref System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows)[row];

    private readonly record struct Row(
        long ContactId, string Status, string? E164, Sha256 Hash, string? Type, string? Region, string? TimeZone, string? Note, string? Error,
        int Failures, DateTimeOffset UpdatedAt);

    /// <summary>A SHA-256 kept inline in its row, rather than as a 64-character string per row waiting for the writer.</summary>
    [System.Runtime.CompilerServices.InlineArray(32)]
    private struct Sha256
    {
        private byte first;
    }
}

/// <summary>One contact's phone columns as read for a check.</summary>
public sealed class PhoneCandidate
{
    public long ContactId { get; set; }

    public string? Raw { get; set; }

    public string Status { get; set; } = PhoneStatuses.Unchecked;

    public string? E164 { get; set; }

    public string? Type { get; set; }

    public string? Region { get; set; }

    public string? TimeZone { get; set; }

    public string? Note { get; set; }

    public string? Error { get; set; }

    public long? DuplicateOf { get; set; }

    public DateTimeOffset? CheckedAt { get; set; }

    public int Failures { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public StoredPhone Stored => new(Status, E164, Type, Region, TimeZone, Note, Error, DuplicateOf, Failures);

    /// <summary>Never classified, or <c>phone_raw</c> changed since (the trigger cleared the check time).</summary>
    public bool RawChanged => CheckedAt is null;
}

/// <summary>A contact an incremental duplicate pass starts from: checked since the last run, or marked duplicate of one that changed.</summary>
internal sealed class TouchedRow
{
    public long ContactId { get; set; }

    public string? E164 { get; set; }

    public string? Status { get; set; }
}

/// <summary>The numbers whose groups an incremental duplicate pass reads, and the numberless rows it checks.</summary>
public sealed class DuplicateScope
{
    private readonly HashSet<string> numbers = new(StringComparer.Ordinal);
    private readonly HashSet<long> numberless = [];

    internal void Add(TouchedRow row)
    {
        if (row.E164 is { } number)
        {
            numbers.Add(number);
        }
        else if (row.Status == PhoneStatuses.Duplicate)
        {
            numberless.Add(row.ContactId);
        }
    }

    /// <summary>The numbers, in order (so each read goes along the number index).</summary>
    public IReadOnlyList<string> Numbers => field ??= [.. numbers.Order(StringComparer.Ordinal)];

    /// <summary>Contacts marked duplicate that have no number: nobody shares it, so each is released.</summary>
    public IReadOnlyList<long> Numberless => [.. numberless.Order()];
}

