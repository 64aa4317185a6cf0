using System.Globalization;
using CsCheck;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;
using Vinculo.Testing;

namespace Vinculo.Phones;

/// <summary><c>revalidate-phones</c> against a real database, on every engine.</summary>
public abstract class RevalidatePhonesJobTests(EngineFixture engine) : EngineSuite(engine)
{
    private static readonly DateTimeOffset Night = DateTimeOffset.Parse("2026-11-23T05:00:00Z", CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task Job_ClassifiesEverySharedVector_AsTheCsvSays()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var vectors = SharedPhoneVectors.Load();
        var ids = new List<long>();
        foreach (var (vector, i) in vectors.Select((v, i) => (v, i)))
        {
            ids.Add(await InsertContactAsync(db, vector.Raw, Night.AddDays(-10).AddMinutes(i)));
        }

        var outcome = await RunAsync(db, Night);

        Assert.Equal(JobRunStatus.Succeeded, outcome.Status);
        var mismatches = new List<string>();
        var seen = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < vectors.Count; i++)
        {
            var expected = vectors[i];
            var row = await ContactAsync(db, ids[i]);
            // The CSV lists some numbers more than once: every later copy is a duplicate of the first.
            var expectedStatus = expected.E164 is not null && seen.ContainsKey(expected.E164) ? "duplicate" : expected.Status;
            if (expected.E164 is not null)
            {
                seen.TryAdd(expected.E164, ids[i]);
            }

            var expectedReason = expected.Status == "repaired" ? row.PhoneNote : expected.Status == "invalid" ? row.PhoneError : null;
            var offset = row.TimeZone is null ? (double?)null : TimeZoneInfo.FindSystemTimeZoneById(row.TimeZone).BaseUtcOffset.TotalHours;
            var expectedOffset = expected.UtcOffset ?? (expected.E164 is null ? null : -3.0);
            if (row.PhoneStatus != expectedStatus || row.PhoneE164 != expected.E164 || row.PhoneType != expected.Type
                || (expected.Reason is not null && expectedReason != expected.Reason) || offset != expectedOffset || row.PhoneRaw != expected.Raw)
            {
                mismatches.Add($"'{expected.Raw}': got {row.PhoneStatus}/{row.PhoneE164}/{row.PhoneType}/{offset}/{row.PhoneNote ?? row.PhoneError}, " +
                    $"expected {expectedStatus}/{expected.E164}/{expected.Type}/{expectedOffset}/{expected.Reason}");
            }

            if (expected.E164 is null && (row.PhoneHash is not null || row.PhoneType is not null))
            {
                mismatches.Add($"'{expected.Raw}': an invalid number got a hash or a type");
            }

            if (expected.E164 is not null && row.PhoneHash != Vinculo.Privacy.PhoneHash.Of(expected.E164))
            {
                mismatches.Add($"'{expected.Raw}': phone_hash is not the SHA-256 of its E.164");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    /// <summary>
    /// Thousands of generated phone fields (fragments of real numbers, control characters, emoji, RTL marks,
    /// full-width digits, strings of up to 10,000 characters) go through the job: every row gets a status,
    /// <c>phone_raw</c> comes back exactly as written, and only usable numbers get an E.164, a hash and a zone.
    /// </summary>
    [SkippableFact]
    public async Task Job_OnAnyPhoneField_NeverTouchesPhoneRaw_AndWritesE164OnlyForUsableNumbers()
    {
        await using var db = await NewMigratedDatabaseAsync();
        // Text columns hold valid Unicode: no NUL (PostgreSQL refuses it) and no lone surrogate.
        const string Characters = "0123456789+-(). /#xramal\t\r\n\u0001\u007F\u00A0\u200E\u200F\u202E\uFEFF０１２３٣ãç";
        var fragments = Gen.OneOf("+55", "55", "0", "00", "0 21 ", "(11)", "(68) ", "9", "98765-4321", "8765-4321", "3456-7890", "0800 ", "+351 912 345 678", "📱", "ramal 12", " / ");
        var fields = Gen.OneOf(
                fragments.Array[0, 6].Select(string.Concat),
                Gen.Char[Characters].Array[0, 30].Select(chars => new string(chars)),
                Gen.Char[Characters].Array[1_000, 10_000].Select(chars => new string(chars)))
            .Array[1_500]
            .Single(); // One draw of 1,500 fields; CsCheck's seed is printed on failure.
        await InsertContactsAsync(db, fields);

        var run = await RunAsync(db, Night);

        Assert.Equal(fields.Length, run.Result!.Scanned);
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        var rows = (await connection.QueryAsync<(long Id, string? Raw, string Status, string? E164, string? Hash, string? Zone, string? Error)>(
            "SELECT contact_id, phone_raw, phone_status, phone_e164, phone_hash, time_zone, phone_error FROM contacts ORDER BY contact_id")).ToList();
        Assert.Equal(fields, rows.Select(r => r.Raw));
        Assert.All(rows, row =>
        {
            var usable = row.Status is "valid" or "repaired" or "landline" or "duplicate";
            Assert.Contains(row.Status, new[] { "valid", "repaired", "landline", "duplicate", "invalid" });
            Assert.Equal(usable, row.E164 is not null);
            Assert.Equal(usable, row.Hash is not null);
            Assert.Equal(usable, row.Zone is not null);
            Assert.Equal(row.Status == "invalid", row.Error is not null);
        });
    }

    [SkippableFact]
    public async Task Job_SecondRunOverAnUnchangedBase_WritesNothing()
    {
        await using var db = await NewMigratedDatabaseAsync();
        foreach (var raw in new[] { "(11) 98765-4321", "(11) 3456-7890", "n/a", "11 98765-4321" })
        {
            await InsertContactAsync(db, raw, Night.AddDays(-1));
        }

        var first = await RunAsync(db, Night);
        var before = await SnapshotAsync(db);
        var second = await RunAsync(db, Night.AddHours(1));

        Assert.Equal(4, first.Result!.Scanned);
        Assert.Equal(0, second.Result!.Scanned);
        Assert.Equal(0, second.Result.Changed);
        Assert.Equal(before, await SnapshotAsync(db));
    }

    [SkippableFact]
    public async Task Job_RechecksOnlyWhatNeedsIt_ForEachTrigger()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var unchanged = await InsertContactAsync(db, "(21) 99876-5432", Night.AddDays(-2));
        var edited = await InsertContactAsync(db, "(11) 98765-4321", Night.AddDays(-2));
        var oldVersion = await InsertContactAsync(db, "(31) 99123-4567", Night.AddDays(-2));
        await RunAsync(db, Night);

        var added = await InsertContactAsync(db, "(41) 99988-7766", Night);
        await ExecuteAsync(db, "UPDATE contacts SET phone_raw = '(11) 3456-7890' WHERE contact_id = @edited", new { edited });
        await ExecuteAsync(db, "UPDATE contacts SET phone_checked_version = '0.0.1' WHERE contact_id = @oldVersion", new { oldVersion });
        var next = await RunAsync(db, Night.AddDays(1));

        Assert.Equal(3, next.Result!.Scanned);
        Assert.Equal("landline", (await ContactAsync(db, edited)).PhoneStatus);
        Assert.Equal("valid", (await ContactAsync(db, added)).PhoneStatus);
        Assert.Equal(PhoneClassifier.LibraryVersion, (await ContactAsync(db, oldVersion)).PhoneCheckedVersion);
        Assert.Equal(Night, (await ContactAsync(db, unchanged)).PhoneCheckedAt);

        // Phones:RevalidateAfterDays is 30: at day 32 every check (days 0 and 1) is too old.
        var notYet = await RunAsync(db, Night.AddDays(30).AddHours(-1));
        var stale = await RunAsync(db, Night.AddDays(32));
        Assert.Equal(0, notYet.Result!.Scanned);
        Assert.Equal(4, stale.Result!.Scanned);
        Assert.Equal(0, stale.Result.Changed);
        Assert.Equal(Night.AddDays(32), (await ContactAsync(db, unchanged)).PhoneCheckedAt);
    }

    [SkippableFact]
    public async Task Duplicates_TheOldestKeepsItsStatus_TheOthersPointToIt()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var second = await InsertContactAsync(db, "11 98765-4321", Night.AddDays(-5));
        var oldest = await InsertContactAsync(db, "(11) 98765-4321", Night.AddDays(-9));
        var third = await InsertContactAsync(db, "+55 11 8765-4321", Night.AddDays(-1));
        var other = await InsertContactAsync(db, "(21) 99876-5432", Night.AddDays(-9));

        var run = await RunAsync(db, Night);

        Assert.Equal(("valid", (long?)null), await StatusAsync(db, oldest));
        Assert.Equal(("duplicate", (long?)oldest), await StatusAsync(db, second));
        Assert.Equal(("duplicate", (long?)oldest), await StatusAsync(db, third));
        Assert.Equal(("valid", (long?)null), await StatusAsync(db, other));
        using var detail = System.Text.Json.JsonDocument.Parse((await JobRunnerTests.RunsAsync(db, RevalidatePhonesJob.Key))[0].Detail!);
        Assert.Equal(2, detail.RootElement.GetProperty("marked_duplicate").GetInt64());
        Assert.Equal(3, detail.RootElement.GetProperty("base_by_status").GetProperty("valid").GetInt64() + 1);
        Assert.Equal(4, run.Result!.Scanned);
        Assert.Equal(0, (await RunAsync(db, Night.AddHours(1))).Result!.Changed);
    }

