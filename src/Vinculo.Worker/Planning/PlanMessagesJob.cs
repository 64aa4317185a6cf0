using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinculo.Consent;
using Vinculo.Hosting;
using Vinculo.Jobs;

namespace Vinculo.Planning;

/// <summary>
/// <c>plan-messages</c> (SPEC section 5): for the next send day, streams the people of the base (one per phone number)
/// in keyset batches, keeps those who may be messaged (fresh consent at their send instant, not suppressed, outside
/// the rolling cap), learns their habitual hour, picks each one's most relevant content, keeps the day's best under
/// the effective daily limit (<c>Messaging:DailyLimit</c>, lowered by the tier Meta reports and by a FLAGGED number),
/// and queues them in one insert. Reading the next batch overlaps evaluating the
/// previous one. Planning the same day again adds nothing: everyone already queued is within the cap, the limit
/// counts what is planned, and a unique key on (number, day) backs both.
/// </summary>
public sealed class PlanMessagesJob(
    PlanStore store,
    Dispatch.SenderHealthStore senderHealth,
    IOptions<MessagingOptions> messaging,
    IOptions<Dispatch.DispatchOptions> dispatch,
    IOptions<ConsentOptions> consent,
    IOptions<SchedulerOptions> scheduler,
    ILogger<PlanMessagesJob> logger) : IVinculoJob
{
    public const string Key = JobCatalog.PlanMessages;
    public const string DefaultCron = "0 0 3 * * ?";

    /// <summary>People (numbers) decided on; how many there are is not counted (another scan of the base).</summary>
    public static readonly ProgressStep Evaluating = new("evaluating", "people", "avaliando", "pessoas");

    /// <summary>The night's chosen messages, written in one insert.</summary>
    public static readonly ProgressStep Queueing = new("queueing", "messages", "enfileirando", "mensagens");

    public async Task<JobResult> RunAsync(JobRunContext context, CancellationToken cancellationToken)
    {
        var options = messaging.Value;
        var window = options.ParseWindow();
        var businessZone = scheduler.Value.TimeZoneInfo;
        var now = context.Now;
        var day = PlanDay.For(window, businessZone, now);
        var tally = new PlanTally(day, options);
        var started = tally.Timings.Start();

        var renderer = new MessageRenderer(options.OptOutFooter);
        var contents = await ReadContentsAsync(day, renderer, tally, cancellationToken);
        var (dayStart, dayEnd) = PlanDay.Bounds(day, businessZone);
        tally.AlreadyPlanned = await store.CountPlannedAsync(day, dayStart, dayEnd, cancellationToken);
        tally.DailyLimit = (await senderHealth.StateAsync(cancellationToken)).EffectiveDailyLimit(options.DailyLimit, dispatch.Value.FlaggedShare);
        tally.Timings.Add("contents", started);

        var scorer = new RelevanceScorer(options.Weights);
        var zones = new ZoneResolver(businessZone);
        var planner = new NightPlanner(
            window, scorer, options.HourOptions, zones.Resolve, contents,
            options.FrequencyCapDays, consent.Value.MaxIdleDays, options.MinRelevance, day, now);
        var selection = new DailySelection((int)Math.Max(0, tally.DailyLimit - tally.AlreadyPlanned), renderer);
        await StreamAsync(planner, selection, tally, options.BatchSize, now, context.Progress, cancellationToken);
        tally.UnknownZones = zones.Unknown;
        tally.Selected(selection);

        var inserting = tally.Timings.Start();
        var rows = selection.Chosen.Select(m => QueueRow(m, scorer, now)).ToList();
        context.Progress.Report(Queueing, 0, rows.Count);
        var (inserted, cancelled) = await store.InsertPlanAsync(rows, day, now, cancellationToken);
        context.Progress.Report(Queueing, rows.Count, rows.Count);
        tally.Queued = inserted - cancelled;
        tally.CancelledSuppressed = cancelled;
        tally.Timings.Add("insert", inserting);
        tally.Timings.Add("total", started);

        PlanningLog.Planned(logger, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), tally.Queued, tally.Eligible, tally.Scanned, tally.Timings["total"]);
        return new JobResult(tally.Scanned, tally.Queued, tally.Detail());
    }

    /// <summary>
    /// The contents that may go out on <paramref name="day"/> somewhere (the exact validity is checked per send
    /// instant); a content whose body cannot be sent to anyone is skipped and named in the run's detail.
    /// </summary>
    private async Task<List<PlanContent>> ReadContentsAsync(DateOnly day, MessageRenderer renderer, PlanTally tally, CancellationToken cancellationToken)
    {
        var (from, to) = PlanDay.AnyZoneBounds(day);
        var contents = new List<PlanContent>();
        foreach (var row in await store.ReadContentsAsync(from, to, cancellationToken))
        {
            if (MessageRenderer.Check(row.Body) is { } problem)
            {
                tally.SkippedContents.Add(new SkippedContent(row.ContentId, row.Name, problem));
                PlanningLog.ContentSkipped(logger, row.ContentId, problem);
                continue;
            }

            var usesProduct = renderer.Render(row.Body, null, null).Failure == RenderFailure.MissingProduct;
            contents.Add(new PlanContent(
                row.ContentId, row.Name, new PlannableContent(row.ContentId, row.Category, row.Priority, row.Body!), row.StartsAt, row.EndsAt, usesProduct));
        }

        tally.ContentsConsidered = contents.Count;
        return contents;
    }

    /// <summary>Batches whose signals are read at once, each on its own connection: the reads are most of a night's planning.</summary>
    private const int SignalReaders = 2;

    /// <summary>
    /// A pipeline of four stages, each on its own task (the signals on <see cref="SignalReaders"/>), one batch at most
    /// waiting between two of them (memory stays flat): read the next people, read their signals, decide for each person,
    /// write the hours learned. The reads of one batch overlap the decisions on another; the order in which batches are
    /// decided does not matter (the day's selection keeps the best by score, then contact id, whatever the order).
    /// </summary>
    private async Task StreamAsync(
        NightPlanner planner, DailySelection selection, PlanTally tally, int batchSize, DateTimeOffset now, JobProgress progress, CancellationToken cancellationToken)
    {
        var hours = new List<object?[]>();
        await new BatchPipeline(buffer: 1, tally.Timings)
            .Read(token => ReadPeopleAsync(batchSize, token), phase: "read_people")
            .Then(
                async (read, token) => (read.People, WithConsent: await store.ReadSignalsAsync(
                    read.After, read.People[^1].ContactId, read.People.Where(p => !p.Suppressed).ToList(), planner.Windows, planner.ContentIds, tally.Timings, token)),
                phase: "read_signals",
                workers: SignalReaders)
            .Then(batch => Evaluate(batch.People, batch.WithConsent), phase: "evaluate")
            .WriteAsync(
                async (learned, token) =>
                {
                    hours.AddRange(learned);
                    if (hours.Count >= batchSize)
                    {
                        tally.HoursStored += await store.WritePreferredHoursAsync(hours, token);
                        hours.Clear();
                    }
                },
                cancellationToken,
                phase: "write_hours",
                completed: async token => tally.HoursStored += await store.WritePreferredHoursAsync(hours, token));

        // The hours learned from a batch of people, whom it counts, and offers their candidates to the day's selection.
        List<object?[]> Evaluate(List<PlanPerson> people, List<PlanPerson> withConsent)
        {
            tally.Scanned += people.Count;
            var suppressed = people.Count(p => p.Suppressed);
            tally.Count(PlanOutcome.Suppressed, suppressed);
            tally.Count(PlanOutcome.NoConsent, people.Count - suppressed - withConsent.Count);
            var learned = new List<object?[]>();
            foreach (var person in withConsent)
            {
                var decision = planner.Decide(person);
                tally.Count(decision.Outcome, 1);
                if (decision.HourToStore is { } hour)
                {
                    learned.Add([person.ContactId, hour, now]);
                }

                if (decision.Candidate is { } candidate)
                {
                    selection.Offer(candidate);
                }
            }

            progress.Report(Evaluating, tally.Scanned);
            return learned;
        }
    }

    /// <summary>The people of the base in keyset batches, each with the id the batch starts after.</summary>
    private async IAsyncEnumerable<(long After, List<PlanPerson> People)> ReadPeopleAsync(int batchSize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        long after = 0;
        while (true)
        {
            var people = await store.ReadPeopleAsync(after, batchSize, cancellationToken);
            if (people.Count == 0)
            {
                yield break;
            }

            yield return (after, people);
            after = people[^1].ContactId;
        }
    }

    private static object?[] QueueRow(PlannedMessage message, RelevanceScorer scorer, DateTimeOffset now)
    {
        var candidate = message.Candidate;
        return
        [
            candidate.Person.ContactId, candidate.Content.ContentId, candidate.Person.Phone, candidate.At, candidate.Score.Total,
            scorer.ToJson(candidate.Score), message.Body, TemplateParameters(candidate), MessageStatuses.Queued, candidate.Day, now, now,
        ];
    }

    /// <summary>The values filled into the body, as the template's named parameters (SPEC section 5), for the dispatcher.</summary>
    private static string? TemplateParameters(PlanCandidate candidate)
    {
        var values = MessageRenderer.TemplateValues(candidate.Content.Plannable.Body, candidate.Person.Name, candidate.Person.LastProduct);
        return values is null ? null : TemplateParametersJson.Write(values);
    }
}

