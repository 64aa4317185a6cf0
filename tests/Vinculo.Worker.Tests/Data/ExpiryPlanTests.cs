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

    /// <summary>The engine's plan of the statement that expires one range of consents.</summary>
    internal static async Task<string?> PlanOfExpiringARangeAsync(TestDatabase db)
    {
        using var host = db.BuildHost();
        var expire = host.Services.GetRequiredService<ConsentExpiryStore>().Statements.Single(s => s.StartsWith("UPDATE consents", StringComparison.Ordinal));
        var now = new DateTimeOffset(2024, 6, 1, 3, 0, 0, TimeSpan.Zero);
        return await db.PlanAsync(expire, new { after = 1000L, upto = 4000L, now, idleBefore = now.AddDays(-30) });
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
}
