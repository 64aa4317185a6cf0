using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Import;
using Vinculo.Phones;
using Vinculo.Planning;

namespace Vinculo.Jobs;

/// <summary>What real runs of the jobs report to the progress feed, on every engine.</summary>
public abstract class ProgressFeedTests(EngineFixture engine) : EngineSuite(engine)
{
    private static readonly DateTimeOffset Night = DateTimeOffset.Parse("2026-11-23T06:00:00Z", CultureInfo.InvariantCulture);

    /// <summary>With batches of 100, 250 contacts make a full first batch (the due contacts are counted), 60 a single one.</summary>
    [SkippableTheory]
    [InlineData(250)]
    [InlineData(60)]
    public async Task RevalidatePhones_ReportsContactsClassifiedOfThoseDue_ThenDuplicatesMarked(int contacts)
    {
        await using var db = await NewMigratedDatabaseAsync();
        // Every tenth contact has the number of the one before it: a duplicate to mark.
        var raws = Enumerable.Range(0, contacts).Select(i => $"(11) 9{7000_0000 + (i % 10 == 9 ? i - 1 : i)}").ToList();
        await InsertContactsAsync(db, raws);

        var (progress, result) = await RunAsync(db, RevalidatePhonesJob.Key, "--Phones:BatchSize=100");

        Assert.Equal(contacts, result.Scanned);
        Assert.Collection(
            progress.Readings,
            classified => Assert.Equal(new ProgressReading(RevalidatePhonesJob.Classifying, contacts, contacts), classified),
            duplicates => Assert.Equal(new ProgressReading(RevalidatePhonesJob.MarkingDuplicates, contacts / 10, null), duplicates));
    }

    [SkippableFact]
    public async Task ExpireConsents_ReportsTheGrantedConsentsChecked_WithoutATotal()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        foreach (var (status, grantedDaysAgo) in new[] { ("granted", 10), ("granted", 400), ("granted", 20), ("revoked", 10), ("granted", 500) })
        {
            var contact = await seed.ContactAsync(null, Night.AddDays(-600));
            await seed.ConsentAsync(contact, status, Night.AddDays(-grantedDaysAgo));
        }

        var (progress, result) = await RunAsync(db, ExpireConsentsJob.Key, "--Consent:ExpireBatchSize=100");

        Assert.Equal(2, result.Changed);
        Assert.Equal(new[] { new ProgressReading(ExpireConsentsJob.Checking, 4, null) }, progress.Readings);
    }

    [SkippableFact]
    public async Task PlanMessages_ReportsPeopleEvaluated_ThenMessagesQueued()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new PlanSeed(db);
        await seed.ContentAsync("Novidades", "Oi {first_name}, temos novidades na loja esta semana.");
        await seed.CustomerAsync(Night);
        await seed.CustomerAsync(Night);
        await seed.ContactAsync(seed.NewNumber(), Night.AddDays(-100));

        var (progress, result) = await RunAsync(db, PlanMessagesJob.Key);

        Assert.Equal(2, result.Changed);
        Assert.Collection(
            progress.Readings,
            people => Assert.Equal(new ProgressReading(PlanMessagesJob.Evaluating, 3, null), people),
            queued => Assert.Equal(new ProgressReading(PlanMessagesJob.Queueing, 2, 2), queued));
    }

    [SkippableFact]
    public async Task ImportChats_ReportsFilesDoneOfThoseWaiting_AndTheRowsOfTheFile()
    {
        await using var db = await NewMigratedDatabaseAsync();
        foreach (var (name, text) in new[] { ("a.csv", "name,phone\nAna,(11) 98765-4321\nBruno,(21) 99876-5432\nCarla,(31) 99123-4567\n"), ("b.csv", "name,phone\nDora,(41) 99988-7766\nEdu,(51) 99777-6655\n") })
        {
            File.SetLastWriteTimeUtc(ImportTestKit.DropText(db, name, text), Night.UtcDateTime.AddHours(-1));
        }

        var (progress, _) = await RunAsync(db, ImportChatsJob.Key);

        Assert.Collection(
            progress.Readings,
            files => Assert.Equal(new ProgressReading(InboxProcessor.Files, 2, 2), files),
            rows => Assert.Equal(new ProgressReading(InboxProcessor.Reading, 2, null), rows));
    }

    [SkippableFact]
    public async Task ProcessInbound_ReportsTheInboundRowsApplied()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        for (var i = 0; i < 5; i++)
        {
            await seed.InboundAsync($"55119{8000_0000 + i}", "Oi, tudo bem?", Night.AddMinutes(-i));
        }

        var (progress, result) = await RunAsync(db, ProcessInboundJob.Key, "--Consent:InboundBatchSize=2");

        Assert.Equal(5, result.Scanned);
        Assert.Equal(new[] { new ProgressReading(ProcessInboundJob.Applying, 5, null) }, progress.Readings);
    }

    /// <summary>Runs a job as the runner would, handing it progress followed by a feed of the test's own.</summary>
    private static async Task<(JobProgress Progress, JobResult Result)> RunAsync(TestDatabase db, string jobKey, params string[] settings)
    {
        using var host = db.BuildHost(new FakeTimeProvider(Night), extraArgs: settings);
        var definition = host.Services.GetServices<JobDefinition>().Single(d => d.Key == jobKey);
        using var progress = new ProgressFeed().Begin(jobKey);
        await using var scope = host.Services.CreateAsyncScope();
        var job = (IVinculoJob)scope.ServiceProvider.GetRequiredService(definition.JobType);
        var result = await job.RunAsync(new JobRunContext(jobKey, 0, Night, "test") { Progress = progress }, CancellationToken.None);
        return (progress, result);
    }

    private static async Task InsertContactsAsync(TestDatabase db, IReadOnlyList<string> raws)
    {
        var dialect = SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot);
        await using var connection = await db.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var rows = raws.Select((raw, i) => new object?[] { "Cliente", raw, "unchecked", Night.AddDays(-1).AddSeconds(i), Night.AddDays(-1) }).ToList();
        await dialect.BulkWriteAsync(connection, transaction, Bench.PhoneBenchmark.ContactInsert, rows, CancellationToken.None);
        await transaction.CommitAsync();
    }
}

public sealed class SqliteProgressFeedTests(SqliteEngine engine) : ProgressFeedTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresProgressFeedTests(PostgresEngine engine) : ProgressFeedTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerProgressFeedTests(SqlServerEngine engine) : ProgressFeedTests(engine), IClassFixture<SqlServerEngine>;
