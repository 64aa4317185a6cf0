using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Options;
using Vinculo.Hosting;
using Vinculo.Jobs;

namespace Vinculo.Import;

/// <summary>
/// <c>import-chats</c> (SPEC section 7): imports every file waiting in <c>Import:InboxPath</c> (chat exports, contact
/// CSVs, and suppression lists in its <c>suppression/</c> folder), one transaction per file. A database failure stops the
/// run (recorded as failed) with the file left in place for the next one; anything wrong with a file only sets that file aside.
/// </summary>
public sealed class ImportChatsJob(InboxProcessor processor, IOptions<ImportOptions> options, VinculoPaths paths) : IVinculoJob
{
    public const string Key = JobCatalog.ImportChats;
    public const string DefaultCron = "0 0/5 * * * ?";

    public async Task<JobResult> RunAsync(JobRunContext context, CancellationToken cancellationToken)
    {
        var inbox = new InboxFolder(InboxPath(options.Value, paths));
        Directory.CreateDirectory(inbox.Root);
        var tally = new ImportTally();
        var index = 0;
        var files = inbox.Pending().ToList();
        foreach (var (path, kind) in files)
        {
            context.Progress.Report(InboxProcessor.Files, index, files.Count);
            var report = await processor.ProcessAsync(inbox, path, kind, ++index, context.Now, waitForSettle: true, context.Progress, tally.Timings, cancellationToken);
            tally.Add(report);
            if (report.DatabaseFailure is { } failure)
            {
                // The database is down or busy: the other files would fail the same way. The run fails with the error itself.
                ExceptionDispatchInfo.Throw(failure);
            }
        }

        context.Progress.Report(InboxProcessor.Files, index, files.Count);

        return new JobResult(tally.Files, tally.Changed, tally.Detail());
    }

    /// <summary><c>Import:InboxPath</c>, relative to the data folder unless absolute.</summary>
    public static string InboxPath(ImportOptions options, VinculoPaths paths) => paths.Resolve(options.InboxPath);
}

/// <summary>The counters of one run, for <c>job_runs.detail</c> and the command line's summary.</summary>
public sealed class ImportTally
{
    private readonly List<string> rejections = [];

    /// <summary>Where chat exports' reading and writing time went (<c>timing_ms</c>; the two stages overlap).</summary>
    internal PhaseTimings Timings { get; } = new(ImportChatsJob.Key);

    public long Files { get; private set; }

    public long Archived { get; private set; }

    public long Quarantined { get; private set; }

    public long Skipped { get; private set; }

    public long Failed { get; private set; }

    public long UnmatchedChats { get; private set; }

    public long InteractionsAdded { get; private set; }

    public long ContactsCreated { get; private set; }

    public long ContactsUpdated { get; private set; }

    public long MentionedContactsCreated { get; private set; }

    public long ConsentsGranted { get; private set; }

    public long ConsentsRenewed { get; private set; }

    public long SuppressionsAdded { get; private set; }

    public long RowsRejected { get; private set; }

    /// <summary>Messages, rows and cards of people erased at their request: nothing of them stored.</summary>
    public long SkippedErased { get; private set; }

    /// <summary>1:1 chats with an erased person: deleted from the inbox instead of archived.</summary>
    public long ErasedChatsDeleted { get; private set; }

    public long Changed => InteractionsAdded + ContactsCreated + ContactsUpdated + ConsentsGranted + ConsentsRenewed + SuppressionsAdded;

    public void Add(FileReport report)
    {
        Files++;
        switch (report.Outcome)
        {
            case FileOutcome.Archived:
                Archived++;
                break;
            case FileOutcome.Quarantined:
                Quarantined++;
                break;
            case FileOutcome.Skipped:
                Skipped++;
                break;
            default:
                Failed++;
                break;
        }

        var counts = report.Counts;
        UnmatchedChats += counts.UnmatchedChat ? 1 : 0;
        InteractionsAdded += counts.InteractionsAdded;
        ContactsCreated += counts.ContactsCreated;
        ContactsUpdated += counts.ContactsUpdated;
        MentionedContactsCreated += counts.MentionedContactsCreated;
        ConsentsGranted += counts.ConsentsGranted;
        ConsentsRenewed += counts.ConsentsRenewed;
        SuppressionsAdded += counts.SuppressionsAdded;
        RowsRejected += counts.RowsRejected;
        SkippedErased += counts.SkippedErased;
        ErasedChatsDeleted += counts.ErasedChat ? 1 : 0;
        foreach (var rejection in counts.Rejections.Take(ImportCounts.MaxListedRejections - rejections.Count))
        {
            rejections.Add($"arquivo {Files}, {rejection}");
        }
    }

    public Dictionary<string, object?> Detail() => new()
    {
        ["files_archived"] = Archived,
        ["files_quarantined"] = Quarantined,
        ["files_skipped"] = Skipped,
        ["files_failed"] = Failed,
        ["chats_unmatched"] = UnmatchedChats,
        ["interactions_added"] = InteractionsAdded,
        ["contacts_created"] = ContactsCreated,
        ["contacts_created_from_mentions"] = MentionedContactsCreated,
        ["contacts_updated"] = ContactsUpdated,
        ["consents_granted"] = ConsentsGranted,
        ["consents_renewed"] = ConsentsRenewed,
        ["suppressions_added"] = SuppressionsAdded,
        ["rows_rejected"] = RowsRejected,
        ["skipped_erased"] = SkippedErased,
        ["erased_chats_deleted"] = ErasedChatsDeleted,
        ["rejections"] = rejections,
        ["timing_ms"] = Timings.Milliseconds(),
    };
}
