using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vinculo.Engines;
using Vinculo.Jobs;
using Vinculo.Privacy;
using static Vinculo.Import.ImportTestKit;

namespace Vinculo.Import;

/// <summary>Large contact CSVs and suppression lists commit in batches (<c>Import:CommitRows</c>) and resume after a crash, on every engine.</summary>
public abstract class ImportBatchesTests(EngineFixture engine) : EngineSuite(engine)
{
    private const string Header = "name,phone,external_ref,consent,consent_source,consent_at";

    /// <summary>The number whose owner writes "sair" while the big file imports: the file's first row, with consent.</summary>
    private const string OptingOut = "+5511970000000";

    [SkippableFact]
    public async Task OptOut_WhileA200kRowCsvImports_IsAppliedByProcessInbound_BeforeTheImportFinishes()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var expected = DropBigCsv(db, "clientes.csv", 200_000);
        await ExecuteAsync(db, "INSERT INTO inbound_messages (from_phone, body, received_at) VALUES (@from, 'SAIR', @at)", new { from = OptingOut.TrimStart('+'), at = Now.AddMinutes(-1) });

        using var host = db.BuildHost(new FakeTimeProvider(Now));
        var runner = host.Services.GetRequiredService<JobRunner>();
        var seen = new List<(long Records, JobRunStatus Inbound, long Contacts, long Processed)>();
        host.Services.GetRequiredService<InboxProcessor>().BatchCommitted = async (checkpoint, token) =>
        {
            if (seen.Count == 0)
            {
                // Between two batches, as the scheduler would fire it: the import holds no lock now.
                var inbound = await runner.RunAsync(JobCatalog.ProcessInbound, token);
                seen.Add((checkpoint.Records, inbound.Status, await CountAsync(db, "contacts"), await CountAsync(db, "inbound_messages", "processed_at IS NOT NULL")));
            }
            else
            {
                seen.Add((checkpoint.Records, JobRunStatus.Succeeded, 0, 0));
            }
        };

        var import = await runner.RunAsync(JobCatalog.ImportChats, CancellationToken.None);