    [SkippableFact]
    public async Task Duplicates_WhenTheOldestIsErased_TheNextOldestTakesOver()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var oldest = await InsertContactAsync(db, "(11) 98765-4321", Night.AddDays(-9));
        var second = await InsertContactAsync(db, "11 98765-4321", Night.AddDays(-5));
        var third = await InsertContactAsync(db, "5511987654321", Night.AddDays(-1));
        await RunAsync(db, Night);

        await ExecuteAsync(db, "UPDATE contacts SET erased_at = @at, phone_raw = NULL, phone_e164 = NULL, phone_hash = NULL WHERE contact_id = @oldest", new { at = Night, oldest });
        await RunAsync(db, Night.AddDays(1));

        Assert.Equal(("valid", (long?)null), await StatusAsync(db, second));
        Assert.Equal(("duplicate", (long?)second), await StatusAsync(db, third));
    }

    [SkippableFact]
    public async Task Duplicates_WhenTheOldestChangesNumber_BothGroupsAreRight()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var oldest = await InsertContactAsync(db, "(11) 98765-4321", Night.AddDays(-9));
        var second = await InsertContactAsync(db, "11 98765-4321", Night.AddDays(-5));
        var third = await InsertContactAsync(db, "5511987654321", Night.AddDays(-1));
        var holder = await InsertContactAsync(db, "(21) 99876-5432", Night.AddDays(-20));
        await RunAsync(db, Night);

        await ExecuteAsync(db, "UPDATE contacts SET phone_raw = '21 99876-5432' WHERE contact_id = @oldest", new { oldest });
        await RunAsync(db, Night.AddDays(1));

        Assert.Equal(("duplicate", (long?)holder), await StatusAsync(db, oldest));
        Assert.Equal(("valid", (long?)null), await StatusAsync(db, second));
        Assert.Equal(("duplicate", (long?)second), await StatusAsync(db, third));
        Assert.Equal(0, (await RunAsync(db, Night.AddDays(1).AddHours(1))).Result!.Changed);
    }

    /// <summary>
    /// After a successful run, the next groups only the numbers whose holders changed since: a newcomer's number, and the
    /// old number of an oldest that moved. A mark broken by hand on a number nobody touched is left to the next full pass
    /// (here: a run whose clock did not move past the last one's).
    /// </summary>
    [SkippableFact]
    public async Task Duplicates_ANightAfterASuccessfulRun_GroupsOnlyTheNumbersThatChanged()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var oldestA = await InsertContactAsync(db, "(11) 98765-4321", Night.AddDays(-9));
        var secondA = await InsertContactAsync(db, "11 98765-4321", Night.AddDays(-5));
        var oldestB = await InsertContactAsync(db, "(21) 99876-5432", Night.AddDays(-9));
        var secondB = await InsertContactAsync(db, "21 99876-5432", Night.AddDays(-5));
        var oldestC = await InsertContactAsync(db, "(31) 99123-4567", Night.AddDays(-9));
        var secondC = await InsertContactAsync(db, "31 99123-4567", Night.AddDays(-5));
        var first = await RunAsync(db, Night);

        var newcomer = await InsertContactAsync(db, "+55 11 98765-4321", Night.AddHours(3));
        await ExecuteAsync(db, "UPDATE contacts SET phone_status = 'valid', duplicate_of = NULL WHERE contact_id = @secondB", new { secondB });
        await ExecuteAsync(db, "UPDATE contacts SET phone_raw = '(41) 99555-0000' WHERE contact_id = @oldestC", new { oldestC });
        var night = await RunAsync(db, Night.AddDays(1));

        Assert.Equal("contacts", (string?)first.Result!.Detail!["duplicates_from"]);
        Assert.Equal("changes_since_last_run", (string?)night.Result!.Detail!["duplicates_from"]);
        // The newcomer's number, oldestC's new one, and the old one its duplicate still holds.
        Assert.Equal(3, (int?)night.Result.Detail["duplicate_numbers_read"]);
        Assert.Equal(("duplicate", (long?)oldestA), await StatusAsync(db, newcomer));
        Assert.Equal(("duplicate", (long?)oldestA), await StatusAsync(db, secondA));
        Assert.Equal(("valid", (long?)null), await StatusAsync(db, secondC));
        Assert.Equal(("valid", (long?)null), await StatusAsync(db, oldestC));
        Assert.Equal(("valid", (long?)null), await StatusAsync(db, secondB));

        var full = await RunAsync(db, Night.AddDays(1));
        Assert.Equal("contacts", (string?)full.Result!.Detail!["duplicates_from"]);
        Assert.Equal(("duplicate", (long?)oldestB), await StatusAsync(db, secondB));
    }

    /// <summary>A run that wrote its checks and failed before marking duplicates leaves them to the next run, which finds them by their check times.</summary>
    [SkippableFact]
    public async Task Duplicates_ChecksWrittenByAFailedRun_AreGroupedByTheNext()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var oldest = await InsertContactAsync(db, "(11) 98765-4321", Night.AddDays(-9));
        await RunAsync(db, Night);
        var newcomer = await InsertContactAsync(db, "11 98765-4321", Night.AddHours(3));

        JobRunOutcome failed;
        using (Hosting.Failpoints.Arm("phones.after_write=throw@1"))
        {
            failed = await RunAsync(db, Night.AddDays(1));
        }

        var afterFailure = await StatusAsync(db, newcomer);
        var next = await RunAsync(db, Night.AddDays(2));

        Assert.Equal(JobRunStatus.Failed, failed.Status);
        Assert.Equal(("valid", (long?)null), afterFailure);
        Assert.Equal(0, next.Result!.Scanned);
        Assert.Equal("changes_since_last_run", (string?)next.Result.Detail!["duplicates_from"]);
        Assert.Equal(("duplicate", (long?)oldest), await StatusAsync(db, newcomer));
    }

    /// <summary>
    /// Another job (an import) classifies the rows it writes and stamps them with its own start, which can fall before the
    /// last run's while the rows land after that run marked its duplicates: the next run looks a margin back.
    /// </summary>
    [SkippableFact]
    public async Task Duplicates_ARowCheckedElsewhereJustBeforeTheLastRun_IsGroupedByTheNext()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var oldest = await InsertContactAsync(db, "(11) 98765-4321", Night.AddDays(-9));
        await RunAsync(db, Night);
        var imported = await InsertContactAsync(db, "11 98765-4321", Night.AddDays(-1));
        await ExecuteAsync(
            db,
            "UPDATE contacts SET phone_status = 'valid', phone_e164 = '+5511987654321', phone_checked_at = @at, phone_checked_version = @version WHERE contact_id = @imported",
            new { at = Night.AddHours(-1), version = PhoneClassifier.LibraryVersion, imported });

        var next = await RunAsync(db, Night.AddDays(1));

        Assert.Equal(0, next.Result!.Scanned);
        Assert.Equal("changes_since_last_run", (string?)next.Result.Detail!["duplicates_from"]);
        Assert.Equal(("duplicate", (long?)oldest), await StatusAsync(db, imported));
    }

    [SkippableFact]
    public async Task ARunThatDiedDuringALargeRewrite_HasItsNumberIndexRebuiltByTheNextRun()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await InsertContactAsync(db, "(11) 98765-4321", Night.AddDays(-9));
        var dialect = SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot);
        var definitions = await db.IndexDefinitionsAsync("contacts");
        await ExecuteAsync(db, dialect.DropIndexIfExistsSql("ix_contacts_phone_e164", "contacts"), new { });
        await ExecuteAsync(db, dialect.DropIndexIfExistsSql("ix_contacts_unclassified_raw", "contacts"), new { });
        foreach (var index in dialect.ContactIndexesRebuiltAfterRewrite)
        {
            await ExecuteAsync(db, index.Drop, new { });
        }

        var run = await RunAsync(db, Night);

        Assert.Equal(JobRunStatus.Succeeded, run.Status);
        Assert.Equal(false, run.Result!.Detail!["rebuilt_number_index"]);
        Assert.Contains("ix_contacts_phone_e164", await db.IndexesAsync("contacts"));
        Assert.Equal(definitions, await db.IndexDefinitionsAsync("contacts"));
    }

    [SkippableFact]
    public async Task ALargeRewrite_RebuildsTheNumberIndex_AndCountsTheBaseAsItEnds()
    {
        await using var db = await NewMigratedDatabaseAsync();
        // 300 rows, a third of them sharing 20 numbers, some invalid; the run rewrites them all.
        var raws = Enumerable.Range(0, 300).Select(i => i % 3 == 0 ? $"(11) 98{i % 20:D3}-0000" : i % 7 == 0 ? "sem telefone" : $"(21) 97{i:D3}-1234").ToList();
        await InsertContactsAsync(db, raws);
        void Small(Microsoft.Extensions.Hosting.HostApplicationBuilder builder) =>
            builder.Services.Configure<PhonesOptions>(o => (o.LargeRewriteRows, o.BatchSize) = (50, 100));

        var definitions = await db.IndexDefinitionsAsync("contacts");
        var first = await RunAsync(db, Night, Small);
        var afterFirst = await CountByStatusAsync(db);
        // The indexes the rewrite dropped are back, as the migrations define them.
        Assert.Equal(definitions, await db.IndexDefinitionsAsync("contacts"));
        // The oldest holder of a shared number goes: the next one takes over in the second large rewrite.
        await ExecuteAsync(db, "UPDATE contacts SET erased_at = @at WHERE contact_id = (SELECT MIN(contact_id) FROM contacts WHERE phone_raw = '(11) 98000-0000')", new { at = Night });
        var second = await RunAsync(db, Night.AddDays(40), Small);
        var afterSecond = await CountByStatusAsync(db);

        foreach (var (run, counts) in new[] { (first, afterFirst), (second, afterSecond) })
        {
            Assert.Equal(JobRunStatus.Succeeded, run.Status);
            Assert.Equal(true, run.Result!.Detail!["rebuilt_number_index"]);
            Assert.Equal(counts, ((IReadOnlyDictionary<string, long>)run.Result.Detail["base_by_status"]!).ToDictionary());
            // Where the time went: the phases one after the other, and the overlapping busy time of reading, classifying and writing.
            var phases = ((IReadOnlyDictionary<string, double>)run.Result.Detail["phase_seconds"]!).Keys.ToList();
            Assert.Equal(["count", "classify_and_write", "rebuild_number_index"], phases.Take(3));
            Assert.Contains("duplicates", phases);
            Assert.Equal(["read", "classify", "write"], ((IReadOnlyDictionary<string, double>)run.Result.Detail["busy_seconds"]!).Keys);
        }

        Assert.Equal(79, afterSecond["duplicate"]);

        Assert.Equal(80L, first.Result!.Detail!["marked_duplicate"]);
        Assert.Equal(1L, second.Result!.Detail!["duplicate_released"]);
        Assert.Contains("ix_contacts_phone_e164", await db.IndexesAsync("contacts"));
    }

    /// <summary>
    /// A night's edits, scattered over the base and more than a batch: the run finds them through the index of check times
    /// (not by reading the base), drops no index, and checks every edited row and only those; the first sweep read the base.
    /// </summary>
    [SkippableFact]
    public async Task ANightsScatteredEdits_AreFoundThroughTheCheckTimes_AndCheckedAlone()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await InsertContactsAsync(db, [.. Enumerable.Range(0, 1_000).Select(i => $"(21) 97{i:D3}-1234")]);
        void Small(Microsoft.Extensions.Hosting.HostApplicationBuilder builder) =>
            builder.Services.Configure<PhonesOptions>(o => (o.LargeRewriteRows, o.BatchSize) = (50, 100));

        var first = await RunAsync(db, Night, Small);
        List<long> edited;
        await using (var connection = await db.OpenAsync())
        {
            edited = [.. (await connection.QueryAsync<long>("SELECT contact_id FROM contacts ORDER BY contact_id")).Where((_, i) => i % 7 == 3)];
            foreach (var id in edited)
            {
                await connection.ExecuteAsync("UPDATE contacts SET phone_raw = @raw WHERE contact_id = @id", new { raw = $"+55 21 96{id % 1000:D3}-1234", id });
            }
        }

        var night = await RunAsync(db, Night.AddDays(1), Small);

        Assert.Equal((true, "contacts"), ((bool?)first.Result!.Detail!["rebuilt_number_index"], (string?)first.Result.Detail["candidates_from"]));
        Assert.Equal(JobRunStatus.Succeeded, night.Status);
        Assert.Equal((false, "check_due_index"), ((bool?)night.Result!.Detail!["rebuilt_number_index"], (string?)night.Result.Detail["candidates_from"]));
        Assert.Equal(edited.Count, night.Result.Scanned);
        Assert.Equal(0, await UncheckedAsync(db));
        await using (var connection = await db.OpenAsync())
        {
            // Every edited row checked at the night's instant, no other row.
            var checkedAtNight = (await connection.QueryAsync<long>(
                "SELECT contact_id FROM contacts WHERE phone_checked_at = @at ORDER BY contact_id", new { at = Night.AddDays(1) })).ToList();
            Assert.Equal(edited, checkedAtNight);
        }
    }

    /// <summary>A write that fails ends the run as failed, with the reading stopped: the batches not written are checked next time.</summary>
    [SkippableFact]
    public async Task AFailingWrite_FailsTheRun_WithoutWaitingForTheRestOfTheBase()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await InsertContactsAsync(db, [.. Enumerable.Range(0, 1_000).Select(i => $"(21) 97{i:D3}-1234")]);
        void Small(Microsoft.Extensions.Hosting.HostApplicationBuilder builder) =>
            builder.Services.Configure<PhonesOptions>(o => o.BatchSize = 100);

        JobRunOutcome failed;
        using (Hosting.Failpoints.Arm("phones.after_write=throw@1"))
        {
            failed = await RunAsync(db, Night, Small).WaitAsync(TimeSpan.FromMinutes(2));
        }

        var uncheckedAfterFailure = await UncheckedAsync(db);
        var next = await RunAsync(db, Night.AddHours(1), Small);

        Assert.Equal(JobRunStatus.Failed, failed.Status);
        Assert.Contains("phones.after_write", failed.Error, StringComparison.Ordinal);
        // The first batch was written; besides it, at most what the engine's other writer was writing then.
        Assert.InRange(1_000 - uncheckedAfterFailure, 100, 200);
        Assert.Equal(JobRunStatus.Succeeded, next.Status);
        Assert.Equal(0, await UncheckedAsync(db));
    }

    [SkippableFact]
    public async Task Unreachable_StaysUntilTheRawNumberChanges()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var contact = await InsertContactAsync(db, "(11) 98765-4321", Night.AddDays(-9));
        await RunAsync(db, Night);
        await ExecuteAsync(db, "UPDATE contacts SET phone_status = 'unreachable', phone_failures = 2 WHERE contact_id = @contact", new { contact });

        await RunAsync(db, Night.AddDays(40));
        var kept = await ContactAsync(db, contact);
        await ExecuteAsync(db, "UPDATE contacts SET phone_raw = '(11) 91234-5678' WHERE contact_id = @contact", new { contact });
        await RunAsync(db, Night.AddDays(41));
        var cleared = await ContactAsync(db, contact);

        Assert.Equal("unreachable", kept.PhoneStatus);
        Assert.Equal("valid", cleared.PhoneStatus);
        Assert.Equal(0L, cleared.PhoneFailures);
    }

    private static async Task<JobRunOutcome> RunAsync(TestDatabase db, DateTimeOffset now, Action<Microsoft.Extensions.Hosting.HostApplicationBuilder>? configure = null)
    {
        using var host = db.BuildHost(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now), configure);
        return await host.Services.GetRequiredService<JobRunner>().RunAsync(RevalidatePhonesJob.Key, CancellationToken.None);
    }

    private static async Task<long> UncheckedAsync(TestDatabase db)
    {
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE phone_status = 'unchecked'");
    }

    private static async Task<Dictionary<string, long>> CountByStatusAsync(TestDatabase db)
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<(string Status, long Contacts)>(
            "SELECT phone_status AS Status, COUNT(*) AS Contacts FROM contacts WHERE erased_at IS NULL GROUP BY phone_status");
        return rows.ToDictionary(r => r.Status, r => r.Contacts);
    }

    internal static async Task<long> InsertContactAsync(TestDatabase db, string? raw, DateTimeOffset createdAt)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        var sql = SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot)
            .InsertReturningKey("contacts", "name, phone_raw, created_at, updated_at", "'Cliente', @raw, @createdAt, @createdAt", "contact_id");
        return await connection.ExecuteScalarAsync<long>(sql, new { raw, createdAt });
    }

    private static async Task InsertContactsAsync(TestDatabase db, IReadOnlyList<string> raws)
    {
        var dialect = SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot);
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var rows = raws.Select((raw, i) => new object?[] { "Cliente", raw, "unchecked", Night.AddDays(-1).AddSeconds(i), Night.AddDays(-1) }).ToList();
        await dialect.BulkWriteAsync(connection, transaction, Bench.PhoneBenchmark.ContactInsert, rows, CancellationToken.None);
        await transaction.CommitAsync();
    }

    private static async Task ExecuteAsync(TestDatabase db, string sql, object parameters)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    private static async Task<ContactRow> ContactAsync(TestDatabase db, long id)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        return await connection.QuerySingleAsync<ContactRow>(
            "SELECT phone_raw AS PhoneRaw, phone_status AS PhoneStatus, phone_e164 AS PhoneE164, phone_hash AS PhoneHash, phone_type AS PhoneType, " +
            "time_zone AS TimeZone, phone_note AS PhoneNote, phone_error AS PhoneError, duplicate_of AS DuplicateOf, phone_failures AS PhoneFailures, " +
            "phone_checked_at AS PhoneCheckedAt, phone_checked_version AS PhoneCheckedVersion FROM contacts WHERE contact_id = @id",
            new { id });
    }

    private static async Task<(string, long?)> StatusAsync(TestDatabase db, long id)
    {
        var row = await ContactAsync(db, id);
        return (row.PhoneStatus, row.DuplicateOf);
    }

    private static async Task<string> SnapshotAsync(TestDatabase db)
    {
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync(
            "SELECT contact_id, phone_raw, phone_status, phone_e164, phone_checked_at, updated_at, duplicate_of FROM contacts ORDER BY contact_id");
        return string.Join("\n", rows.Select(r => string.Join("|", ((IDictionary<string, object?>)r).Values)));
    }
}

public sealed class ContactRow
{
    public string? PhoneRaw { get; set; }

    public string PhoneStatus { get; set; } = "";

    public string? PhoneE164 { get; set; }

    public string? PhoneHash { get; set; }

    public string? PhoneType { get; set; }

    public string? TimeZone { get; set; }

    public string? PhoneNote { get; set; }

    public string? PhoneError { get; set; }

    public long? DuplicateOf { get; set; }

    public long PhoneFailures { get; set; }

    public DateTimeOffset? PhoneCheckedAt { get; set; }

    public string? PhoneCheckedVersion { get; set; }
}

public sealed class SqliteRevalidatePhonesJobTests(SqliteEngine engine) : RevalidatePhonesJobTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresRevalidatePhonesJobTests(PostgresEngine engine) : RevalidatePhonesJobTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerRevalidatePhonesJobTests(SqlServerEngine engine) : RevalidatePhonesJobTests(engine), IClassFixture<SqlServerEngine>;
