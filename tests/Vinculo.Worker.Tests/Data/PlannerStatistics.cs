using System.Data.Common;
using Dapper;
using Vinculo.Engines;

namespace Vinculo.Data;

/// <summary>SQLite's planner made to choose as it would on a large base: the statistics such a base has, loaded into a migrated test database.</summary>
internal static partial class PlannerStatistics
{
    /// <summary>
    /// Replaces the statistics of the tables named in <paramref name="statistics"/> (table, index, <c>sqlite_stat1</c> stat) and
    /// returns a new connection, which reads them.
    /// </summary>
    public static async Task<DbConnection> LoadAsync(TestDatabase db, IReadOnlyList<(string Table, string Index, string Stat)> statistics)
    {
        await using (var connection = await db.OpenAsync())
        {
            await connection.ExecuteAsync("ANALYZE main");
            foreach (var table in statistics.Select(s => s.Table).Distinct())
            {
                await connection.ExecuteAsync("DELETE FROM sqlite_stat1 WHERE tbl = @table", new { table });
            }

            foreach (var (table, index, stat) in statistics)
            {
                await connection.ExecuteAsync("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (@table, @index, @stat)", new { table, index, stat });
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return await db.OpenAsync();
    }

    /// <summary>The steps of SQLite's plan for <paramref name="sql"/> with these parameters; each <c>column IN @list</c> is read from a JSON array, as the worker sends it.</summary>
    public static async Task<List<string>> PlanAsync(DbConnection connection, string sql, object parameters) =>
        [.. (await connection.QueryAsync("EXPLAIN QUERY PLAN " + ListTest().Replace(sql, "$1 IN (SELECT value FROM json_each(@$2))"), parameters))
            .Select(row => (string)((IDictionary<string, object>)row)["detail"])];

    [System.Text.RegularExpressions.GeneratedRegex(@"([\w.]+) IN @(\w+)")]
    private static partial System.Text.RegularExpressions.Regex ListTest();
}
