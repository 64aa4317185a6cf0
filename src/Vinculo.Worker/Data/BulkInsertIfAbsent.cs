using System.Data.Common;

namespace Vinculo.Data;

/// <summary>
/// An INSERT of many rows into a table with a unique key where a row whose key the table already holds (or an earlier
/// row of the same call carries) is skipped rather than refused: what an idempotent import needs. Rows are arrays in the
/// order of <see cref="AllColumns"/>, the key first; the key is never null. Each engine takes its fastest path
/// (a prepared statement on SQLite, binary COPY on PostgreSQL, SqlBulkCopy on SQL Server) and its own
/// "skip what exists" (<c>ON CONFLICT DO NOTHING</c>, or <c>NOT EXISTS</c> on SQL Server, which has no such clause).
/// </summary>
/// <param name="PartialKey">The key's unique index is filtered to rows where it is not null (a key only some rows have).</param>
public sealed record BulkInsertIfAbsent(string Table, BulkColumn Key, IReadOnlyList<BulkColumn> Columns, bool PartialKey = false)
{
    /// <summary>Spliced into SQL, so only a plain identifier is accepted: never a value.</summary>
    public string Table { get; } = BulkWrite.Identifier(Table);

    public IEnumerable<BulkColumn> AllColumns => Columns.Prepend(Key);

    /// <summary>As <see cref="BulkWrite.SchemaConformant"/>: the rows are Vinculo's own output, in the schema's forms.</summary>
    public bool SchemaConformant { get; init; }

    /// <summary>The conflict target of <c>ON CONFLICT</c>, which must name a partial index with its predicate.</summary>
    internal string ConflictTarget => PartialKey ? $"({Key.Name}) WHERE {Key.Name} IS NOT NULL" : $"({Key.Name})";

    /// <returns>The rows added: those whose key was new.</returns>
    public Task<int> WriteAsync(SqlDialect dialect, DbConnection connection, DbTransaction transaction, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return Task.FromResult(0);
        }

        var distinct = Distinct(rows);
        return dialect.Provider switch
        {
            DatabaseProvider.Sqlite => SqliteBulk.InsertIfAbsentAsync(connection, this, distinct, cancellationToken),
            DatabaseProvider.Postgres => PostgresBulk.InsertIfAbsentAsync(connection, transaction, this, distinct, cancellationToken),
            DatabaseProvider.SqlServer => SqlServerBulk.InsertIfAbsentAsync(connection, transaction, this, distinct, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect.Provider, "Unknown database provider."),
        };
    }

    /// <summary>The SQL text <see cref="WriteAsync"/> sends on this engine (for the T-SQL parse check).</summary>
    public IReadOnlyList<string> Statements(SqlDialect dialect) => dialect.Provider switch
    {
        DatabaseProvider.Sqlite => [SqliteBulk.InsertIfAbsentStatement(this)],
        DatabaseProvider.Postgres => PostgresBulk.InsertIfAbsentStatements(this, "bulk_staging"),
        DatabaseProvider.SqlServer => SqlServerBulk.InsertIfAbsentStatements(this),
        _ => throw new ArgumentOutOfRangeException(nameof(dialect), dialect.Provider, "Unknown database provider."),
    };

    /// <summary>
    /// The first row of each key (SQL Server's <c>NOT EXISTS</c> does not see the rows of its own statement), in key
    /// order: the key's index then takes the batch in one sweep instead of at random places (hashed keys are random).
    /// </summary>
    private static List<object?[]> Distinct(IReadOnlyList<object?[]> rows)
    {
        var seen = new HashSet<object>(rows.Count);
        var distinct = new List<object?[]>(rows.Count);
        foreach (var row in rows)
        {
            if (seen.Add(row[0] ?? throw new ArgumentException("A bulk insert row has no key.", nameof(rows))))
            {
                distinct.Add(row);
            }
        }

        distinct.Sort(static (a, b) => a[0] is string x && b[0] is string y ? string.CompareOrdinal(x, y) : Comparer<object>.Default.Compare(a[0], b[0]));
        return distinct;
    }
}
