using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Vinculo.Hosting;
using Vinculo.Jobs;

namespace Vinculo.Phones;

/// <summary>
/// <c>revalidate-phones</c> (SPEC section 3): classifies every number that needs it, in keyset batches
/// (reading and classifying the next batch while the previous one is written), then marks numbers
/// shared by several live contacts as duplicates of the oldest. <c>phone_raw</c> is never written.
/// </summary>
public sealed class RevalidatePhonesJob(PhoneStore store, JobRunStore runs, PhoneClassifier classifier, IOptions<PhonesOptions> phones, IOptions<SchedulerOptions> scheduler) : IVinculoJob
{
    public const string Key = JobCatalog.RevalidatePhones;
    public const string DefaultCron = "0 0 2 * * ?";

    /// <summary>A sweep that rewrites at least this many contacts, and <see cref="LargeRewriteShare"/> of the base, rebuilds the number index rather than updating it.</summary>
    public const long LargeRewriteRows = 100_000;

    public const double LargeRewriteShare = 0.25;

    /// <summary>
    /// How long before the last successful run's start an incremental duplicate pass also looks: another job (an import)
    /// stamps the rows it classifies with its own start, and may write them after that run had marked its duplicates.
    /// Shorter than a day, so that a daily run does not read again the checks of the run before the last.
    /// </summary>
    public static readonly TimeSpan ConcurrentCheckMargin = TimeSpan.FromHours(12);

    /// <summary>An incremental duplicate pass looks at up to a thirtieth of the base, and at least this many rows (a small base).</summary>
    public const int IncrementalDuplicatesFloor = 10_000;

    public const int IncrementalDuplicatesShare = 30;

    /// <summary>Contacts classified, of those due (counted when the first batch is full, else that batch is all of them).</summary>
    public static readonly ProgressStep Classifying = new("classifying", "contacts", "classificando", "contatos");

    /// <summary>Contacts marked duplicate of an older one, or released from such a mark.</summary>
    public static readonly ProgressStep MarkingDuplicates = new("marking duplicates", "contacts", "marcando duplicados", "contatos");

    public async Task<JobResult> RunAsync(JobRunContext context, CancellationToken cancellationToken)
    {
        var tally = new PhoneTally();
        var lap = tally.Phases.Start();
        // Also rebuilds the indexes a run that died in the middle of a large rewrite left dropped.
        await store.EnsureRebuiltIndexesAsync(cancellationToken);
        Task<SortedDictionary<string, long>>? counting = null;
        try
        {
            await ClassifyAsync(context, classifier, tally, cancellationToken);
            lap = tally.Phases.Add("classify_and_write", lap);
            if (tally.RebuiltNumberIndex)
            {
                // The base's counts, read on another connection while the index is built on one core.
                counting = store.CountByStatusAsync(cancellationToken);
            }
        }
        finally
        {
            if (tally.RebuiltNumberIndex)
            {
                // Not cancellable: the duplicate pass and every other job need the index back.
                await store.EnsureRebuiltIndexesAsync(CancellationToken.None);
                lap = tally.Phases.Add("rebuild_number_index", lap);
            }
        }

        SortedDictionary<string, long>? baseByStatus = null;
        if (counting is not null)
        {
            // Read before any duplicate mark is written; the duplicate pass then adjusts them with its own changes.
            baseByStatus = await counting;
            if (await store.AfterLargeRewriteAsync(cancellationToken))
            {
                lap = tally.Phases.Add("after_rewrite", lap);
            }
        }

        await MarkDuplicatesAsync(context, classifier, tally, cancellationToken);
        lap = tally.Phases.Add("duplicates", lap);
        if (baseByStatus is null)
        {
            baseByStatus = await store.CountByStatusAsync(cancellationToken);
            tally.Phases.Add("count_by_status", lap);
        }
        else
        {
            tally.ApplyMoves(baseByStatus);
        }

        return new JobResult(tally.Scanned, tally.Changed, tally.Detail(PhoneClassifier.LibraryVersion, baseByStatus));
    }

    private async Task ClassifyAsync(JobRunContext context, PhoneClassifier classifier, PhoneTally tally, CancellationToken cancellationToken)
    {
        var staleBefore = context.Now.AddDays(-phones.Value.RevalidateAfterDays);
        // Batches hold disjoint rows: engines that take several writers at once get them.
        await new BatchPipeline(buffer: 1, tally.Busy)
            .Read(token => CheckedBatchesAsync(context, classifier, staleBefore, tally, token))
            .WriteAsync(
                async (batch, token) =>
                {
                    await store.WriteBatchAsync(batch.Classified, batch.DuplicateLinks, token);
                    Hosting.Failpoints.Hit("phones.after_write");
                },
                cancellationToken,
                phase: PhoneTally.Writing,
                writers: store.ConcurrentWriters);
    }

