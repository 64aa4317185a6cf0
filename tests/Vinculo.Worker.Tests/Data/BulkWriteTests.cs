using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Engines;

namespace Vinculo.Data;

/// <summary>Bulk writes and the row cursor carry every text and instant exactly, on every engine.</summary>
public abstract class BulkWriteTests(EngineFixture engine) : EngineSuite(engine)
{
    private static readonly BulkWrite NameWrite = new(
        "contacts",
        new BulkColumn("contact_id", BulkType.Identifier),
        [new("name", BulkType.Text), new("phone_status", BulkType.Text), new("updated_at", BulkType.Timestamp)]);

    /// <summary>Texts the SQLite path encodes on the stack, and ones it hands to the driver (longer than its buffer).</summary>
    public static readonly string?[] Texts =
    [
        "Maria", "", "João da Conceição", "Zoë 🎉 مرحبا", "\u00A0nbsp\u200Ftab\t", null,
        new string('a', 256), new string('ç', 256), string.Concat(Enumerable.Repeat("Ação 🎉 ", 300)),
    ];

    [SkippableFact]
    public async Task Texts_And_Instants_RoundTrip()
    {
        await using var db = await NewMigratedDatabaseAsync();
        using var host = db.BuildHost();
        var database = host.Services.GetRequiredService<Database>();
        var created = new DateTimeOffset(2026, 11, 23, 2, 0, 0, 123, TimeSpan.FromHours(-3)).AddTicks(4567);
        var inserts = Texts.Select((text, i) => new object?[] { text, "raw", "unchecked", created.AddDays(-i * 400), created }).ToList();
        await database.BulkWriteAsync(Bench.PhoneBenchmark.ContactInsert, inserts, CancellationToken.None);

        await using var connection = await database.OpenAsync(CancellationToken.None);
        var ids = (await connection.QueryAsync<long>("SELECT contact_id FROM contacts ORDER BY contact_id")).AsList();
        var later = new DateTimeOffset(9999, 12, 31, 23, 59, 59, 999, TimeSpan.Zero);
        var updates = ids.Select((id, i) => new object?[] { id, Texts[^(i + 1)], i % 2 == 0 ? "valid" : "invalid", i == 0 ? later : created.AddYears(-2000) }).ToList();
        Assert.Equal(ids.Count, await database.BulkWriteAsync(NameWrite, updates, CancellationToken.None));

        var names = new List<string?>();
        var codes = new List<string?>();
        var instants = new List<DateTimeOffset?>();
        await using (var reader = await database.ReadRowsAsync(connection, "SELECT name, phone_status, updated_at, created_at FROM contacts ORDER BY contact_id", new Dictionary<string, object?>(), CancellationToken.None))
        {
            while (await reader.ReadAsync(CancellationToken.None))
            {
                names.Add(reader.GetString(0));
                codes.Add(reader.GetCode(1));
                instants.Add(reader.GetInstant(2));
                Assert.NotNull(reader.GetInstant(3));
            }
        }

        Assert.Equal(Texts.Reverse(), names);
        Assert.Equal(ids.Select((_, i) => i % 2 == 0 ? "valid" : "invalid"), codes);
        var truncated = new DateTimeOffset(2026, 11, 23, 5, 0, 0, 123, TimeSpan.Zero);
        Assert.Equal(ids.Select((_, i) => (DateTimeOffset?)(i == 0 ? later : truncated.AddYears(-2000))), instants);
        Assert.All(instants, instant => Assert.Equal(TimeSpan.Zero, instant!.Value.Offset));
        if (db.Provider == DatabaseProvider.Sqlite)
        {
            // One string per distinct code, however many rows carry it.
            Assert.Same(codes[0], codes[2]);
            Assert.Equal(
                ["9999-12-31T23:59:59.999Z", "0026-11-23T05:00:00.123Z"],
                (await connection.QueryAsync<string>("SELECT updated_at FROM contacts ORDER BY contact_id LIMIT 2")).AsList());
        }
    }

    /// <summary>
    /// A write of Vinculo's own rows may skip the engine's CHECK constraints (SQLite does, for its duration): the
    /// connection goes back to the pool, so what runs on it next is checked again.
    /// </summary>
    [SkippableFact]
    public async Task SchemaConformantWrite_LeavesTheConnectionCheckingWhatComesNext()
    {
        await using var db = await NewMigratedDatabaseAsync();
        using var host = db.BuildHost();
        var database = host.Services.GetRequiredService<Database>();
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var id = await connection.ExecuteScalarAsync<long>(
            database.Dialect.InsertReturningKey("contacts", "name, created_at, updated_at", "'Maria', @at, @at", "contact_id"), new { at = DateTimeOffset.UnixEpoch });
        var conformant = NameWrite with { SchemaConformant = true };

        await using (var transaction = await connection.BeginTransactionAsync())
        {
            Assert.Equal(1, await database.Dialect.BulkWriteAsync(connection, transaction, conformant, [[id, "Maria", "valid", DateTimeOffset.UnixEpoch]], CancellationToken.None));
            await transaction.CommitAsync();
        }

        Assert.IsAssignableFrom<System.Data.Common.DbException>(await Record.ExceptionAsync(() => connection.ExecuteAsync("UPDATE contacts SET phone_status = 'bogus'")));
        Assert.Equal("valid", await connection.ExecuteScalarAsync<string>("SELECT phone_status FROM contacts"));
    }

