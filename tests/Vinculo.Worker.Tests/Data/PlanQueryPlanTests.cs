using Vinculo.Engines;
using Vinculo.Planning;

namespace Vinculo.Data;

/// <summary>
/// How SQLite runs the planner's signal reads on a base with years of history: the statistics of a million contacts with
/// five years of interactions and messages are loaded, so the planner chooses as it would there. Each read must be a
/// range (or a seek) of an index per listed contact or number, bounded by its window where it has one; none may scan a table.
/// Old history (purchases per category, the messages that went out before the window) is read from an index alone.
/// </summary>
public sealed class PlanQueryPlanTests(SqliteEngine engine) : IClassFixture<SqliteEngine>
{
    private static readonly (string Table, string Index, string Stat)[] Statistics =
    [
        ("interactions", "ix_interactions_contact_id_kind_occurred_at", "12000000 12 3 1"),
        ("interactions", "ix_interactions_contact_id_occurred_at", "12000000 12 1"),
        ("interactions", "ix_interactions_purchases", "1000000 5 5 2 1 1"),
        ("message_queue", "ix_message_queue_counted", "2900000 3 1 1 1 1"),
        ("message_queue", "ix_message_queue_phone_e164_sent_at", "3000000 3 1"),
        ("message_queue", "ix_message_queue_phone_e164_scheduled_at", "3000000 3 1"),
        ("message_queue", "ix_message_queue_sent_recipients", "2500000 2 1 1"),
        ("message_queue", "ix_message_queue_content_id_status", "3000000 150000 30000"),
        ("message_queue", "ix_message_queue_contact_id", "3000000 3"),
        ("message_queue", "ix_message_queue_status_scheduled_at", "3000000 600000 2"),
        ("contacts", "ix_contacts_phone_e164", "1000000 1 1"),
    ];

    [SkippableFact]
    public async Task SignalReads_UseAnIndexRangePerPerson_BoundedByTheirWindows()
    {
        engine.SkipIfUnavailable();
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        await using var fresh = await PlannerStatistics.LoadAsync(db, Statistics);
        async Task<string> PlanOf(string sql)
        {
            var plan = string.Join("\n", await PlannerStatistics.PlanAsync(
                fresh, sql, new { ids = "[1, 2, 3]", numbers = "[\"+5511987654321\"]", contents = "[1, 2]", since = "2026-05-27T06:00:00.000Z" }));
            Assert.DoesNotContain("SCAN interactions", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("SCAN message_queue", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("SCAN k", plan, StringComparison.Ordinal);
            return plan;
        }

        var latest = await PlanOf(PlanStore.LatestSql);
        // Every latest from the index of kinds, none from (contact_id, occurred_at): a night's planning reads one index of
        // interactions by kind, not two.
        Assert.Contains("COVERING INDEX ix_interactions_contact_id_kind_occurred_at (contact_id=? AND kind=?)", latest, StringComparison.Ordinal);
        Assert.DoesNotContain("ix_interactions_contact_id_occurred_at", latest, StringComparison.Ordinal);
        Assert.Contains("COVERING INDEX ix_interactions_purchases (contact_id=? AND kind=?)", await PlanOf(PlanStore.PurchasesSql), StringComparison.Ordinal);
        Assert.Contains("occurred_at>?", await PlanOf(PlanStore.RecentSql), StringComparison.Ordinal);
        // Every message of a number that counts, however old, from one index that holds all the columns read: no table row.
        Assert.Contains("COVERING INDEX ix_message_queue_counted (phone_e164=?)", await PlanOf(PlanStore.CountedMessagesSql), StringComparison.Ordinal);
    }
}
