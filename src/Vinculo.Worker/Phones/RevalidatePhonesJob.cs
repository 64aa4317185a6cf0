using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Vinculo.Hosting;
using Vinculo.Jobs;

namespace Vinculo.Phones;

/// <summary>
/// <c>revalidate-phones</c> (SPEC section 3): classifies every number that needs it, in keyset batches
/// (reading and classifying the next batch while the previous one is written), then marks numbers
/// shared by several live contacts as duplicates of the oldest. <c>phone_raw</c> is never written.
/// </summary>
public sealed class RevalidatePhonesJob(PhoneStore store, PhoneClassifier classifier, IOptions<PhonesOptions> phones, IOptions<SchedulerOptions> scheduler) : IVinculoJob
{
    public const string Key = JobCatalog.RevalidatePhones;
    public const string DefaultCron = "0 0 2 * * ?";

    /// <summary>A sweep that rewrites at least this many contacts, and <see cref="LargeRewriteShare"/> of the base, rebuilds the number index rather than updating it.</summary>
    public const long LargeRewriteRows = 100_000;

    public const double LargeRewriteShare = 0.25;

    /// <summary>Contacts classified, of those due (counted when the first batch is full, else that batch is all of them).</summary>
    public static readonly ProgressStep Classifying = new("classifying", "contacts", "classificando", "contatos");

    /// <summary>Contacts marked duplicate of an older one, or released from such a mark.</summary>
    public static readonly ProgressStep MarkingDuplicates = new("marking duplicates", "contacts", "marcando duplicados", "contatos");

    public async Task<JobResult> RunAsync(JobRunContext context, CancellationToken cancellationToken)
    {
        var tally = new PhoneTally();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        // Also rebuilds the index a run that died in the middle of a large rewrite left dropped.
        await store.EnsureNumberIndexAsync(cancellationToken);
        Task<SortedDictionary<string, long>>? counting = null;
        try
        {
            await ClassifyAsync(context, classifier, tally, cancellationToken);
            tally.Phase("classify_and_write", watch);
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
                await store.EnsureNumberIndexAsync(CancellationToken.None);
                tally.Phase("rebuild_number_index", watch);
            }
        }

        SortedDictionary<string, long>? baseByStatus = null;
        if (counting is not null)
        {
            // Read before any duplicate mark is written; the duplicate pass then adjusts them with its own changes.
            baseByStatus = await counting;
            if (await store.AfterLargeRewriteAsync(cancellationToken))
            {
                tally.Phase("after_rewrite", watch);
            }
        }

        await MarkDuplicatesAsync(context, classifier, tally, cancellationToken);
        tally.Phase("duplicates", watch);
        if (baseByStatus is null)
        {
            baseByStatus = await store.CountByStatusAsync(cancellationToken);
            tally.Phase("count_by_status", watch);
        }
        else
        {
            tally.ApplyMoves(baseByStatus);
        }