/// <summary>The run's counters and timings, and the <c>job_runs.detail</c> they make.</summary>
internal sealed class PlanTally(DateOnly day, MessagingOptions options)
{
    private readonly long[] outcomes = new long[Enum.GetValues<PlanOutcome>().Length];
    private DailySelection? selection;

    /// <summary>Where the run's time goes (<c>timing_ms</c>); the pipeline's stages overlap.</summary>
    public PhaseTimings Timings { get; } = new(JobCatalog.PlanMessages);

    public long Scanned { get; set; }

    public long AlreadyPlanned { get; set; }

    /// <summary>The day's limit: <c>Messaging:DailyLimit</c>, or less when Meta's tier or a FLAGGED number says so.</summary>
    public int DailyLimit { get; set; } = options.DailyLimit;

    public int ContentsConsidered { get; set; }

    public List<SkippedContent> SkippedContents { get; } = [];

    public long HoursStored { get; set; }

    public int UnknownZones { get; set; }

    public long Queued { get; set; }

    public long CancelledSuppressed { get; set; }

    /// <summary>People who may be messaged tonight (consent, suppression, slot and cap all allow it).</summary>
    public long Eligible =>
        outcomes[(int)PlanOutcome.NoContent] + outcomes[(int)PlanOutcome.BelowThreshold] + outcomes[(int)PlanOutcome.Candidate];