    /// <summary>
    /// The contacts due for a check, classified as they come (one task: see <see cref="Recheck"/>). They are counted first,
    /// from an index of check times (cheap when few are due). A large rewrite reads the base in keyset batches, with the
    /// indexes every checked row would update dropped; a run with at most <see cref="DueIdLimit"/> due (a night's edits and
    /// stale checks) reads their ids from that index and the rows by id, without reading the rest of the base.
    /// </summary>
    private async IAsyncEnumerable<(CheckedPhones Classified, List<object?[]> DuplicateLinks)> CheckedBatchesAsync(
        JobRunContext context, PhoneClassifier classifier, DateTimeOffset staleBefore, PhoneTally tally, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var options = phones.Value;
        var version = PhoneClassifier.LibraryVersion;
        var counting = tally.Phases.Start();
        var (live, due) = await store.CountCandidatesAsync(staleBefore, version, cancellationToken);
        tally.Live = live;
        if (due >= options.LargeRewriteRows && due >= live * LargeRewriteShare)
        {
            await store.PrepareLargeRewriteAsync(cancellationToken);
            tally.RebuiltNumberIndex = true;
        }

        tally.Phases.Add("count", counting);
        context.Progress.Report(Classifying, 0, due);
        if (!tally.RebuiltNumberIndex && due <= DueIdLimit)
        {
            tally.CandidatesFrom = PhoneTally.FromDueIndex;
            if (due == 0)
            {
                yield break;
            }

            var reading = tally.Busy.Start();
            var ids = await store.ReadDueIdsAsync(staleBefore, version, cancellationToken);
            tally.Busy.Add(PhoneTally.Reading, reading);
            for (var first = 0; first < ids.Count; first += options.BatchSize)
            {
                reading = tally.Busy.Start();
                var candidates = await store.ReadCandidatesAsync(ids.GetRange(first, Math.Min(options.BatchSize, ids.Count - first)), staleBefore, version, cancellationToken);
                tally.Busy.Add(PhoneTally.Reading, reading);
                if (candidates.Count > 0)
                {
                    yield return Classified(candidates, context, classifier, tally, due);
                }
            }

            yield break;
        }

        long after = 0;
        while (true)
        {
            var reading = tally.Busy.Start();
            var candidates = await store.ReadCandidatesAsync(after, options.BatchSize, staleBefore, version, cancellationToken);
            tally.Busy.Add(PhoneTally.Reading, reading);
            if (candidates.Count == 0)
            {
                yield break;
            }

            after = candidates[^1].ContactId;
            yield return Classified(candidates, context, classifier, tally, due);
        }
    }

    /// <summary>How many due contacts a run reads by id at most (their ids, 8 bytes each, are held for the run); more are read in keyset batches.</summary>
    public const int DueIdLimit = 1_000_000;

    private (CheckedPhones Classified, List<object?[]> DuplicateLinks) Classified(
        List<PhoneCandidate> candidates, JobRunContext context, PhoneClassifier classifier, PhoneTally tally, long due)
    {
        var classifying = tally.Busy.Start();
        var batch = Recheck(candidates, classifier, context.Now, tally);
        tally.Busy.Add(PhoneTally.Classifying, classifying);
        context.Progress.Report(Classifying, tally.Scanned, due);
        return batch;
    }

    /// <summary>
    /// Classifies a batch and returns the rows to write: every candidate (its check time moves
    /// even when nothing changed), and the few whose duplicate link changes.
    /// </summary>
    private (CheckedPhones Classified, List<object?[]> DuplicateLinks) Recheck(List<PhoneCandidate> candidates, PhoneClassifier classifier, DateTimeOffset now, PhoneTally tally)
    {
        // One thread: the writer needs the other core more than classification (about a million a second) does.
        var fallbackZone = scheduler.Value.TimeZone;
        var rows = new CheckedPhones(now, PhoneClassifier.LibraryVersion, candidates.Count);
        var links = new List<object?[]>();
        foreach (var candidate in candidates)
        {
            var stored = candidate.Stored;
            var next = PhoneRecheck.Apply(stored, classifier.Classify(candidate.Raw), candidate.RawChanged, fallbackZone);
            var changed = next != stored;
            tally.Count(next.Status, changed);
            var updatedAt = changed ? now : candidate.UpdatedAt;
            rows.Add(candidate.ContactId, next, updatedAt);
            if (next.DuplicateOf != stored.DuplicateOf)
            {
                links.Add(DuplicateRow(candidate.ContactId, next, updatedAt));
            }
        }

        return (rows, links);
    }

