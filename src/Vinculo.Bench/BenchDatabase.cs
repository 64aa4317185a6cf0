using Vinculo.Data;

namespace Vinculo.Bench;

/// <summary>What the benchmarks do to the scratch databases they fill: write rows in batches, then give the engine its statistics.</summary>
internal static class BenchDatabase
{
    /// <summary>The name of a benchmark's scratch database: its kind and the moment, by the configured clock.</summary>
    public static string ScratchName(string kind, DateTimeOffset now) =>
        "vinculo_bench_" + (kind.Length == 0 ? "" : kind + "_") + now.ToString("yyyyMMddHHmmss", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes every non-empty batch (in the dictionary's order: referenced tables first) in one transaction, adds to the totals and clears them.</summary>
    public static async Task WriteBatchesAsync(
        Database database, Dictionary<BulkWrite, List<object?[]>> batches, Dictionary<BulkWrite, long> totals, CancellationToken cancellationToken)
    {
        foreach (var (write, rows) in batches)
        {
            totals[write] += rows.Count;
        }

        await WriteBatchesAsync(database, [.. batches.Select(b => (b.Key, b.Value))], cancellationToken);
    }

    /// <summary>Writes every non-empty batch (in the given order: referenced tables first) in one transaction and clears them.</summary>
    public static async Task WriteBatchesAsync(Database database, (BulkWrite Write, List<object?[]> Rows)[] batches, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var (write, rows) in batches)
        {
            if (rows.Count > 0)
            {
                await database.Dialect.BulkWriteAsync(connection, transaction, write, rows, cancellationToken);
                rows.Clear();
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Statistics as a live base has them (<see cref="SqlDialect.RefreshStatisticsSql"/>).</summary>
    public static async Task AnalyzeAsync(Database database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var analyze = connection.CreateCommand();
        analyze.CommandText = database.Dialect.RefreshStatisticsSql;

        // Minutes on ten million contacts: well past a driver's default command timeout, which would drop the whole base.
        analyze.CommandTimeout = 0;
        await analyze.ExecuteNonQueryAsync(cancellationToken);
    }
}
