using Vinculo.Dispatch;
using Vinculo.Engines;

namespace Vinculo.Data;

/// <summary>
/// How SQLite runs the dispatcher's per-run statements on a base with years of messages: the statistics of a real
/// 1.8-million-message history (from <c>vinculo-bench --night 1000000</c>) are loaded, so the planner chooses as it would there.
/// </summary>
public sealed class DispatchPlanTests(SqliteEngine engine) : IClassFixture<SqliteEngine>
{
    private static readonly (string Table, string Index, string Stat)[] Statistics =
    [
        ("message_queue", "ix_message_queue_sent_recipients", "1533422 3 1 1"),
        ("message_queue", "ix_message_queue_content_id_status", "1805460 90273 22569"),
        ("message_queue", "ix_message_queue_contact_id", "1805460 3"),
        ("message_queue", "ix_message_queue_phone_e164_scheduled_at", "1805460 3 1"),
        ("message_queue", "ix_message_queue_status_scheduled_at", "1805460 451365 2"),
    ];

    [SkippableFact]
    public async Task RecentRecipients_ReadsTheDaysRowsByTheirSendTime_NotTheWholeNumberIndex()
    {
        engine.SkipIfUnavailable();
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        await using var fresh = await PlannerStatistics.LoadAsync(db, Statistics);
        var plan = string.Join("\n", await PlannerStatistics.PlanAsync(fresh, DispatchStore.RecentRecipientsSql, new { since = "2026-11-17T22:00:00.000Z" }));

        // The day's numbers come from the index alone (V018): no send is looked up in the table.
        Assert.Contains("COVERING INDEX ix_message_queue_sent_recipients (sent_at>?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN message_queue", plan, StringComparison.Ordinal);
    }
}
