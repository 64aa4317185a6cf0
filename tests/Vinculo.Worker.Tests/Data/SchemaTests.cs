using Dapper;
using Vinculo.Data;
using Vinculo.Engines;

namespace Vinculo.Data;

/// <summary>The schema of SPEC section 8, its constraints and the migrator, on every engine.</summary>
public abstract class SchemaTests(EngineFixture engine) : EngineSuite(engine)
{
    /// <summary>Every table and view of SPEC section 8 with the columns it names.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> SpecColumns = new Dictionary<string, string[]>
    {
        ["contacts"] =
        [
            "contact_id", "external_ref", "name", "phone_raw", "phone_e164", "phone_status", "phone_type", "phone_region", "time_zone",
            "phone_note", "phone_error", "duplicate_of", "phone_checked_at", "phone_checked_version", "preferred_hour",
            "last_interaction_at", "created_at", "updated_at", "erased_at", "whatsapp_id", "whatsapp_user_id",
        ],
        ["consents"] = ["contact_id", "status", "source", "granted_at", "last_confirmed_at", "expires_at", "changed_at", "reason"],
        ["consent_events"] = ["event_id", "contact_id", "event", "source", "detail", "occurred_at"],
        ["suppression_list"] = ["phone_hash", "reason", "added_at"],
        ["erasure_requests"] = ["request_id", "phone", "contact_id", "requested_at", "status", "processed_at"],
        ["interactions"] = ["interaction_id", "contact_id", "kind", "occurred_at", "product", "category", "amount", "source"],
        ["inbound_messages"] = ["inbound_id", "from_phone", "wa_user_id", "body", "received_at", "processed_at", "outcome"],
        ["contents"] =
        [
            "content_id", "name", "category", "body", "template_name", "template_language", "starts_at", "ends_at", "priority",
            "active", "paused_at", "paused_reason",
        ],
        ["message_queue"] =
        [
            "message_id", "contact_id", "content_id", "scheduled_at", "relevance", "score_detail", "body", "status", "status_reason",
            "sent_as", "provider_message_id", "attempts", "created_at", "sent_at",
        ],
        ["message_status_events"] = ["provider_message_id", "status", "error_code", "error_title", "occurred_at", "processed_at"],
        ["job_runs"] = ["run_id", "job_key", "node", "started_at", "finished_at", "status", "scanned", "changed", "error", "detail"],
        ["v_contact_health"] = ["phone_status"],
        ["v_consent_summary"] = ["consent_status"],
        ["v_plan_by_day"] = ["send_day", "content_id"],
        ["v_job_history"] = ["run_id", "job_key", "status", "started_at", "finished_at"],
    };

    private static readonly string[] QuartzTables = ["qrtz_job_details", "qrtz_triggers", "qrtz_cron_triggers", "qrtz_fired_triggers", "qrtz_locks", "qrtz_scheduler_state"];

    [SkippableFact]
    public async Task Migrate_CreatesEverySpecTableColumnAndView_AndQuartzTables()
    {
        await using var db = await NewDatabaseAsync();

        var result = await db.CliAsync(["migrate"]);

        Assert.True(result.ExitCode == 0, result.All);
        foreach (var (table, columns) in SpecColumns)
        {
            var actual = await db.ColumnsAsync(table);
            Assert.True(actual.Count > 0, $"{table} is missing");
            Assert.Empty(columns.Except(actual));
        }

        foreach (var table in QuartzTables)
        {
            Assert.NotEmpty(await db.ColumnsAsync(Engine.Provider == DatabaseProvider.Postgres ? table : table.ToUpperInvariant()));
        }
    }

    [SkippableFact]
    public async Task Migrate_Twice_ChangesNothingTheSecondTime()
    {
        await using var db = await NewDatabaseAsync();
        var first = await db.CliAsync(["migrate"]);
        var before = await SchemaFingerprintAsync(db);

        var second = await db.CliAsync(["migrate"]);

        Assert.Equal(0, first.ExitCode);
        Assert.True(second.ExitCode == 0, second.All);
        Assert.Contains("nenhuma migração pendente", second.Output, StringComparison.Ordinal);
        Assert.Equal(before, await SchemaFingerprintAsync(db));
    }

