using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Consent;
using Vinculo.Engines;

namespace Vinculo.Data;

/// <summary>
/// How PostgreSQL answers expire-consents' question about each contact's latest interaction: from V019's index alone, not
/// from the contacts table (on a base larger than memory, most of a range's reads from disk were those table pages).
/// </summary>
public sealed class ExpiryPlanTests(PostgresEngine engine) : IClassFixture<PostgresEngine>
{
    [SkippableFact]
    public async Task ExpiringARange_ReadsTheContactsLatestInteraction_FromItsIndexAlone()
    {
        engine.SkipIfUnavailable();
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        await using (var connection = await db.OpenAsync())
        {
            // Enough contacts, most with an old grant, that the planner weighs the table against the index as on a real base.
            await connection.ExecuteAsync(
                "INSERT INTO contacts (name, phone_raw, last_interaction_at) " +
                "SELECT 'Pessoa ' || n, '(11) 9' || lpad(n::text, 8, '0'), TIMESTAMPTZ '2024-01-01' + n * INTERVAL '1 hour' FROM generate_series(1, 5000) AS n");
            await connection.ExecuteAsync(
                "INSERT INTO consents (contact_id, status, source, granted_at) SELECT contact_id, 'granted', 'import', TIMESTAMPTZ '2023-06-01' FROM contacts");
            await connection.ExecuteAsync("VACUUM (ANALYZE) contacts", commandType: System.Data.CommandType.Text);
        }

        var plan = await PlanOfExpiringARangeAsync(db);

        Assert.NotNull(plan);
        Assert.Contains("Index Only Scan using ix_contacts_last_interaction_at on contacts", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("pk_contacts", plan, StringComparison.Ordinal);
    }

    /// <summary>
    /// On a base whose messages almost all went out long ago, PostgreSQL finds the expired contacts' queued messages among the
    /// few queued (the index by status and time), never through the index of every message of the range's contacts; SQLite needs
    /// an index of its own for that (V022, <see cref="SqliteExpiryPlanTests"/>).
    /// </summary>
    [SkippableFact]
    public async Task CancellingARange_FindsTheQueuedMessages_InTheirOwnIndex()
    {
        engine.SkipIfUnavailable();
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        await using (var connection = await db.OpenAsync())
        {
            await connection.ExecuteAsync(
                "INSERT INTO contacts (name, phone_raw) SELECT 'Pessoa ' || n, '(11) 9' || lpad(n::text, 8, '0') FROM generate_series(1, 5000) AS n");
            await connection.ExecuteAsync(
                "INSERT INTO consents (contact_id, status, source, granted_at) SELECT contact_id, 'expired', 'import', TIMESTAMPTZ '2023-06-01' FROM contacts");
            await connection.ExecuteAsync("INSERT INTO contents (name, body, active) VALUES ('Novidades', 'Olá', true)");
            // Four messages a contact over the years, all delivered; one in fifty contacts has one still queued.
            await connection.ExecuteAsync(
                "INSERT INTO message_queue (contact_id, content_id, phone_e164, relevance, body, scheduled_at, status) " +
                "SELECT k.contact_id, (SELECT MIN(content_id) FROM contents), '+55119' || lpad(k.contact_id::text, 8, '0'), 0.5, 'Oi', " +
                "TIMESTAMPTZ '2021-01-01' + m * INTERVAL '200 days', CASE WHEN m = 4 AND k.contact_id % 50 = 0 THEN 'queued' ELSE 'delivered' END " +
                "FROM contacts k CROSS JOIN generate_series(1, 4) AS m");
            await connection.ExecuteAsync("VACUUM (ANALYZE) message_queue", commandType: System.Data.CommandType.Text);
            await connection.ExecuteAsync("VACUUM (ANALYZE) consents", commandType: System.Data.CommandType.Text);
        }

        var plan = await PlanOfCancellingARangeAsync(db);

        Assert.NotNull(plan);
        Assert.Contains("Index Cond: (status = 'queued'::text)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("ix_message_queue_contact_id", plan, StringComparison.Ordinal);
    }

    /// <summary>The engine's plan of the statement that expires one range of consents.</summary>
    internal static Task<string?> PlanOfExpiringARangeAsync(TestDatabase db) => PlanOfRangeStatementAsync(db, "UPDATE consents");

    /// <summary>The engine's plan of the statement that cancels the queued messages of one range's expired consents.</summary>
    internal static Task<string?> PlanOfCancellingARangeAsync(TestDatabase db) => PlanOfRangeStatementAsync(db, "UPDATE message_queue");

    private static async Task<string?> PlanOfRangeStatementAsync(TestDatabase db, string start)
    {
        using var host = db.BuildHost();
        var statement = host.Services.GetRequiredService<ConsentExpiryStore>().Statements.Single(s => s.StartsWith(start, StringComparison.Ordinal));
        var now = new DateTimeOffset(2024, 6, 1, 3, 0, 0, TimeSpan.Zero);
        return await db.PlanAsync(statement, new { after = 1000L, upto = 4000L, now, idleBefore = now.AddDays(-30) });
    }
}

/// <summary>
/// SQLite answers the same question from V021's index when the statement names it: left to itself it looks each contact
/// up by row id and reads a table page for every dozen contacts. Likewise for a contact's interactions since an instant: the
/// index of kinds, which the night's planning reads too, rather than a second index of interactions.
/// </summary>
public sealed class SqliteExpiryPlanTests(SqliteEngine engine) : IClassFixture<SqliteEngine>
{
    [SkippableFact]
    public async Task ExpiringARange_ReadsTheContactsLatestInteraction_FromItsIndexAlone()
    {
        engine.SkipIfUnavailable();
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        var plan = await ExpiryPlanTests.PlanOfExpiringARangeAsync(db);

        Assert.NotNull(plan);
        Assert.Contains("COVERING INDEX ix_contacts_last_interaction_at (contact_id=? AND last_interaction_at>?)", plan, StringComparison.Ordinal);
        // A contact's interactions from the index of kinds plan-messages reads next, not from (contact_id, occurred_at).
        Assert.Contains("COVERING INDEX ix_interactions_contact_id_kind_occurred_at (contact_id=?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("ix_interactions_contact_id_occurred_at", plan, StringComparison.Ordinal);
    }

    /// <summary>
    /// The cancel of the expired contacts' queued messages seeks each contact in V022's index of queued messages: through
    /// the index of every message, each message's row would be read for its status.
    /// </summary>
    [SkippableFact]
    public async Task CancellingARange_FindsTheQueuedMessages_InTheirOwnIndex()
    {
        engine.SkipIfUnavailable();
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        var plan = await ExpiryPlanTests.PlanOfCancellingARangeAsync(db);

        Assert.NotNull(plan);
        Assert.Contains("INDEX ix_message_queue_queued_contact (contact_id=?)", plan, StringComparison.Ordinal);
    }
}
