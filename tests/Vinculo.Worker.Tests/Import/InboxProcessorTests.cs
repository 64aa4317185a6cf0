using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vinculo.Engines;
using Vinculo.Jobs;
using static Vinculo.Import.ImportTestKit;

namespace Vinculo.Import;

/// <summary>What happens to a file when the database, not the file, is the problem.</summary>
public sealed class InboxProcessorTests(SqliteEngine engine) : IClassFixture<SqliteEngine>
{
    [Fact]
    public async Task DatabaseUnreachable_LeavesTheFileWhereItIs_ForTheNextRun()
    {
        await using var db = await engine.CreateDatabaseAsync();
        var notAFolder = Path.Combine(db.ContentRoot, "not-a-folder");
        await File.WriteAllTextAsync(notAFolder, "");
        using var host = db.BuildHost(new FakeTimeProvider(Now), extraArgs: [$"--Database:ConnectionString=Data Source={Path.Combine(notAFolder, "vinculo.db")}"]);
        var path = Drop(db, Path.Combine(SamplesFolder, "Conversa do WhatsApp com +55 11 98765-4321.txt"));
        var inbox = new InboxFolder(Inbox(db));

        var report = await host.Services.GetRequiredService<InboxProcessor>().ProcessAsync(inbox, path, null, 1, Now, waitForSettle: true, JobProgress.None, CancellationToken.None);

        Assert.Equal(FileOutcome.Failed, report.Outcome);
        Assert.Contains("banco de dados", report.Reason, StringComparison.Ordinal);
        Assert.True(File.Exists(path));
        Assert.False(Directory.Exists(Path.Combine(inbox.Root, InboxFolder.Archive)));
        Assert.False(Directory.Exists(Path.Combine(inbox.Root, InboxFolder.Quarantine)));
    }
}
