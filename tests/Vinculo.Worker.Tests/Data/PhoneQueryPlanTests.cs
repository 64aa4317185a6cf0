using Vinculo.Engines;
using Vinculo.Phones;

namespace Vinculo.Data;

/// <summary>
/// How SQLite runs a night's revalidate-phones reads on a classified base of a million contacts (its statistics, from
/// <c>vinculo-bench --night 1000000</c>, are loaded): the contacts due are counted and listed from ranges of the index of
/// check times, and the base is counted by status from that index alone; none of them reads the table.
/// </summary>
public sealed class PhoneQueryPlanTests(SqliteEngine engine) : IClassFixture<SqliteEngine>
{
    private static readonly (string Table, string Index, string Stat)[] Statistics =
    [
        ("contacts", "ix_contacts_check_due", "1000000 1000000 500000 100000 100000"),
        ("contacts", "ix_contacts_phone_e164", "1000000 2 2"),
        ("contacts", "ix_contacts_unclassified_raw", "76635 2"),
        ("contacts", "ix_contacts_raw_phone_key", "10000 10000"),
        ("contacts", "ix_contacts_raw_phone_keyed_by", "10000 10000"),
        ("contacts", "ix_contacts_name_unkeyed", "1000000 1"),
        ("contacts", "ix_contacts_duplicate_of", "74731 2"),
        ("contacts", "ix_contacts_duplicates", "74731 2"),
    ];

    [SkippableFact]
    public async Task NightlyReads_UseTheCheckTimesIndexAlone()
    {
        engine.SkipIfUnavailable();
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        await using var fresh = await PlannerStatistics.LoadAsync(db, Statistics);
        Task<List<string>> PlanOf(string sql) =>
            PlannerStatistics.PlanAsync(fresh, sql, new { version = "9.0.20", staleBefore = "2026-10-19T05:00:00.000Z" });

        foreach (var sql in new[] { PhoneStore.CandidateCountSql, PhoneStore.DueIdsSql })
        {
            var searches = (await PlanOf(sql)).Where(step => step.StartsWith("SEARCH", StringComparison.Ordinal) || step.StartsWith("SCAN contacts", StringComparison.Ordinal)).ToList();
            // One range of the index per part of the condition, each read from the index alone.
            Assert.Equal(5, searches.Count);
            Assert.All(searches, step => Assert.StartsWith("SEARCH contacts USING COVERING INDEX ix_contacts_check_due (", step, StringComparison.Ordinal));
        }

        Assert.Contains("SCAN contacts USING COVERING INDEX ix_contacts_check_due", await PlanOf(PhoneStore.CountByStatusSql));
    }

    /// <summary>An incremental duplicate pass reads ranges and seeks of indexes: nothing of it walks the base.</summary>
    [SkippableFact]
    public async Task IncrementalDuplicateReads_SeekTheirIndexes()
    {
        engine.SkipIfUnavailable();
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        await using var fresh = await PlannerStatistics.LoadAsync(db, Statistics);
        async Task<string> PlanOf(string sql)
        {
            var plan = string.Join("\n", await PlannerStatistics.PlanAsync(fresh, sql, new
            {
                version = "9.0.20", from = "2026-11-17T17:00:00.000Z", since = "2026-11-18T05:00:00.000Z", ids = "[1, 2]", numbers = "[\"+5511987654321\"]",
            }));
            Assert.DoesNotContain("SCAN contacts", plan, StringComparison.Ordinal);
            return plan;
        }

        var touched = await PlanOf(PhoneStore.TouchedSql);
        Assert.Contains("ix_contacts_check_due (phone_checked_version=? AND phone_checked_at>? AND phone_checked_at<?)", touched, StringComparison.Ordinal);
        Assert.Contains("ix_contacts_check_due (phone_checked_version=? AND phone_checked_at>?)", touched, StringComparison.Ordinal);
        Assert.Contains("ix_contacts_phone_e164 (phone_e164=? AND erased_at>?)", await PlanOf(PhoneStore.ErasedSinceSql), StringComparison.Ordinal);
        Assert.Contains("ix_contacts_duplicate_of (duplicate_of=?)", await PlanOf(PhoneStore.DependentsSql), StringComparison.Ordinal);
        Assert.Contains("ix_contacts_phone_e164 (phone_e164=? AND erased_at=?)", await PlanOf(PhoneStore.NumberDuplicateChangesSql), StringComparison.Ordinal);
    }
}
