using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Engines;
using Vinculo.Jobs;
using Vinculo.Phones;

namespace Vinculo.Data;

/// <summary>
/// SQLite gathers planner statistics only when asked: the worker asks after every job run, for tables never analyzed,
/// whose size changed a lot, or with an index that has none.
/// </summary>
public sealed class SqliteStatisticsTests(SqliteEngine engine) : IClassFixture<SqliteEngine>
{
    private static readonly DateTimeOffset Night = DateTimeOffset.Parse("2026-11-23T05:00:00Z", CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task AJobRun_AnalyzesTheTablesNeverAnalyzed()
    {
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        await InsertContactsAsync(db, 300);
        var before = await StatisticsAsync(db);

        var run = await RunAsync(db, ExpireConsentsJobKey);

        Assert.Equal(JobRunStatus.Succeeded, run.Status);
        Assert.DoesNotContain(before, s => s.Table == "contacts");
        var after = await StatisticsAsync(db);
        // Every index of contacts: 300 rows, each id its own.
        Assert.Contains(after, s => s is { Table: "contacts", Index: "ix_contacts_check_due" } && s.Stat.StartsWith("300 ", StringComparison.Ordinal));
        Assert.Contains(after, s => s.Table == "job_runs");
    }

    /// <summary>
    /// Statistics gathered before a first sweep say every contact has the same (empty) number. The sweep does not change how
    /// many rows there are, but the indexes it rebuilt have no statistics: the check after the run analyzes the table again.
    /// </summary>
    [SkippableFact]
    public async Task ALargeRewrite_LeavesStatisticsOfTheNumbersItWrote()
    {
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        await InsertContactsAsync(db, 300);
        await using (var connection = await db.OpenAsync())
        {
            await connection.ExecuteAsync("ANALYZE main");
        }

        var before = (await StatisticsAsync(db)).Single(s => s.Index == "ix_contacts_phone_e164");

        var run = await RunAsync(db, RevalidatePhonesJob.Key, o => o.LargeRewriteRows = 100);

        Assert.Equal(true, run.Result!.Detail!["rebuilt_number_index"]);
        // Rows per number (the second figure): all 300 share NULL before, one each after.
        Assert.Equal("300 300 300", before.Stat);
        var after = (await StatisticsAsync(db)).Single(s => s.Index == "ix_contacts_phone_e164");
        Assert.Equal("300 1 1", after.Stat);
    }

    private const string ExpireConsentsJobKey = Consent.ExpireConsentsJob.Key;

    private static async Task<JobRunOutcome> RunAsync(TestDatabase db, string job, Action<PhonesOptions>? phones = null)
    {
        using var host = db.BuildHost(
            new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Night),
            builder => builder.Services.Configure<PhonesOptions>(o => phones?.Invoke(o)));
        return await host.Services.GetRequiredService<JobRunner>().RunAsync(job, CancellationToken.None);
    }

    private static async Task InsertContactsAsync(TestDatabase db, int count)
    {
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        for (var i = 0; i < count; i++)
        {
            await connection.ExecuteAsync(
                "INSERT INTO contacts (name, phone_raw, created_at, updated_at) VALUES ('Cliente', @raw, @at, @at)",
                new { raw = $"(21) 97{i:D3}-1234", at = Night.AddDays(-1).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture) },
                transaction);
        }

        await transaction.CommitAsync();
    }

    private static async Task<List<(string Table, string? Index, string Stat)>> StatisticsAsync(TestDatabase db)
    {
        await using var connection = await db.OpenAsync();
        var exists = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'");
        if (exists == 0)
        {
            return [];
        }

        return [.. await connection.QueryAsync<(string, string?, string)>("SELECT tbl, idx, stat FROM sqlite_stat1")];
    }
}
