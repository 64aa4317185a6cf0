using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using EvolveDb.Dialect;
using EvolveDb.Migration;
using Vinculo.Bench;
using Vinculo.Dispatch;
using Vinculo.Engines;
using Vinculo.Jobs;

namespace Vinculo.Data;

/// <summary>
/// SPEC section 8: other tools write our tables too, and a writer that names only the SPEC's columns succeeds on every engine
/// (V009): the columns that say when a row was written take "now" in the stored form, a queued message takes its contact's
/// number, and a database at V008 upgrades keeping every row, index, constraint, trigger and view.
/// </summary>
public abstract partial class OtherWritersTests(EngineFixture engine) : EngineSuite(engine)
{
    /// <summary>Every column V009 gave a default: when the row was written.</summary>
    public static readonly IReadOnlyList<(string Table, string Column)> Stamped =
    [
        ("contacts", "created_at"), ("contacts", "updated_at"), ("consents", "changed_at"), ("suppression_list", "added_at"),
        ("erasure_requests", "requested_at"), ("inbound_messages", "received_at"), ("contents", "created_at"), ("contents", "updated_at"),
        ("message_queue", "created_at"), ("message_queue", "updated_at"), ("message_status_events", "received_at"), ("job_runs", "started_at"),
        ("preference_events", "received_at"), ("import_files", "imported_at"), ("webhook_payloads", "received_at"),
    ];

    /// <summary>Every table of ours, in the order the upgrade test compares them.</summary>
    private static readonly string[] Tables =
    [
        "contacts", "consents", "consent_events", "suppression_list", "erasure_requests", "interactions", "inbound_messages", "contents",
        "message_queue", "message_status_events", "job_runs", "preference_events", "import_files", "webhook_payloads", "dispatch_halts",
    ];

    private static readonly string[] Views = ["v_contact_health", "v_consent_summary", "v_plan_by_day", "v_job_history"];

    private const string PhoneTrigger = "tr_message_queue_phone_e164_from_contact";

    private const string Carla = "+5511987654321";

    private static readonly DateTimeOffset At = DateTimeOffset.Parse("2026-11-23T05:00:00.000Z", CultureInfo.InvariantCulture);