    private static object?[] DuplicateRow(long contactId, StoredPhone phone, DateTimeOffset updatedAt) =>
        [contactId, phone.Status, phone.DuplicateOf, updatedAt];

    /// <summary>
    /// Among live contacts sharing one number, the oldest (by <c>created_at</c>, then id) keeps its status and
    /// the others point to it. A contact left marked duplicate of nobody (the oldest was erased or changed
    /// number) is classified afresh, so the next oldest takes over with its own status.
    /// </summary>
    /// <remarks>
    /// After a run that read the base in keyset batches, or when the last successful run cannot be told, every number held
    /// twice is grouped. Otherwise only the numbers whose groups may have changed since that run (see
    /// <see cref="PhoneStore.ReadTouchedAsync"/>): a night's edits, not the whole number index.
    /// </remarks>
    private async Task MarkDuplicatesAsync(JobRunContext context, PhoneClassifier classifier, PhoneTally tally, CancellationToken cancellationToken)
    {
        var batchSize = phones.Value.BatchSize;
        var marks = new List<object?[]>();
        var promotions = new List<PhoneCandidate>();
        context.Progress.Report(MarkingDuplicates, 0);
        var scope = tally.CandidatesFrom == PhoneTally.FromDueIndex ? await IncrementalScopeAsync(context, tally, cancellationToken) : null;
        tally.DuplicatesFrom = scope is null ? PhoneTally.FromBase : PhoneTally.FromChanges;
        tally.DuplicateNumbersRead = scope?.Numbers.Count;
        var changes = scope is null
            ? store.ReadDuplicateChangesAsync(cancellationToken)
            : (await store.ReadDuplicateChangesAsync(scope.Numbers, cancellationToken)).ToAsyncEnumerable();
        await foreach (var (row, oldest) in changes)
        {
            if (row.ContactId == oldest)
            {
                promotions.Add(row);
                continue;
            }

            marks.Add([row.ContactId, PhoneStatuses.Duplicate, oldest, context.Now]);
            tally.Duplicates++;
            tally.Move(row.Status, PhoneStatuses.Duplicate);
            if (marks.Count >= batchSize)
            {
                await store.WriteDuplicatesAsync(marks, cancellationToken);
                marks.Clear();
                context.Progress.Report(MarkingDuplicates, tally.Duplicates);
            }
        }

        await store.WriteDuplicatesAsync(marks, cancellationToken);

        promotions.AddRange(scope is null
            ? await store.ReadOrphanDuplicatesAsync(cancellationToken)
            : await store.ReadNumberlessDuplicatesAsync(scope.Numberless, cancellationToken));
        var fallbackZone = scheduler.Value.TimeZone;
        // A fresh classification, without the duplicate mark the recheck would keep.
        var released = promotions
            .Select(p => (p.ContactId, Phone: PhoneRecheck.Apply(p.Stored with { Status = PhoneStatuses.Unchecked }, classifier.Classify(p.Raw), p.RawChanged, fallbackZone)))
            .ToList();
        var classified = new CheckedPhones(context.Now, PhoneClassifier.LibraryVersion);
        foreach (var (contactId, phone) in released)
        {
            classified.Add(contactId, phone, context.Now);
            tally.Move(PhoneStatuses.Duplicate, phone.Status);
        }

        await store.WriteClassificationsAsync(classified, cancellationToken);
        await store.WriteDuplicatesAsync([.. released.Select(r => DuplicateRow(r.ContactId, r.Phone, context.Now))], cancellationToken);
        tally.Promoted += released.Count;
        context.Progress.Report(MarkingDuplicates, tally.Duplicates + tally.Promoted);
    }