        return new JobResult(tally.Scanned, tally.Changed, tally.Detail(PhoneClassifier.LibraryVersion, baseByStatus));
    }

    private async Task ClassifyAsync(JobRunContext context, PhoneClassifier classifier, PhoneTally tally, CancellationToken cancellationToken)
    {
        var options = phones.Value;
        var staleBefore = context.Now.AddDays(-options.RevalidateAfterDays);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var batches = Channel.CreateBounded<(CheckedPhones Classified, List<object?[]> DuplicateLinks)>(new BoundedChannelOptions(1) { SingleWriter = true });

        var producer = Task.Run(
            async () =>
            {
                try
                {
                    long after = 0;
                    long? due = null;
                    while (true)
                    {
                        var reading = System.Diagnostics.Stopwatch.GetTimestamp();
                        var candidates = await store.ReadCandidatesAsync(after, options.BatchSize, staleBefore, PhoneClassifier.LibraryVersion, stop.Token);
                        tally.Busy(PhoneTally.Reading, reading);
                        if (candidates.Count == 0)
                        {
                            break;
                        }

                        // The first batch tells how many are due: all of them, unless it is full; then they are counted, which only
                        // a full first batch pays for, as it also decides on a large rewrite.
                        if (after == 0)
                        {
                            due = candidates.Count == options.BatchSize ? await PrepareLargeRewriteAsync(staleBefore, tally, stop.Token) : candidates.Count;
                        }

                        after = candidates[^1].ContactId;
                        var classifying = System.Diagnostics.Stopwatch.GetTimestamp();
                        var batch = Recheck(candidates, classifier, context.Now, tally);
                        tally.Busy(PhoneTally.Classifying, classifying);
                        context.Progress.Report(Classifying, tally.Scanned, due);
                        await batches.Writer.WriteAsync(batch, stop.Token);
                    }

                    batches.Writer.Complete();
                }
                catch (Exception e)
                {
                    batches.Writer.Complete(e);
                }
            },
            CancellationToken.None);

        try
        {
            // Batches hold disjoint rows: engines that take several writers at once get them.
            await Parallel.ForEachAsync(
                batches.Reader.ReadAllAsync(stop.Token),
                new ParallelOptions { MaxDegreeOfParallelism = store.ConcurrentWriters, CancellationToken = stop.Token },
                async (batch, token) =>
                {
                    var writing = System.Diagnostics.Stopwatch.GetTimestamp();
                    await store.WriteBatchAsync(batch.Classified, batch.DuplicateLinks, token);
                    Hosting.Failpoints.Hit("phones.after_write");
                    tally.Busy(PhoneTally.Writing, writing);
                });
        }
        finally
        {
            await stop.CancelAsync();
            await producer;
        }
    }

    /// <summary>Drops the number index when this run rewrites a large part of the base (the caller builds it again).</summary>
    /// <returns>How many contacts are due for a check.</returns>
    private async Task<long> PrepareLargeRewriteAsync(DateTimeOffset staleBefore, PhoneTally tally, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var (live, candidates) = await store.CountCandidatesAsync(staleBefore, PhoneClassifier.LibraryVersion, cancellationToken);
        if (candidates >= phones.Value.LargeRewriteRows && candidates >= live * LargeRewriteShare)
        {
            await store.DropNumberIndexAsync(cancellationToken);
            tally.RebuiltNumberIndex = true;
        }

        tally.Phase("count", watch);
        return candidates;
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
    private async Task MarkDuplicatesAsync(JobRunContext context, PhoneClassifier classifier, PhoneTally tally, CancellationToken cancellationToken)
    {
        var batchSize = phones.Value.BatchSize;
        var marks = new List<object?[]>();
        var promotions = new List<PhoneCandidate>();
        context.Progress.Report(MarkingDuplicates, 0);
        await foreach (var (row, oldest) in store.ReadDuplicateChangesAsync(cancellationToken))
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

        promotions.AddRange(await store.ReadOrphanDuplicatesAsync(cancellationToken));
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

    private readonly Dictionary<string, double> seconds = [];

    public const int Reading = 0;
    public const int Classifying = 1;
    public const int Writing = 2;

    /// <summary>Elapsed ticks spent reading, classifying and writing batches; they overlap (the writer works while the next batch is read).</summary>
    private readonly long[] busy = new long[3];

    /// <summary>Adds the time since <paramref name="started"/> (a <see cref="System.Diagnostics.Stopwatch"/> timestamp) to a stage; safe from several writers.</summary>
    public void Busy(int stage, long started) => Interlocked.Add(ref busy[stage], System.Diagnostics.Stopwatch.GetTimestamp() - started);

    private Dictionary<string, double> BusySeconds() => new()
    {
        ["read"] = Math.Round((double)busy[Reading] / System.Diagnostics.Stopwatch.Frequency, 3),
        ["classify"] = Math.Round((double)busy[Classifying] / System.Diagnostics.Stopwatch.Frequency, 3),
        ["write"] = Math.Round((double)busy[Writing] / System.Diagnostics.Stopwatch.Frequency, 3),
    };

    /// <summary>Records the time since the last phase (where a sweep's time goes, in <c>job_runs.detail</c>).</summary>
    public void Phase(string name, System.Diagnostics.Stopwatch watch)
    {
        seconds[name] = Math.Round(watch.Elapsed.TotalSeconds, 3);
        watch.Restart();
    }

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
        ["phase_seconds"] = seconds,
        ["busy_seconds"] = BusySeconds(),
    };
}