    /// <summary>
    /// For each table SPEC section 8 names, the INSERTs another tool would write. "spec" names every column the SPEC lists for
    /// the table (not the generated key); "minimal" names only what a writer must know: the facts of the row, never when it
    /// was written. Tables the SPEC lists by name alone (erasure_requests, preference_events, import_files, webhook_payloads)
    /// have only the minimal one. <see cref="Writer.Stamped"/> are the columns the INSERT leaves to their defaults.
    /// </summary>
    private static readonly Dictionary<string, Writer[]> Writers = new(StringComparer.Ordinal)
    {
        ["contacts"] =
        [
            new(
                "spec",
                "contacts",
                "external_ref, name, phone_raw, phone_e164, phone_status, phone_type, phone_region, time_zone, phone_note, phone_error, duplicate_of, " +
                "phone_checked_at, phone_checked_version, preferred_hour, last_interaction_at, created_at, updated_at, erased_at, whatsapp_id, whatsapp_user_id",
                "'erp-77', 'Ana Souza', '(11) 98765-4322', '+5511987654322', 'valid', 'mobile', 'BR', 'America/Sao_Paulo', NULL, NULL, NULL, " +
                "@at, '9.0.43', 10, @at, @at, @at, NULL, NULL, NULL",
                []),
            new("minimal", "contacts", "external_ref, name, phone_raw", "'erp-78', 'Bruno Lima', '(21) 99876-5432'", ["created_at", "updated_at"]),
        ],
        ["consents"] =
        [
            new(
                "spec",
                "consents",
                "contact_id, status, source, granted_at, last_confirmed_at, expires_at, changed_at, reason",
                "@contactId, 'granted', 'form', @at, @at, NULL, @at, 'formulário do site'",
                [],
                "contactId"),
            new("minimal", "consents", "contact_id, status, source, granted_at", "@otherContactId, 'granted', 'import', @at", ["changed_at"], "otherContactId"),
        ],
        ["consent_events"] =
        [
            new("spec", "consent_events", "contact_id, event, source, detail, occurred_at", "@contactId, 'granted', 'form', '{\"form\":\"site\"}', @at", []),
            new("minimal", "consent_events", "contact_id, event, occurred_at", "@contactId, 'renewed', @at", []),
        ],
        ["suppression_list"] =
        [
            new("spec", "suppression_list", "phone_hash, reason, added_at", "@hash, 'nao_me_ligue', @at", [], "hash"),
            new("minimal", "suppression_list", "phone_hash, reason", "@otherHash, 'nao_me_ligue'", ["added_at"], "otherHash"),
        ],
        ["erasure_requests"] =
        [
            new("minimal", "erasure_requests", "phone", "'+55 11 98765-4321'", ["requested_at"]),
            new("minimal (a known contact)", "erasure_requests", "contact_id", "@contactId", ["requested_at"]),
        ],
        ["interactions"] =
        [
            new(
                "spec",
                "interactions",
                "contact_id, kind, occurred_at, product, category, amount, source, source_key",
                "@contactId, 'purchase', @at, 'Tênis Corrida Azul', 'calcados', @amount, 'erp', NULL",
                []),
            new("minimal", "interactions", "contact_id, kind, occurred_at", "@contactId, 'click', @at", []),
        ],
        ["inbound_messages"] =
        [
            new(
                "spec",
                "inbound_messages",
                "provider_message_id, from_phone, wa_user_id, body, received_at, processed_at, outcome, contact_id",
                "'wamid.other-tool-in-1', '5511987654321', NULL, 'Oi', @at, NULL, NULL, NULL",
                []),
            new("minimal", "inbound_messages", "from_phone, body", "'5511987654321', 'Quero saber do tênis'", ["received_at"]),
        ],
        ["contents"] =
        [
            new(
                "spec",
                "contents",
                "name, category, body, template_name, template_language, starts_at, ends_at, priority, active, paused_at, paused_reason",
                "'Black Friday', 'calcados', 'Oi, {first_name}!', 'black_friday', 'pt_BR', @at, NULL, 5, @active, NULL, NULL",
                ["created_at", "updated_at"]),
            new("minimal", "contents", "name, body", "'Reposição', 'Chegou reposição do {product}.'", ["created_at", "updated_at"]),
        ],
        ["message_queue"] =
        [
            new(
                "spec",
                "message_queue",
                "contact_id, content_id, scheduled_at, relevance, score_detail, body, status, status_reason, sent_as, provider_message_id, attempts, " +
                "created_at, sent_at, plan_day",
                "@contactId, @contentId, @at, 0.7, '{\"recency\":0.5}', 'Oi Carla', 'queued', NULL, NULL, NULL, 0, @at, NULL, @day",
                ["updated_at"]),
            new("minimal", "message_queue", "contact_id, content_id, scheduled_at, relevance", "@contactId, @contentId, @at, 0.5", ["created_at", "updated_at"]),
        ],
        ["message_status_events"] =
        [
            new(
                "spec",
                "message_status_events",
                "provider_message_id, status, error_code, error_title, occurred_at, processed_at",
                "'wamid.other-tool-1', 'failed', 131026, 'Message undeliverable', @at, NULL",
                ["received_at"]),
            new("minimal", "message_status_events", "provider_message_id, status, occurred_at", "'wamid.other-tool-2', 'delivered', @at", ["received_at"]),
        ],
        ["job_runs"] =
        [
            new(
                "spec",
                "job_runs",
                "job_key, node, started_at, finished_at, status, scanned, changed, error, detail",
                "'erp-export', 'erp-host', @at, @at, 'succeeded', 10, 2, NULL, '{\"rows\":10}'",
                []),
            new("minimal", "job_runs", "job_key, node, status", "'erp-export', 'erp-host', 'running'", ["started_at"]),
        ],
        ["preference_events"] =
        [
            new("minimal", "preference_events", "from_phone, value, occurred_at", "'5511987654321', 'stop', @at", ["received_at"]),
        ],
        ["import_files"] =
        [
            new("minimal", "import_files", "content_sha256, kind, outcome", "@sha, 'contacts', 'archived'", ["imported_at"]),
        ],
        ["webhook_payloads"] =
        [
            new("minimal", "webhook_payloads", "body, body_sha256", "'{\"object\":\"whatsapp_business_account\"}', @sha", ["received_at"]),
        ],
        ["sender_health"] =
        [
            new("minimal", "sender_health", "field, event", "'phone_number_quality_update', 'FLAGGED'", ["occurred_at", "received_at"]),
        ],
    };

    [SkippableTheory]
    [InlineData("contacts")]
    [InlineData("consents")]
    [InlineData("consent_events")]
    [InlineData("suppression_list")]
    [InlineData("erasure_requests")]
    [InlineData("interactions")]
    [InlineData("inbound_messages")]
    [InlineData("contents")]
    [InlineData("message_queue")]
    [InlineData("message_status_events")]
    [InlineData("job_runs")]
    [InlineData("preference_events")]
    [InlineData("import_files")]
    [InlineData("webhook_payloads")]
    [InlineData("sender_health")]
    public async Task Insert_NamingOnlyTheSpecColumns_Succeeds_AndStampsTheRowNowInTheStoredForm(string table)
    {
        await using var db = await NewMigratedDatabaseAsync();
        await using var connection = await db.OpenAsync();
        var seed = await SeedAsync(connection, db);

        foreach (var writer in Writers[table])
        {
            var before = DateTimeOffset.UtcNow;
            var key = await InsertAsync(connection, db, writer, seed);
            var after = DateTimeOffset.UtcNow;

            foreach (var column in writer.Stamped)
            {
                await AssertStampedAsync(connection, db, writer, key, column, before, after);
            }

            if (table == "message_queue")
            {
                var row = await connection.QuerySingleAsync<(string? Number, string Status, long Attempts)>(
                    "SELECT phone_e164, status, attempts FROM message_queue WHERE message_id = @key", new { key });
                Assert.Equal((Carla, "queued", 0L), row);
            }
        }
    }