    /// <summary>
    /// expire-consents reads each contact's latest interaction from an index of its own on every engine (PostgreSQL V019,
    /// SQLite V021, SQL Server V023), and the expired contacts' queued messages from an index of the queued ones where the
    /// engine would otherwise go through every message ever queued (SQLite V022, SQL Server V023; PostgreSQL reads the
    /// few queued messages from its index by status).
    /// </summary>
    [SkippableFact]
    public async Task Migrate_GivesExpireConsentsItsIndexes()
    {
        await using var db = await NewMigratedDatabaseAsync();

        var contacts = await db.IndexDefinitionsAsync("contacts");
        var messages = await db.IndexDefinitionsAsync("message_queue");

        var latest = Assert.Single(contacts, d => Names(d, "ix_contacts_last_interaction_at"));
        Assert.Contains("last_interaction_at", latest.Replace("ix_contacts_last_interaction_at", "", StringComparison.Ordinal), StringComparison.Ordinal);
        if (Engine.Provider == DatabaseProvider.Postgres)
        {
            Assert.Contains(messages, d => Names(d, "ix_message_queue_status_scheduled_at"));
        }
        else
        {
            var queued = Assert.Single(messages, d => Names(d, "ix_message_queue_queued_contact"));
            Assert.Contains("queued", queued.Replace("ix_message_queue_queued_contact", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }

        // A definition names its index as a word of its own (first on SQLite and SQL Server, after CREATE INDEX on PostgreSQL).
        static bool Names(string definition, string index) => definition.Split(' ').Contains(index, StringComparer.Ordinal);
    }

    [SkippableFact]
    public async Task Migrate_RefusesADatabaseWithANewerSchema()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await using (var connection = await db.OpenAsync())
        {
            var row = await connection.QuerySingleAsync("SELECT * FROM schema_history WHERE version = '002'");
            await connection.ExecuteAsync(
                "INSERT INTO schema_history (type, version, description, name, checksum, installed_by, installed_on, success) " +
                "SELECT type, '999', 'from a newer build', 'V999__future.sql', checksum, installed_by, installed_on, success FROM schema_history WHERE version = '002'");
            Assert.NotNull(row);
        }

        var migrate = await db.CliAsync(["migrate"]);

        Assert.Equal(2, migrate.ExitCode);
        Assert.Contains("999", migrate.Error, StringComparison.Ordinal);
        Assert.Contains("Atualize o Vinculo", migrate.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", migrate.All, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task ConsentEvents_RefuseUpdateAndDelete()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await using var connection = await db.OpenAsync();
        var now = DateTimeOffset.Parse("2026-11-23T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var contactId = await InsertContactAsync(connection, db, now);
        await connection.ExecuteAsync(
            "INSERT INTO consent_events (contact_id, event, source, occurred_at) VALUES (@contactId, 'granted', 'form', @now)",
            new { contactId, now });

        var update = await Record.ExceptionAsync(() => connection.ExecuteAsync("UPDATE consent_events SET event = 'revoked'"));
        var delete = await Record.ExceptionAsync(() => connection.ExecuteAsync("DELETE FROM consent_events"));

        Assert.IsAssignableFrom<System.Data.Common.DbException>(update);
        Assert.Contains("append-only", update.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<System.Data.Common.DbException>(delete);
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM consent_events WHERE event = 'granted'"));
    }

    [SkippableTheory]
    [InlineData("contacts", "phone_status")]
    [InlineData("job_runs", "status")]
    public async Task StatusColumns_RefuseValuesOutsideTheContract(string table, string column)
    {
        await using var db = await NewMigratedDatabaseAsync();
        await using var connection = await db.OpenAsync();
        var now = DateTimeOffset.Parse("2026-11-23T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        if (table == "contacts")
        {
            await InsertContactAsync(connection, db, now);
        }
        else
        {
            await connection.ExecuteAsync(
                "INSERT INTO job_runs (job_key, node, started_at, status) VALUES ('x', 'n', @now, 'running')", new { now });
        }

        var error = await Record.ExceptionAsync(() => connection.ExecuteAsync($"UPDATE {table} SET {column} = 'bogus'"));

        Assert.IsAssignableFrom<System.Data.Common.DbException>(error);
    }

    [SkippableTheory]
    [InlineData("contacts")]
    [InlineData("suppression_list")]
    public async Task PhoneHashes_AreExactly64LowerCaseHexDigits(string table)
    {
        await using var db = await NewMigratedDatabaseAsync();
        await using var connection = await db.OpenAsync();
        var now = DateTimeOffset.Parse("2026-11-23T05:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var contactId = await InsertContactAsync(connection, db, now);
        var good = Vinculo.Privacy.PhoneHash.Of("+5511987654321");
        Task<int> Write(string hash) => table == "contacts"
            ? connection.ExecuteAsync("UPDATE contacts SET phone_hash = @hash WHERE contact_id = @contactId", new { hash, contactId })
            : connection.ExecuteAsync("INSERT INTO suppression_list (phone_hash, reason, added_at) VALUES (@hash, 'opt_out', @now)", new { hash, now });

        Assert.Equal(1, await Write(good));
        foreach (var bad in new[] { good.ToUpperInvariant(), good[..63], good + "0", good[..63] + "g", good[..63] + " ", good[..62] + "é" })
        {
            var error = await Record.ExceptionAsync(() => Write(bad));
            Assert.IsAssignableFrom<System.Data.Common.DbException>(error);
        }
    }

    [SkippableFact]
    public async Task Timestamps_RoundTripAsUtcMilliseconds()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await using var connection = await db.OpenAsync();
        DapperSetup.EnsureConfigured();
        var instant = new DateTimeOffset(2026, 11, 23, 2, 0, 0, 123, TimeSpan.FromHours(-3)).AddTicks(4567);

        var runId = await connection.ExecuteScalarAsync<long>(
            SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot)
                .InsertReturningKey("job_runs", "job_key, node, started_at, status", "'x', 'n', @instant, 'running'", "run_id"),
            new { instant });
        var read = await connection.ExecuteScalarAsync<DateTimeOffset>("SELECT started_at FROM job_runs WHERE run_id = @runId", new { runId });

        Assert.Equal(new DateTimeOffset(2026, 11, 23, 5, 0, 0, 123, TimeSpan.Zero), read);
        Assert.Equal(TimeSpan.Zero, read.Offset);
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            Assert.Equal("2026-11-23T05:00:00.123Z", await connection.ExecuteScalarAsync<string>("SELECT started_at FROM job_runs WHERE run_id = @runId", new { runId }));
        }
    }

    internal static async Task<long> InsertContactAsync(System.Data.Common.DbConnection connection, TestDatabase db, DateTimeOffset now)
    {
        DapperSetup.EnsureConfigured();
        var sql = SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot)
            .InsertReturningKey("contacts", "name, phone_raw, created_at, updated_at", "'Teste', '11987654321', @now, @now", "contact_id");
        return await connection.ExecuteScalarAsync<long>(sql, new { now });
    }

    private static async Task<string> SchemaFingerprintAsync(TestDatabase db)
    {
        var parts = new List<string>();
        foreach (var table in SpecColumns.Keys.Append("schema_history"))
        {
            parts.Add(table + ":" + string.Join(",", (await db.ColumnsAsync(table)).Order(StringComparer.Ordinal)));
        }

        await using var connection = await db.OpenAsync();
        parts.Add("history:" + await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM schema_history"));
        return string.Join("|", parts);
    }
}

public sealed class SqliteSchemaTests(SqliteEngine engine) : SchemaTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresSchemaTests(PostgresEngine engine) : SchemaTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerSchemaTests(SqlServerEngine engine) : SchemaTests(engine), IClassFixture<SqlServerEngine>;

/// <summary>What each engine's dialect lets the retries run again.</summary>
public sealed class TransientErrorTests
{
    [Theory]
    [InlineData("40P01", true)] // deadlock_detected: nodes starting at once
    [InlineData("40001", true)] // serialization_failure
    [InlineData("23505", false)] // unique_violation: running it again changes nothing
    [InlineData("42P01", false)] // undefined_table: a set-up problem
    public void Postgres_DeadlocksAndSerializationFailuresAreTransient(string sqlState, bool transient)
    {
        var dialect = new PostgresDialect("Host=localhost");
        var error = new Npgsql.PostgresException("simulated", "ERROR", "ERROR", sqlState);
        Assert.Equal(transient, dialect.IsTransient(error));
        Assert.Equal(transient, dialect.IsTransient(new InvalidOperationException("wrapped", error)));
    }
}
