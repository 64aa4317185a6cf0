namespace Vinculo.Data;

/// <summary>The value kinds a bulk write carries; each dialect maps them to its own column types.</summary>
public enum BulkType
{
    /// <summary>A 64-bit integer: keys, counters.</summary>
    Identifier,

    /// <summary>A 32-bit integer.</summary>
    Number,

    Text,

    Timestamp,

    /// <summary>A double-precision number.</summary>
    Fraction,

    /// <summary>A boolean.</summary>
    Flag,

    /// <summary>A calendar day (<see cref="DateOnly"/>): text 'YYYY-MM-DD' on SQLite, <c>date</c> elsewhere.</summary>
    Date,
}

public sealed record BulkColumn(string Name, BulkType Type)
{
    /// <summary>Names are spliced into SQL, so only plain identifiers are accepted: never a value.</summary>
    public string Name { get; } = BulkWrite.Identifier(Name);
}

/// <summary>
/// A set-wise write of many rows into one table: an UPDATE keyed by <see cref="Key"/>, or an INSERT when
/// <see cref="Key"/> is null. Rows are arrays in the order of <see cref="Columns"/> (key first for updates);
/// timestamps are <see cref="DateTimeOffset"/>.
/// </summary>
public sealed partial record BulkWrite(string Table, BulkColumn? Key, IReadOnlyList<BulkColumn> Columns)
{
    /// <summary>Spliced into SQL, so only a plain identifier is accepted: never a value.</summary>
    public string Table { get; } = Identifier(Table);

    public IEnumerable<BulkColumn> AllColumns => Key is null ? Columns : Columns.Prepend(Key);

    /// <summary>
    /// The rows are Vinculo's own output, already in the schema's forms (timestamps from the one formatter, codes from
    /// constants): an engine whose CHECK constraints cost more than the write may skip them for this write. SQLite does
    /// (measured on the nightly sweep, the contacts table's timestamp and code checks took a third of the write time);
    /// PostgreSQL and SQL Server check as always, and the test suite runs every such write on PostgreSQL too, so a value
    /// the schema refuses is still caught.
    /// </summary>
    public bool SchemaConformant { get; init; }

    /// <summary>
    /// A write that the next run makes again if a crash loses it, because it only records a result that is derived from
    /// the table and recomputed whenever it is missing (a sweep's classification: a row whose check was not recorded is
    /// simply checked again). PostgreSQL then commits it without waiting for its WAL to reach the disk
    /// (<c>synchronous_commit = off</c>, for that transaction only). A crash can lose only the last such commits, never
    /// leave the table inconsistent, and any later ordinary commit (the run's own record, a plan built on the new
    /// statuses) waits for them too: nothing that depends on the result can outlive it.
    /// </summary>
    public bool Redoable { get; init; }

    internal static string Identifier(string name) =>
        PlainIdentifier().IsMatch(name) ? name : throw new ArgumentException($"'{name}' is not a plain SQL identifier.", nameof(name));

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z_][a-z0-9_]*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex PlainIdentifier();
}

/// <summary>
/// The rows of a bulk write, read by position. <see cref="Of"/> wraps the usual list of arrays. A sweep that writes
/// millions of rows may keep them in a compact form of its own (one array of structs instead of an array of boxed
/// values per row): its rows wait in memory for the writer, and every object in them is work for each garbage
/// collection until they are written. Such a form overrides the typed readers, which SQLite binds without boxing.
/// </summary>
public abstract class BulkRows
{
    public abstract int Count { get; }

    /// <summary>Whether this form overrides the typed readers; writers skip them (and their buffers) for forms that do not.</summary>
    public virtual bool Typed => false;

    /// <summary>The value in the forms of <see cref="BulkWrite"/>'s row arrays: null, integers, text, <see cref="DateTimeOffset"/> …</summary>
    public abstract object? Value(int row, int column);

    /// <summary>The value as a 64-bit integer, when this form keeps it unboxed; otherwise false (read <see cref="Value"/>).</summary>
    public virtual bool TryInt64(int row, int column, out long value)
    {
        value = 0;
        return false;
    }

    /// <summary>Text or null, when this form holds the column as text; otherwise false (read <see cref="Value"/>).</summary>
    public virtual bool TryText(int row, int column, out string? value)
    {
        value = null;
        return false;
    }

    /// <summary>
    /// Text written straight as UTF-8 into <paramref name="destination"/>, when this form keeps the column in another shape
    /// (bytes it renders as hex, say); otherwise false. Null values are not written this way.
    /// </summary>
    public virtual bool TryUtf8(int row, int column, Span<byte> destination, out int written)
    {
        written = 0;
        return false;
    }

    /// <summary>The instant, when this form keeps it unboxed; otherwise false (read <see cref="Value"/>).</summary>
    public virtual bool TryInstant(int row, int column, out DateTimeOffset value)
    {
        value = default;
        return false;
    }

    public static BulkRows Of(IReadOnlyList<object?[]> rows) => new ArrayRows(rows);

    private sealed class ArrayRows(IReadOnlyList<object?[]> rows) : BulkRows
    {
        public override int Count => rows.Count;

        public override object? Value(int row, int column) => rows[row][column];
    }
}