    /// <summary>
    /// An update whose keys lie close together and one whose keys are scattered over the table (PostgreSQL plans them
    /// differently) write their rows and no other; the planner's costs are as they were once the write is done.
    /// </summary>
    [SkippableFact]
    public async Task ContiguousAndScatteredUpdates_WriteTheirRowsOnly()
    {
        await using var db = await NewMigratedDatabaseAsync();
        using var host = db.BuildHost();
        var database = host.Services.GetRequiredService<Database>();
        var at = new DateTimeOffset(2026, 11, 23, 5, 0, 0, TimeSpan.Zero);
        await database.BulkWriteAsync(Bench.PhoneBenchmark.ContactInsert, [.. Enumerable.Range(0, 40).Select(i => new object?[] { $"c{i}", "raw", "unchecked", at, at })], CancellationToken.None);
        await using var connection = await database.OpenAsync(CancellationToken.None);
        var ids = (await connection.QueryAsync<long>("SELECT contact_id FROM contacts ORDER BY contact_id")).AsList();
        var contiguous = ids.Take(10).ToList();
        var scattered = new[] { ids[12], ids[25], ids[39] };
        Assert.True(PostgresBulk.Contiguous(contiguous.Count, contiguous[0], contiguous[^1]));
        Assert.False(PostgresBulk.Contiguous(scattered.Length, scattered[0], scattered[^1]));

        string? costBefore = null, costAfter = null;
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            if (db.Provider == DatabaseProvider.Postgres)
            {
                costBefore = await connection.ExecuteScalarAsync<string>("SHOW random_page_cost", transaction: transaction);
            }

            foreach (var keys in new[] { contiguous, [.. scattered] })
            {
                var rows = keys.Select(id => new object?[] { id, "novo", "valid", at }).ToList();
                Assert.Equal(keys.Count, await database.Dialect.BulkWriteAsync(connection, transaction, NameWrite, rows, CancellationToken.None));
            }

            if (db.Provider == DatabaseProvider.Postgres)
            {
                costAfter = await connection.ExecuteScalarAsync<string>("SHOW random_page_cost", transaction: transaction);
            }

            await transaction.CommitAsync();
        }

        Assert.Equal(costBefore, costAfter);
        var written = (await connection.QueryAsync<long>("SELECT contact_id FROM contacts WHERE name = 'novo' AND phone_status = 'valid' ORDER BY contact_id")).AsList();
        Assert.Equal([.. contiguous, .. scattered], written);
    }
}

public sealed class SqliteBulkWriteTests(SqliteEngine engine) : BulkWriteTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresBulkWriteTests(PostgresEngine engine) : BulkWriteTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerBulkWriteTests(SqlServerEngine engine) : BulkWriteTests(engine), IClassFixture<SqlServerEngine>;

/// <summary>The hand-written UTF-8 form of SQLite timestamps is the text form, byte for byte.</summary>
public sealed class UtcTimestampHandlerTests
{
    [Fact]
    public void SqliteTimestampBytes_MatchTheTextForm()
    {
        Span<byte> utf8 = stackalloc byte[32];
        var random = new Random(7);
        for (var i = 0; i < 10_000; i++)
        {
            var instant = new DateTimeOffset(random.NextInt64(TimeSpan.TicksPerDay, DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay), TimeSpan.Zero)
                .ToOffset(TimeSpan.FromMinutes(random.Next(-12 * 60, 14 * 60) / 15 * 15));
            Assert.True(UtcTimestampHandler.TryFormatSqliteUtf8(instant, utf8, out var written));
            Assert.Equal(UtcTimestampHandler.ToSqliteText(instant), System.Text.Encoding.UTF8.GetString(utf8[..written]));
        }

        Assert.False(UtcTimestampHandler.TryFormatSqliteUtf8(DateTimeOffset.UnixEpoch, stackalloc byte[23], out _));
        Assert.Equal("0001-01-01T00:00:00.000Z", UtcTimestampHandler.ToSqliteText(DateTimeOffset.MinValue));
    }
}