    /// <summary>
    /// What changed since the last successful run, or null when a full pass is needed: no such run, a clock that went back
    /// (every run since must have started later), or more rows checked since than a thirtieth of the base (at least
    /// <see cref="IncrementalDuplicatesFloor"/>, at most <see cref="DueIdLimit"/>).
    /// </summary>
    /// <remarks>
    /// An incremental pass costs about 40 µs per number (SQLite, 1M base: 7,983 numbers in 0.35 s, reading the rows checked
    /// since included); grouping the whole number index took 1.2 s at 1M and 17 s at 10M: past about a thirtieth of the
    /// base the full pass is the cheaper.
    /// </remarks>
    private async Task<DuplicateScope?> IncrementalScopeAsync(JobRunContext context, PhoneTally tally, CancellationToken cancellationToken)
    {
        var since = await runs.LastSucceededStartAsync(Key, cancellationToken);
        if (since is not { } last || last >= context.Now)
        {
            return null;
        }

        var limit = (int)Math.Min(DueIdLimit, Math.Max(IncrementalDuplicatesFloor, tally.Live / IncrementalDuplicatesShare));
        return await store.ReadTouchedAsync(last - ConcurrentCheckMargin, last, PhoneClassifier.LibraryVersion, limit, cancellationToken);
    }
}

/// <summary>Counters of one run (updated from one thread at a time: the producer, then the duplicate pass).</summary>
internal sealed class PhoneTally
{
    private readonly SortedDictionary<string, long> byStatus = new(StringComparer.Ordinal);
    private long reclassified;

    public long Scanned { get; private set; }

    public long Changed => reclassified + Duplicates + Promoted;

    public long Duplicates { get; set; }

    public long Promoted { get; set; }

    public bool RebuiltNumberIndex { get; set; }

    /// <summary>Live contacts when the run began.</summary>
    public long Live { get; set; }

    /// <summary>Where the run found the contacts it checked: <see cref="FromBase"/> (keyset batches of the base) or <see cref="FromDueIndex"/>.</summary>
    public string CandidatesFrom { get; set; } = FromBase;

    public const string FromBase = "contacts";
    public const string FromDueIndex = "check_due_index";

    /// <summary>Where the duplicate pass found the numbers it grouped: <see cref="FromBase"/> (every number held twice) or <see cref="FromChanges"/>.</summary>
    public string DuplicatesFrom { get; set; } = FromBase;

    public const string FromChanges = "changes_since_last_run";

    /// <summary>The numbers an incremental duplicate pass read (null for a full pass).</summary>
    public int? DuplicateNumbersRead { get; set; }

    public const string Reading = "read";
    public const string Classifying = "classify";
    public const string Writing = "write";

    public PhoneTally()
    {
        Busy.Include(Reading);
        Busy.Include(Classifying);
        Busy.Include(Writing);
    }

    /// <summary>The sweep's phases, one after the other (where its time goes, in <c>job_runs.detail</c>).</summary>
    public PhaseTimings Phases { get; } = new(JobCatalog.RevalidatePhones);

    /// <summary>Time spent reading, classifying and writing batches; they overlap (the writer works while the next batch is read).</summary>
    public PhaseTimings Busy { get; } = new(JobCatalog.RevalidatePhones);

    private readonly Dictionary<string, long> moves = new(StringComparer.Ordinal);

    /// <summary>A status change made by the duplicate pass, for counts read before it (<see cref="ApplyMoves"/>).</summary>
    public void Move(string from, string to)
    {
        moves[from] = moves.GetValueOrDefault(from) - 1;
        moves[to] = moves.GetValueOrDefault(to) + 1;
    }

    /// <summary>Brings counts read before the duplicate pass up to date with its changes.</summary>
    public void ApplyMoves(SortedDictionary<string, long> counts)
    {
        foreach (var (status, delta) in moves)
        {
            var count = counts.GetValueOrDefault(status) + delta;
            if (count == 0)
            {
                counts.Remove(status);
            }
            else
            {
                counts[status] = count;
            }
        }
    }

    public void Count(string status, bool rowChanged)
    {
        Scanned++;
        if (rowChanged)
        {
            reclassified++;
        }

        byStatus[status] = byStatus.GetValueOrDefault(status) + 1;
    }

    public Dictionary<string, object?> Detail(string libraryVersion, IReadOnlyDictionary<string, long> baseByStatus) => new()
    {
        ["checked_by_status"] = byStatus,
        ["reclassified_changed"] = reclassified,
        ["marked_duplicate"] = Duplicates,
        ["duplicate_released"] = Promoted,
        ["base_by_status"] = baseByStatus,
        ["library_version"] = libraryVersion,
        ["rebuilt_number_index"] = RebuiltNumberIndex,
        ["candidates_from"] = CandidatesFrom,
        ["duplicates_from"] = DuplicatesFrom,
        ["duplicate_numbers_read"] = DuplicateNumbersRead,
        ["phase_seconds"] = Phases.Seconds(),
        ["busy_seconds"] = Busy.Seconds(),
    };
}