    [SkippableFact]
    public async Task MessageQueue_ForAContactWithoutANumber_KeepsNoNumber_AndANumberTheWriterGivesIsKept()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await using var connection = await db.OpenAsync();
        var seed = await SeedAsync(connection, db);
        var minimal = Writers["message_queue"].Single(w => w.Name == "minimal");

        var withoutNumber = await InsertAsync(connection, db, minimal with { Values = "@otherContactId, @contentId, @at, 0.5" }, seed);
        var given = await InsertAsync(
            connection,
            db,
            new Writer("given", "message_queue", "contact_id, content_id, phone_e164, scheduled_at, relevance", "@contactId, @contentId, '+5521998765432', @at, 0.5", []),
            seed);

        Assert.Null(await connection.ExecuteScalarAsync<string?>("SELECT phone_e164 FROM message_queue WHERE message_id = @withoutNumber", new { withoutNumber }));
        Assert.Equal("+5521998765432", await connection.ExecuteScalarAsync<string>("SELECT phone_e164 FROM message_queue WHERE message_id = @given", new { given }));
    }

    [SkippableFact]
    public async Task MessageQueue_TheNumberTakenFromTheContact_CountsInTheOneMessagePerNumberAndDayKey()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await using var connection = await db.OpenAsync();
        var seed = await SeedAsync(connection, db);
        var planned = new Writer("planned", "message_queue", "contact_id, content_id, scheduled_at, relevance, plan_day", "@contactId, @contentId, @at, 0.5, @day", []);
        await InsertAsync(connection, db, planned, seed);

        var second = await Record.ExceptionAsync(() => InsertAsync(connection, db, planned, seed));

        Assert.IsAssignableFrom<DbException>(second);
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM message_queue WHERE phone_e164 = @Carla", new { Carla }));
    }

    [SkippableFact]
    public async Task Dispatch_SendsAnotherToolsSpecOnlyRow_ToItsContactsNumber_AndCancelsOneWithoutANumber_Unsent()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var kit = new DispatchKit(db);
        await using var api = await LoopbackCloudApi.StartAsync(_ => new CloudApiReply(200, DispatchKit.Fixture("send-response.json")));
        var carla = await kit.PersonAsync(DispatchKit.Carla, "CARLA MENDES");
        await kit.InteractionAsync(carla, "purchase", DispatchKit.Now.AddDays(-3), DispatchKit.Product);
        await kit.InteractionAsync(carla, "message_in", DispatchKit.Now.AddDays(-2));
        var content = await kit.ContentAsync();
        // Another tool's person: granted consent, a number it never wrote in E.164.
        var noNumber = await kit.ScalarAsync<long>(
            SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot)
                .InsertReturningKey("contacts", "name, phone_raw, phone_status", "'Sem Número', '98765-4321', 'valid'", "contact_id"));
        await kit.ExecuteAsync(
            "INSERT INTO consents (contact_id, status, source, granted_at) VALUES (@noNumber, 'granted', 'form', @at)", new { noNumber, at = DispatchKit.Now.AddDays(-30) });
        const string QueueSql = "INSERT INTO message_queue (contact_id, content_id, scheduled_at, relevance) VALUES (@contactId, @content, @at, 0.6)";
        await kit.ExecuteAsync(QueueSql, new { contactId = carla, content, at = DispatchKit.Now.AddMinutes(-1) });
        await kit.ExecuteAsync(QueueSql, new { contactId = noNumber, content, at = DispatchKit.Now.AddMinutes(-1) });

        var run = await kit.RunAsync(DispatchKit.Now, DispatchKit.Cloud(api));

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        var request = Assert.Single(api.Requests);
        Assert.True(DispatchKit.SameJson(DispatchKit.Fixture("send-template-request.json"), request.Body), request.Body);
        var rows = await kit.QueryAsync<(long ContactId, string? Number, string Status, string? Reason)>(
            "SELECT contact_id, phone_e164, status, status_reason FROM message_queue ORDER BY message_id");
        Assert.Equal(
            new List<(long, string?, string, string?)> { (carla, DispatchKit.Carla, "sent", null), (noNumber, null, "cancelled", DispatchReasons.NoNumber) },
            rows);
    }

    [SkippableFact]
    public async Task Upgrade_FromV008_KeepsEveryRowIndexConstraintTriggerAndView()
    {
        await using var db = await NewDatabaseAsync();
        await MigrateToAsync(db, "008");
        await using (var connection = await db.OpenAsync())
        {
            await SeedV008Async(connection, db);
        }

        var before = await SnapshotAsync(db);

        // The upgrade this test is about (V009, and V010's index); later migrations have tests of their own.
        await MigrateToAsync(db, "010");

        var after = await SnapshotAsync(db);
        foreach (var (name, rows) in before.Rows)
        {
            Assert.True(rows.SequenceEqual(after.Rows[name]), $"{name}:\n{string.Join("\n", rows)}\n---\n{string.Join("\n", after.Rows[name])}");
        }

        // Later versions add objects of their own (V010: the index on unclassified numbers; V011: sender_health); V008's
        // tables must come out as they were.
        Assert.Equal(before.Indexes, after.Indexes.Where(NotAddedLater));
        Assert.Equal(before.Constraints, after.Constraints.Where(NotAddedLater));
        Assert.Equal(before.Triggers.Append(PhoneTrigger).Order(StringComparer.Ordinal), after.Triggers.Where(NotAddedLater));
        await using var check = await db.OpenAsync();
        Assert.Equal(1L, await check.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_history WHERE version = '009' AND success = @success", new { success = true }));
    }

    [SkippableFact]
    public async Task Upgrade_FromV008_ChangesOnlyTheDefaults_AndTheNullabilityOfTheQueuedNumber()
    {
        await using var db = await NewDatabaseAsync();
        await MigrateToAsync(db, "008");
        var before = await ColumnsAsync(db);

        // V009 and V010; later migrations add columns of their own.
        await MigrateToAsync(db, "010");

        var after = await ColumnsAsync(db);
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        var stamped = Stamped.Select(s => $"{s.Table}.{s.Column}").ToHashSet(StringComparer.Ordinal);
        foreach (var (column, was) in before)
        {
            var now = after[column];
            Assert.True(was.Type == now.Type, $"{column}: {was.Type} became {now.Type}");
            Assert.True(
                column == "message_queue.phone_e164" ? (was.Nullable, now.Nullable) == ("NO", "YES") : was.Nullable == now.Nullable,
                $"{column}: nullable {was.Nullable} became {now.Nullable}");
            Assert.True(
                stamped.Contains(column) ? was.Default is null && now.Default is not null : was.Default == now.Default,
                $"{column}: default {was.Default ?? "none"} became {now.Default ?? "none"}");
        }
    }

    [SkippableFact]
    public async Task Upgrade_FromV008_StillEnforcesForeignKeys_AndGivesNewRowsTheirDefaults()
    {
        await using var db = await NewDatabaseAsync();
        await MigrateToAsync(db, "008");
        await using (var connection = await db.OpenAsync())
        {
            await SeedV008Async(connection, db);
        }

        await db.MigrateAsync();

        await using var after = await db.OpenAsync();
        var seed = await SeedAsync(after, db);
        var missing = seed with { ContactId = 424_242 };
        var minimal = Writers["message_queue"].Single(w => w.Name == "minimal");
        Assert.IsAssignableFrom<DbException>(await Record.ExceptionAsync(() => InsertAsync(after, db, minimal, missing)));
        var consent = Writers["consents"].Single(w => w.Name == "minimal");
        Assert.IsAssignableFrom<DbException>(await Record.ExceptionAsync(() => InsertAsync(after, db, consent, seed with { OtherContactId = 424_242 })));
        var before = DateTimeOffset.UtcNow;
        var message = await InsertAsync(after, db, minimal, seed);
        await AssertStampedAsync(after, db, minimal, message, "created_at", before, DateTimeOffset.UtcNow);
        Assert.Equal(Carla, await after.ExecuteScalarAsync<string>("SELECT phone_e164 FROM message_queue WHERE message_id = @message", new { message }));
        // The V001 trigger on contacts came back with the table: a changed phone_raw makes the number due for a check.
        await after.ExecuteAsync("UPDATE contacts SET phone_checked_at = @At WHERE contact_id = @ContactId", new { At, seed.ContactId });
        await after.ExecuteAsync("UPDATE contacts SET phone_raw = '(11) 91234-5678' WHERE contact_id = @ContactId", new { seed.ContactId });
        Assert.Null(await after.ExecuteScalarAsync<DateTimeOffset?>("SELECT phone_checked_at FROM contacts WHERE contact_id = @ContactId", new { seed.ContactId }));
    }

    [SkippableFact]
    public async Task Upgrade_OnSqlite_KeepsRowsWrittenWithoutForeignKeys_AndLeavesItsConnectionAsItFoundIt()
    {
        Skip.If(Engine.Provider != DatabaseProvider.Sqlite, "Only SQLite lets a writer turn foreign keys off.");
        await using var db = await NewDatabaseAsync();
        await MigrateToAsync(db, "008");
        await using var connection = await db.OpenAsync();
        await SeedV008Async(connection, db);
        // A tool on a connection without PRAGMA foreign_keys (SQLite's default) wrote rows for a contact that is gone.
        await connection.ExecuteAsync("PRAGMA foreign_keys = OFF");
        await connection.ExecuteAsync(
            "INSERT INTO erasure_requests (contact_id, requested_at) VALUES (424242, @At); " +
            "INSERT INTO consents (contact_id, status, source, changed_at) VALUES (424242, 'revoked', 'other', @At)",
            new { At });
        await connection.ExecuteAsync("PRAGMA foreign_keys = ON");

        // V009 on the connection the worker would have used: it switches foreign keys off for its rebuild, and back on.
        MigrateTo(connection, db, "009");

        Assert.Equal((1L, 0L, 0L), await connection.QuerySingleAsync<(long, long, long)>(
            "SELECT (SELECT foreign_keys FROM pragma_foreign_keys), (SELECT legacy_alter_table FROM pragma_legacy_alter_table), " +
            "(SELECT ignore_check_constraints FROM pragma_ignore_check_constraints)"));
        Assert.Equal(2L, await connection.ExecuteScalarAsync<long>(
            "SELECT (SELECT COUNT(*) FROM erasure_requests WHERE contact_id = 424242) + (SELECT COUNT(*) FROM consents WHERE contact_id = 424242)"));
        Assert.IsAssignableFrom<DbException>(await Record.ExceptionAsync(() => connection.ExecuteAsync("INSERT INTO erasure_requests (contact_id) VALUES (434343)")));
        Assert.IsAssignableFrom<DbException>(await Record.ExceptionAsync(() => connection.ExecuteAsync(
            "INSERT INTO contacts (name, created_at) VALUES ('Data fora do formato', '2026-11-23 05:00:00')")));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM schema_history WHERE version = '009' AND success = 1"));
    }

    /// <summary>Two contacts (one with a number, one without), a content, and the values every writer's INSERT may name.</summary>
    private static async Task<Seed> SeedAsync(DbConnection connection, TestDatabase db)
    {
        DapperSetup.EnsureConfigured();
        var dialect = SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot);
        var contactId = await connection.ExecuteScalarAsync<long>(
            dialect.InsertReturningKey("contacts", "external_ref, name, phone_raw, phone_e164", "'seed-1', 'Carla Mendes', '(11) 98765-4321', @Carla", "contact_id"),
            new { Carla });
        var otherContactId = await connection.ExecuteScalarAsync<long>(
            dialect.InsertReturningKey("contacts", "name, phone_raw", "'Sem Número', '98765-4321'", "contact_id"));
        var contentId = await connection.ExecuteScalarAsync<long>(
            dialect.InsertReturningKey("contents", "name, body", "'Novidade', 'Oi, {first_name}!'", "content_id"));
        return new Seed(contactId, otherContactId, contentId);
    }

    /// <summary>Runs <paramref name="writer"/>'s INSERT; returns the row's key (generated, or the one the writer named).</summary>
    private static async Task<object> InsertAsync(DbConnection connection, TestDatabase db, Writer writer, Seed seed)
    {
        DapperSetup.EnsureConfigured();
        // SQLite matches parameter names case-sensitively.
        var parameters = new
        {
            contactId = seed.ContactId,
            otherContactId = seed.OtherContactId,
            contentId = seed.ContentId,
            at = At,
            day = new DateOnly(2026, 11, 24),
            amount = 199.90m,
            active = true,
            hash = Privacy.PhoneHash.Of(Carla),
            otherHash = Privacy.PhoneHash.Of("+5521998765432"),
            sha = Privacy.PhoneHash.Of("a file's bytes"),
        };
        if (writer.KeyParameter is null)
        {
            var sql = SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot).InsertReturningKey(writer.Table, writer.Columns, writer.Values, KeyOf(writer.Table));
            return await connection.ExecuteScalarAsync<long>(sql, parameters);
        }

        await connection.ExecuteAsync($"INSERT INTO {writer.Table} ({writer.Columns}) VALUES ({writer.Values})", parameters);
        return writer.KeyParameter switch
        {
            "contactId" => seed.ContactId,
            "otherContactId" => seed.OtherContactId,
            "hash" => parameters.hash,
            "otherHash" => parameters.otherHash,
            var other => throw new ArgumentOutOfRangeException(nameof(writer), other, "no such key parameter"),
        };
    }

    /// <summary>
    /// The stamp is the moment of the INSERT, and compares with an instant Vinculo passes as a parameter; on SQLite it is
    /// exactly the text form Vinculo writes, elsewhere a UTC instant to the millisecond.
    /// </summary>
    private static async Task AssertStampedAsync(DbConnection connection, TestDatabase db, Writer writer, object key, string column, DateTimeOffset before, DateTimeOffset after)
    {
        // The server engines stamp with their own clock.
        var slack = db.Provider == DatabaseProvider.Sqlite ? TimeSpan.FromSeconds(1) : TimeSpan.FromMinutes(5);
        var keyColumn = KeyOf(writer.Table);
        var inRange = await connection.ExecuteScalarAsync<long>(
            $"SELECT COUNT(*) FROM {writer.Table} WHERE {keyColumn} = @key AND {column} >= @from AND {column} <= @to",
            new { key, from = before - slack, to = after + slack });
        Assert.True(inRange == 1, $"{writer.Table}.{column} ({writer.Name}) is not the moment of the INSERT");
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            var text = await connection.ExecuteScalarAsync<string>($"SELECT {column} FROM {writer.Table} WHERE {keyColumn} = @key", new { key });
            Assert.True(
                StoredInstants.TryParseFixed(text, out var instant) && UtcTimestampHandler.ToSqliteText(instant) == text,
                $"{writer.Table}.{column} ({writer.Name}) is '{text}', not the stored form 2026-11-23T05:00:00.000Z");
        }
        else
        {
            var stamp = await connection.ExecuteScalarAsync<DateTimeOffset>($"SELECT {column} FROM {writer.Table} WHERE {keyColumn} = @key", new { key });
            Assert.Equal(TimeSpan.Zero, stamp.Offset);
            Assert.True(stamp.Ticks % TimeSpan.TicksPerMillisecond == 0, $"{writer.Table}.{column} ({writer.Name}) is {stamp:O}, finer than a millisecond");
        }
    }

    private static bool NotAddedLater(string schemaObject) =>
        !schemaObject.Contains("sender_health", StringComparison.Ordinal) && !schemaObject.StartsWith("ix_contacts_unclassified_raw ", StringComparison.Ordinal);

    private static string KeyOf(string table) => table switch
    {
        "contacts" or "consents" => "contact_id",
        "suppression_list" => "phone_hash",
        "consent_events" or "message_status_events" => "event_id",
        "erasure_requests" => "request_id",
        "interactions" => "interaction_id",
        "inbound_messages" => "inbound_id",
        "contents" => "content_id",
        "message_queue" => "message_id",
        "job_runs" => "run_id",
        "preference_events" => "preference_id",
        "import_files" => "import_id",
        "webhook_payloads" => "payload_id",
        "sender_health" => "health_id",
        _ => throw new ArgumentOutOfRangeException(nameof(table), table, null),
    };

    /// <summary>Applies Vinculo's own migrations up to <paramref name="version"/>, as the migrator of that release did.</summary>
    private static async Task MigrateToAsync(TestDatabase db, string version)
    {
        await using var connection = SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot).CreateConnection();
        await connection.OpenAsync();
        MigrateTo(connection, db, version);
    }

    /// <summary>Evolve as <see cref="SchemaMigrator"/> configures it, on an open connection it leaves open.</summary>
    private static void MigrateTo(DbConnection connection, TestDatabase db, string version)
    {
        var evolve = new EvolveDb.Evolve(connection, _ => { }, db.Provider switch
        {
            DatabaseProvider.Sqlite => DBMS.SQLite,
            DatabaseProvider.Postgres => DBMS.PostgreSQL,
            _ => DBMS.SQLServer,
        })
        {
            EmbeddedResourceAssemblies = [typeof(SchemaMigrator).Assembly],
            EmbeddedResourceFilters = [$"Vinculo.sql.{SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot).MigrationFolder}."],
            MetadataTableName = SchemaMigrator.HistoryTable,
            IsEraseDisabled = true,
            PlaceholderPrefix = "${vinculo:",
            TargetVersion = new MigrationVersion(version),
        };
        evolve.Migrate();
    }

    /// <summary>A row in every table, as V008 requires them (every stamp given), Vinculo's own and other tools' alike.</summary>
    private static async Task SeedV008Async(DbConnection connection, TestDatabase db)
    {
        DapperSetup.EnsureConfigured();
        var dialect = SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot);
        var p = new
        {
            at = At,
            later = At.AddHours(1),
            day = new DateOnly(2026, 11, 24),
            hash = Privacy.PhoneHash.Of(Carla),
            sha = Privacy.PhoneHash.Of("a payload"),
            amount = 89.90m,
            active = true,
        };
        var carla = await connection.ExecuteScalarAsync<long>(
            dialect.InsertReturningKey(
                "contacts",
                "external_ref, name, phone_raw, phone_e164, phone_hash, phone_status, phone_type, phone_region, time_zone, phone_checked_at, " +
                "phone_checked_version, preferred_hour, last_interaction_at, whatsapp_id, created_at, updated_at",
                "'erp-1', 'Carla Mendes', '(11) 98765-4321', @Carla, @hash, 'valid', 'mobile', 'BR', 'America/Sao_Paulo', @at, '9.0.43', 10, @at, " +
                "'551187654321', @at, @later",
                "contact_id"),
            new { Carla, p.hash, p.at, p.later });
        var erased = await connection.ExecuteScalarAsync<long>(
            dialect.InsertReturningKey("contacts", "name, phone_status, created_at, updated_at, erased_at", "NULL, 'invalid', @at, @at, @later", "contact_id"),
            new { p.at, p.later });
        var content = await connection.ExecuteScalarAsync<long>(
            dialect.InsertReturningKey(
                "contents",
                "name, category, body, template_name, template_language, priority, active, created_at, updated_at",
                "'Reposição', 'calcados', 'Oi, {first_name}!', 'novidade_produto', 'pt_BR', 3, @active, @at, @at",
                "content_id"),
            new { p.active, p.at });
        var ids = new { carla, erased, content, p.at, p.later, p.day, p.hash, p.sha, p.amount, number = Carla };
        string[] statements =
        [
            "INSERT INTO consents (contact_id, status, source, granted_at, last_confirmed_at, changed_at) VALUES (@carla, 'granted', 'form', @at, @at, @at)",
            "INSERT INTO consent_events (contact_id, event, source, detail, occurred_at) VALUES (@carla, 'granted', 'form', '{\"form\":\"site\"}', @at)",
            "INSERT INTO consent_events (contact_id, event, source, occurred_at) VALUES (@erased, 'erased', 'other', @later)",
            "INSERT INTO suppression_list (phone_hash, reason, added_at) VALUES (@hash, 'opt_out', @at)",
            "INSERT INTO erasure_requests (phone, contact_id, requested_at, status, processed_at, result) VALUES (NULL, @erased, @at, 'done', @later, 'erased')",
            "INSERT INTO interactions (contact_id, kind, occurred_at, product, category, amount, source, source_key) " +
            "VALUES (@carla, 'purchase', @at, 'Tênis Corrida Azul', 'calcados', @amount, 'erp', 'erp:1')",
            "INSERT INTO inbound_messages (provider_message_id, from_phone, body, received_at, processed_at, outcome, contact_id, kind) " +
            "VALUES ('wamid.in-1', '5511987654321', 'Oi', @at, @later, 'interaction', @carla, 'text')",
            "INSERT INTO message_queue (contact_id, content_id, phone_e164, scheduled_at, relevance, score_detail, body, status, sent_as, provider_message_id, " +
            "attempts, created_at, updated_at, sent_at, plan_day, template_params, claimed_by, claimed_at) VALUES (@carla, @content, @number, @at, 0.8, " +
            "'{\"recency\":1}', 'Oi, Carla!', 'delivered', 'template', 'wamid.out-1', 1, @at, @later, @at, @day, '{\"first_name\":\"Carla\"}', 'node-a', @at)",
            "INSERT INTO message_queue (contact_id, content_id, phone_e164, scheduled_at, relevance, status, attempts, created_at, updated_at) " +
            "VALUES (@carla, @content, @number, @later, 0.4, 'queued', 0, @at, @at)",
            "INSERT INTO message_status_events (provider_message_id, status, occurred_at, received_at, processed_at, recipient_id, outcome) " +
            "VALUES ('wamid.out-1', 'delivered', @at, @at, @later, '551187654321', 'applied')",
            "INSERT INTO job_runs (job_key, node, started_at, finished_at, status, scanned, changed, detail) " +
            "VALUES ('plan-messages', 'node-a', @at, @later, 'succeeded', 2, 1, '{\"queued\":1}')",
            "INSERT INTO job_runs (job_key, node, started_at, status) VALUES ('dispatch-messages', 'node-a', @later, 'running')",
            "INSERT INTO preference_events (from_phone, category, value, occurred_at, received_at, contact_id, event_key) " +
            "VALUES ('5511987654321', 'marketing_messages', 'resume', @at, @at, @carla, 'pref-1')",
            "INSERT INTO import_files (content_sha256, kind, outcome, interactions_added, imported_at) VALUES (@sha, 'chat', 'archived', 1, @at)",
            "INSERT INTO webhook_payloads (received_at, body, body_sha256, processed_at, outcome) VALUES (@at, '{}', @sha, @later, 'normalised')",
            "INSERT INTO dispatch_halts (error_code, reason, halted_at, node, resumed_at, resumed_by) VALUES (368, 'account_restricted', @at, 'node-a', @later, 'ops')",
        ];
        foreach (var statement in statements)
        {
            await connection.ExecuteAsync(statement, ids);
        }
    }

    private async Task<Snapshot> SnapshotAsync(TestDatabase db)
    {
        await using var connection = await db.OpenAsync();
        var rows = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var name in Tables.Concat(Views))
        {
            rows[name] = (await connection.QueryAsync($"SELECT * FROM {name} ORDER BY 1, 2")).Select(Describe).ToList();
        }

        var (indexes, triggers, constraints) = Engine.Provider switch
        {
            DatabaseProvider.Sqlite => (
                "SELECT name || ' ' || tbl_name || ' ' || COALESCE(sql, '') FROM sqlite_master WHERE type = 'index' AND tbl_name NOT LIKE 'qrtz%'",
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name NOT LIKE 'qrtz%'",
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'qrtz%'"),
            DatabaseProvider.Postgres => (
                "SELECT indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename NOT LIKE 'qrtz%'",
                "SELECT t.tgname FROM pg_trigger AS t JOIN pg_class AS r ON r.oid = t.tgrelid " +
                "WHERE NOT t.tgisinternal AND r.relnamespace = current_schema()::regnamespace AND r.relname NOT LIKE 'qrtz%'",
                "SELECT c.conname FROM pg_constraint AS c JOIN pg_class AS r ON r.oid = c.conrelid " +
                "WHERE r.relnamespace = current_schema()::regnamespace AND r.relname NOT LIKE 'qrtz%' AND c.contype IN ('p', 'f', 'c', 'u')"),
            _ => (
                "SELECT t.name + N' ' + i.name + N' ' + CAST(i.is_unique AS nvarchar(1)) + N' ' + COALESCE(i.filter_definition, N'') + N' ' + " +
                "COALESCE((SELECT STRING_AGG(c.name, N',') WITHIN GROUP (ORDER BY ic.key_ordinal) FROM sys.index_columns AS ic " +
                "JOIN sys.columns AS c ON c.object_id = ic.object_id AND c.column_id = ic.column_id " +
                "WHERE ic.object_id = i.object_id AND ic.index_id = i.index_id), N'') " +
                "FROM sys.indexes AS i JOIN sys.tables AS t ON t.object_id = i.object_id WHERE i.name IS NOT NULL AND t.name NOT LIKE N'QRTZ%'",
                "SELECT g.name FROM sys.triggers AS g JOIN sys.tables AS t ON t.object_id = g.parent_id WHERE t.name NOT LIKE N'QRTZ%'",
                "SELECT o.name FROM sys.objects AS o JOIN sys.tables AS t ON t.object_id = o.parent_object_id " +
                "WHERE o.type IN ('PK', 'F', 'C', 'UQ') AND t.name NOT LIKE N'QRTZ%'"),
        };
        var constraintNames = (await connection.QueryAsync<string>(constraints)).AsEnumerable();
        if (Engine.Provider == DatabaseProvider.Sqlite)
        {
            constraintNames = constraintNames.SelectMany(sql => ConstraintName().Matches(sql).Select(m => m.Groups[1].Value));
        }

        return new Snapshot(
            rows,
            (await connection.QueryAsync<string>(indexes)).Order(StringComparer.Ordinal).ToList(),
            (await connection.QueryAsync<string>(triggers)).Order(StringComparer.Ordinal).ToList(),
            constraintNames.Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>Every column of our tables: its type, whether it takes NULL, and its default as the engine reports them.</summary>
    private async Task<Dictionary<string, ColumnShape>> ColumnsAsync(TestDatabase db)
    {
        var sql = Engine.Provider switch
        {
            DatabaseProvider.Sqlite =>
                "SELECT name AS Name, type AS Type, CASE WHEN \"notnull\" = 1 THEN 'NO' ELSE 'YES' END AS Nullable, dflt_value AS \"Default\" FROM pragma_table_info(@table)",
            DatabaseProvider.Postgres =>
                "SELECT column_name AS Name, data_type AS Type, is_nullable AS Nullable, column_default AS \"Default\" " +
                "FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = @table",
            _ =>
                "SELECT COLUMN_NAME AS Name, DATA_TYPE AS Type, IS_NULLABLE AS Nullable, COLUMN_DEFAULT AS [Default] " +
                "FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = @table",
        };
        await using var connection = await db.OpenAsync();
        var columns = new Dictionary<string, ColumnShape>(StringComparer.Ordinal);
        foreach (var table in Tables)
        {
            foreach (var column in await connection.QueryAsync<ColumnShape>(sql, new { table }))
            {
                columns[$"{table}.{column.Name.ToLowerInvariant()}"] = column;
            }
        }

        return columns;
    }

    private static string Describe(dynamic row) =>
        string.Join(", ", ((IDictionary<string, object?>)row).Select(c => c.Key + "=" + c.Value switch
        {
            null or DBNull => "NULL",
            DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
            DateTimeOffset d => d.ToString("O", CultureInfo.InvariantCulture),
            byte[] b => Convert.ToBase64String(b),
            IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
            var v => v.ToString(),
        }));

    [GeneratedRegex(@"CONSTRAINT\s+(\w+)", RegexOptions.CultureInvariant)]
    private static partial Regex ConstraintName();

    /// <param name="Name">Which of the table's writers ("spec": every SPEC column; "minimal": only what a writer knows).</param>
    /// <param name="KeyParameter">The parameter holding the row's key when it is not generated (consents, suppression_list).</param>
    private sealed record Writer(string Name, string Table, string Columns, string Values, string[] Stamped, string? KeyParameter = null);

    private sealed record Seed(long ContactId, long OtherContactId, long ContentId);

    private sealed record Snapshot(Dictionary<string, List<string>> Rows, List<string> Indexes, List<string> Triggers, List<string> Constraints);

    private sealed class ColumnShape
    {
        public string Name { get; set; } = "";

        public string Type { get; set; } = "";

        public string Nullable { get; set; } = "";

        public string? Default { get; set; }
    }
}

public sealed class SqliteOtherWritersTests(SqliteEngine engine) : OtherWritersTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresOtherWritersTests(PostgresEngine engine) : OtherWritersTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerOtherWritersTests(SqlServerEngine engine) : OtherWritersTests(engine), IClassFixture<SqlServerEngine>;