        Assert.Equal(JobRunStatus.Succeeded, import.Status);
        var first = seen[0];
        Assert.Equal((10_000L, JobRunStatus.Succeeded, 9_990L, 1L), first);
        Assert.Equal(19, seen.Count);
        // The opt-out was recorded while 190,000 rows were still to come, and the rest of the file left it as it was.
        Assert.Equal(["revoked"], await QueryAsync<string>(db, "SELECT s.status FROM consents s JOIN contacts c ON c.contact_id = s.contact_id WHERE c.phone_e164 = @OptingOut", new { OptingOut }));
        Assert.Equal(1, await CountAsync(db, "suppression_list", "phone_hash = @hash", new { hash = PhoneHash.Of(OptingOut) }));
        await AssertImportedOnceAsync(db, expected);
    }

    [SkippableFact]
    public async Task CrashBetweenBatches_OfA200kRowCsv_ResumesWithoutDuplicates_AndCountsAsOneCleanRun()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var expected = DropBigCsv(db, "clientes.csv", 200_000);

        using (var host = db.BuildHost(new FakeTimeProvider(Now)))
        {
            using var stop = new CancellationTokenSource();
            host.Services.GetRequiredService<InboxProcessor>().BatchCommitted = async (checkpoint, token) =>
            {
                if (checkpoint.Records == 100_000)
                {
                    // The worker stops here, half-way through the file, as a SIGTERM or a dead process would leave it.
                    await stop.CancelAsync();
                    token.ThrowIfCancellationRequested();
                    stop.Token.ThrowIfCancellationRequested();
                }
            };
            var stopped = await host.Services.GetRequiredService<JobRunner>().RunAsync(JobCatalog.ImportChats, stop.Token);
            Assert.NotEqual(JobRunStatus.Succeeded, stopped.Status);
        }

        Assert.Equal(100_000 - expected.RejectedPer100k, await CountAsync(db, "contacts"));
        Assert.Equal([("importing", 100_000L)], await QueryAsync<(string, long)>(db, "SELECT outcome, rows_committed FROM import_files"));
        Assert.Single(Directory.EnumerateFiles(Inbox(db)));

        var resumed = await RunJobAsync(db, Now.AddMinutes(5));

        Assert.Equal(JobRunStatus.Succeeded, resumed.Status);
        Assert.Equal(expected.Created, resumed.Result!.Detail!["contacts_created"]);
        Assert.Equal(expected.Rejected, resumed.Result.Detail["rows_rejected"]);
        await AssertImportedOnceAsync(db, expected);
    }

    [SkippableFact]
    public async Task SuppressionList_FailingBetweenBatches_ResumesAndAddsEachNumberOnce()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var lines = Enumerable.Range(0, 5_000).Select(i => i % 700 == 3 ? "não é número" : $"(21) 9{80000000 + i:D8}").ToList();
        DropText(db, "nao-me-ligue.txt", string.Join("\n", lines), subfolder: "suppression");
        var settings = new[] { "--Import:CommitRows=1000" };

        using (var host = db.BuildHost(new FakeTimeProvider(Now), extraArgs: settings))
        {
            host.Services.GetRequiredService<InboxProcessor>().BatchCommitted = (checkpoint, token) =>
                checkpoint.Records >= 2_000 ? throw new Data.DatabaseUnavailableException("O banco caiu.", new TimeoutException()) : Task.CompletedTask;
            await host.Services.GetRequiredService<JobRunner>().RunAsync(JobCatalog.ImportChats, CancellationToken.None);
        }

        // A database failure leaves the file where it is, to be tried again.
        Assert.Equal(["nao-me-ligue.txt"], FilesIn(Path.Combine(Inbox(db), "suppression")));

        var committed = await CountAsync(db, "suppression_list");
        Assert.InRange(committed, 1_900, 2_000);

        var resumed = await RunJobAsync(db, Now.AddMinutes(5), settings);

        var rejected = lines.Count(line => line.StartsWith('n'));
        Assert.Equal(JobRunStatus.Succeeded, resumed.Status);
        Assert.Equal(5_000L - rejected, await CountAsync(db, "suppression_list"));
        Assert.Equal(
            [("archived", 0L, (long)rejected)],
            await QueryAsync<(string, long, long)>(db, "SELECT outcome, contacts_created, rows_rejected FROM import_files"));
        Assert.Equal((long)rejected, resumed.Result!.Detail!["rows_rejected"]);
    }

    [SkippableFact]
    public async Task SmallFile_CommitsOnce_WithoutAProgressRow()
    {
        await using var db = await NewMigratedDatabaseAsync();
        DropText(db, "poucos.csv", string.Join("\n", Header, "Ana,11 98765-4321,,sim,,", "Bia,11 97777-1111,,,,"));
        using var host = db.BuildHost(new FakeTimeProvider(Now));
        var batches = 0;
        host.Services.GetRequiredService<InboxProcessor>().BatchCommitted = (_, _) =>
        {
            batches++;
            return Task.CompletedTask;
        };

        await host.Services.GetRequiredService<JobRunner>().RunAsync(JobCatalog.ImportChats, CancellationToken.None);

        Assert.Equal(0, batches);
        Assert.Equal([("archived", 2L, (long?)null, (string?)null)], await QueryAsync<(string, long, long?, string?)>(db, "SELECT outcome, contacts_created, rows_committed, progress FROM import_files"));
    }

    [SkippableFact]
    public async Task CommitRows_OutOfRange_IsRefusedAtStart_NamingTheKey()
    {
        await using var db = await NewMigratedDatabaseAsync();

        var result = await db.CliAsync(["run", JobCatalog.ImportChats, "--Import:CommitRows=5"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Import:CommitRows: '5'", result.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// A contact CSV of <paramref name="rows"/> distinct people (every tenth with consent), with one unreadable row in
    /// each thousand (an unknown consent); its first row is <see cref="OptingOut"/>, with consent.
    /// </summary>
    private static BigCsv DropBigCsv(TestDatabase db, string name, int rows)
    {
        var text = new StringBuilder(rows * 48).Append(Header).Append('\n');
        var rejected = 0;
        for (var i = 0; i < rows; i++)
        {
            var consent = i % 1_000 == 500 ? "talvez" : i % 10 == 0 ? "sim" : "";
            rejected += consent == "talvez" ? 1 : 0;
            text.Append("Cliente ").Append(i).Append(",11 9").Append(70_000_000 + i).Append(",C-").Append(i).Append(',').Append(consent).Append(",,\n");
        }

        DropText(db, name, text.ToString());
        return new BigCsv(rows - rejected, rejected, rows / 10 - rejected, rejected / 2);
    }

    private static async Task AssertImportedOnceAsync(TestDatabase db, BigCsv expected)
    {
        Assert.Equal(expected.Created, await CountAsync(db, "contacts"));
        Assert.Equal(expected.Created, (await QueryAsync<long>(db, "SELECT COUNT(DISTINCT phone_e164) FROM contacts"))[0]);
        Assert.Equal(expected.Granted, await CountAsync(db, "consent_events", "event = 'granted'"));
        Assert.Equal(
            [("archived", expected.Created, 0L, expected.Rejected, (string?)null)],
            await QueryAsync<(string, long, long, long, string?)>(db, "SELECT outcome, contacts_created, contacts_updated, rows_rejected, progress FROM import_files"));
        Assert.Single(FilesIn(Path.Combine(Inbox(db), InboxFolder.Archive)), file => file.EndsWith(".csv", StringComparison.Ordinal));
    }

    /// <param name="RejectedPer100k">Unreadable rows among the first 100,000.</param>
    private sealed record BigCsv(long Created, long Rejected, long Granted, long RejectedPer100k);
}

public sealed class SqliteImportBatchesTests(SqliteEngine engine) : ImportBatchesTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresImportBatchesTests(PostgresEngine engine) : ImportBatchesTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerImportBatchesTests(SqlServerEngine engine) : ImportBatchesTests(engine), IClassFixture<SqlServerEngine>;
