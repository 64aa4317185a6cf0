using Dapper;
using Vinculo.Dispatch;
using Vinculo.Engines;

namespace Vinculo.Data;

/// <summary>
/// How SQLite runs the dispatcher's per-run statements on a base with years of messages: the statistics of a real
/// 1.8-million-message history (from <c>vinculo-bench --night 1000000</c>) are loaded, so the planner chooses as it would there.
/// </summary>
public sealed class DispatchPlanTests(SqliteEngine engine) : IClassFixture<SqliteEngine>
{
    private static readonly string[] Statistics =
    [
        "ix_message_queue_sent_at_scheduled_at|1533422 3 1",
        "ix_message_queue_content_id_status|1805460 90273 22569",
        "ix_message_queue_contact_id|1805460 3",
        "ix_message_queue_phone_e164_scheduled_at|1805460 3 1",
        "ix_message_queue_status_scheduled_at|1805460 451365 2",
    ];

    [SkippableFact]
    public async Task RecentRecipients_ReadsTheDaysRowsByTheirSendTime_NotTheWholeNumberIndex()
    {
        engine.SkipIfUnavailable();
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        await using (var connection = await db.OpenAsync())
        {
            await connection.ExecuteAsync("ANALYZE main");
            await connection.ExecuteAsync("DELETE FROM sqlite_stat1 WHERE tbl = 'message_queue'");
            foreach (var row in Statistics)
            {
                var parts = row.Split('|');
                await connection.ExecuteAsync("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES ('message_queue', @index, @stat)", new { index = parts[0], stat = parts[1] });
            }
        }

        // A new connection reads the statistics.
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await using var fresh = await db.OpenAsync();
        var plan = string.Join(
            "\n",
            (await fresh.QueryAsync("EXPLAIN QUERY PLAN " + DispatchStore.RecentRecipientsSql, new { since = "2026-11-17T22:00:00.000Z" }))
                .Select(row => (string)((IDictionary<string, object>)row)["detail"]));

        Assert.Contains("ix_message_queue_sent_at_scheduled_at (sent_at>?)", plan, StringComparison.Ordinal);
        Assert.DoesNotContain("SCAN message_queue", plan, StringComparison.Ordinal);
    }
}