    public void Count(PlanOutcome outcome, long people) => outcomes[(int)outcome] += people;

    public void Selected(DailySelection chosen) => selection = chosen;

    public Dictionary<string, object?> Detail() => new()
    {
        ["send_day"] = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["people"] = Scanned,
        ["suppressed"] = outcomes[(int)PlanOutcome.Suppressed],
        ["no_consent"] = outcomes[(int)PlanOutcome.NoConsent],
        ["no_slot"] = outcomes[(int)PlanOutcome.NoSlot],
        ["not_fresh"] = outcomes[(int)PlanOutcome.NotFresh],
        ["capped"] = outcomes[(int)PlanOutcome.Capped],
        ["eligible"] = Eligible,
        ["no_content"] = outcomes[(int)PlanOutcome.NoContent],
        ["below_threshold"] = outcomes[(int)PlanOutcome.BelowThreshold],
        ["render_failed"] = selection?.RenderFailures ?? [],
        ["same_number"] = selection?.SameNumber ?? 0,
        ["over_daily_limit"] = selection?.OverLimit ?? 0,
        ["queued"] = Queued,
        ["cancelled_suppressed"] = CancelledSuppressed,
        ["already_planned_for_day"] = AlreadyPlanned,
        ["daily_limit"] = DailyLimit,
        ["configured_daily_limit"] = options.DailyLimit,
        ["min_relevance"] = options.MinRelevance,
        ["contents"] = ContentsConsidered,
        ["contents_skipped"] = SkippedContents.Select(s => new Dictionary<string, object?> { ["content_id"] = s.ContentId, ["name"] = s.Name, ["problem"] = s.Problem }).ToList(),
        ["preferred_hour_updated"] = HoursStored,
        ["unknown_time_zones"] = UnknownZones,
        ["timing_ms"] = Timings.Milliseconds(),
    };
}
