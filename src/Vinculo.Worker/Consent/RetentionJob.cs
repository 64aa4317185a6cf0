using System.Data.Common;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Vinculo.Data;
using Vinculo.Hosting;
using Vinculo.Import;
using Vinculo.Jobs;

namespace Vinculo.Consent;

/// <summary>
/// <c>retention</c> (SPEC section 4): carries out pending <c>erasure_requests</c>, oldest first, each in its own
/// transaction; then, when <c>Retention:AnonymizeInactiveAfterDays</c> is set, anonymises contacts without granted
/// consent and without any interaction for that long (without suppressing their number: they never asked to stop);
/// deletes raw webhook bodies normalised more than <c>Retention:WebhookPayloadDays</c> ago and <c>job_runs</c> rows older
/// than <c>Retention:JobRunsDays</c>; and, when <c>Import:ArchiveDays</c> is set, the import archive's old files.
/// </summary>
public sealed class RetentionJob(
    Database database,
    ErasureStore store,
    PersonEraser eraser,
    JobRunStore runs,
    IOptions<RetentionOptions> options,
    IOptions<ImportOptions> import,
    VinculoPaths paths) : IVinculoJob
{
    public const string Key = JobCatalog.Retention;
    public const string DefaultCron = "0 0 4 ? * SUN";

    private const int InactiveBatchSize = 1_000;

    public async Task<JobResult> RunAsync(JobRunContext context, CancellationToken cancellationToken)
    {
        var requests = await store.PendingRequestsAsync(cancellationToken);
        long done = 0;
        long failed = 0;
        long erased = 0;
        foreach (var request in requests)
        {
            var outcome = await eraser.CarryOutAsync(request, context.Now, cancellationToken);
            if (outcome.Found)
            {
                done++;
                erased += outcome.Contacts;
            }
            else
            {
                failed++;
            }
        }

        var anonymised = options.Value.AnonymizeInactiveAfterDays is { } days
            ? await AnonymiseInactiveAsync(context.Now.AddDays(-days), context.Now, cancellationToken)
            : 0;

        var payloads = await store.DeleteOldPayloadsAsync(context.Now.AddDays(-options.Value.WebhookPayloadDays), cancellationToken);
        var jobRuns = await runs.PruneAsync(context.Now.AddDays(-options.Value.JobRunsDays), cancellationToken);
        var archive = import.Value.ArchiveDays is { } archiveDays
            ? ArchivePruner.Prune(ImportChatsJob.InboxPath(import.Value, paths), context.Now.AddDays(-archiveDays))
            : new ArchivePruneResult(0, 0, 0);
        var detail = new Dictionary<string, object?>
        {
            ["webhook_payloads_deleted"] = payloads,
            ["webhook_payload_days"] = options.Value.WebhookPayloadDays,
            ["requests_done"] = done,
            ["requests_failed"] = failed,
            ["contacts_erased"] = erased,
            ["inactive_anonymised"] = anonymised,
            ["anonymize_inactive_after_days"] = options.Value.AnonymizeInactiveAfterDays,
            ["job_runs_deleted"] = jobRuns,
            ["job_runs_days"] = options.Value.JobRunsDays,
            ["archive_files_deleted"] = archive.FilesDeleted,
            ["archive_reports_deleted"] = archive.ReportsDeleted,
            ["archive_files_not_deleted"] = archive.Failed,
            ["archive_days"] = import.Value.ArchiveDays,
        };
        return new JobResult(requests.Count, erased + anonymised + payloads + jobRuns + archive.FilesDeleted, detail);
    }

    private async Task<long> AnonymiseInactiveAsync(DateTimeOffset before, DateTimeOffset now, CancellationToken cancellationToken)
    {
        long anonymised = 0;
        long after = 0;
        var eventDetail = JsonSerializer.Serialize(new { reason = "inactive" });
        while (true)
        {
            var ids = await store.InactiveAsync(after, InactiveBatchSize, before, cancellationToken);
            if (ids.Count == 0)
            {
                return anonymised;
            }

            await using var connection = await database.OpenAsync(cancellationToken);
            await using DbTransaction transaction = await connection.BeginTransactionAsync(cancellationToken);
            var rows = await store.EraseAsync(connection, transaction, ids, [], [], eventDetail, now, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            anonymised += rows.GetValueOrDefault("contacts");
            after = ids[^1];
        }
    }
}
