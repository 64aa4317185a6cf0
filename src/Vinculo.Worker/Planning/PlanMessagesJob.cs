using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
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
        var total = Stopwatch.StartNew();

        var watch = Stopwatch.StartNew();
        var renderer = new MessageRenderer(options.OptOutFooter);
        var contents = await ReadContentsAsync(day, renderer, tally, cancellationToken);
        var (dayStart, dayEnd) = PlanDay.Bounds(day, businessZone);
        tally.AlreadyPlanned = await store.CountPlannedAsync(day, dayStart, dayEnd, cancellationToken);
        tally.DailyLimit = (await senderHealth.StateAsync(cancellationToken)).EffectiveDailyLimit(options.DailyLimit, dispatch.Value.FlaggedShare);
        tally.Phase("contents", watch);

        var scorer = new RelevanceScorer(options.Weights);
        var zones = new ZoneResolver(businessZone);
        var planner = new NightPlanner(
            window, scorer, options.HourOptions, zones.Resolve, contents,
            options.FrequencyCapDays, consent.Value.MaxIdleDays, options.MinRelevance, day, now);
        var selection = new DailySelection((int)Math.Max(0, tally.DailyLimit - tally.AlreadyPlanned), renderer);
        await StreamAsync(planner, selection, tally, options.BatchSize, now, context.Progress, cancellationToken);
        tally.UnknownZones = zones.Unknown;
        tally.Selected(selection);

        watch.Restart();
        var rows = selection.Chosen.Select(m => QueueRow(m, scorer, now)).ToList();
        context.Progress.Report(Queueing, 0, rows.Count);
        var (inserted, cancelled) = await store.InsertPlanAsync(rows, day, now, cancellationToken);
        context.Progress.Report(Queueing, rows.Count, rows.Count);
        tally.Queued = inserted - cancelled;
        tally.CancelledSuppressed = cancelled;
        tally.Phase("insert", watch);
        tally.Phase("total", total);

        PlanningLog.Planned(logger, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), tally.Queued, tally.Eligible, tally.Scanned, total.Elapsed);
        return new JobResult(tally.Scanned, tally.Queued, tally.Detail());
    }

    /// <summary>
    /// The contents that may go out on <paramref name="day"/> somewhere (the exact validity is checked per send
    /// instant); a content whose body cannot be sent to anyone is skipped and named in the run's detail.
    /// </summary>
    private async Task<List<PlanContent>> ReadContentsAsync(DateOnly day, MessageRenderer renderer, PlanTally tally, CancellationToken cancellationToken)
    {
        // Local days start between UTC+14 and UTC-12: this covers the day in any contact's zone.
        var from = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddHours(-14);
        var to = new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddHours(12);
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

    /// <summary>
    /// A pipeline of four stages, each on its own task, joined by bounded channels (at most two batches wait between
    /// stages, so memory stays flat): read the next people, read their signals, decide for each person (this task),
    /// write the hours learned. On two cores the reads of one batch overlap the decisions on the previous one.
    /// </summary>
    private async Task StreamAsync(
        NightPlanner planner, DailySelection selection, PlanTally tally, int batchSize, DateTimeOffset now, JobProgress progress, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var options = new BoundedChannelOptions(2) { SingleWriter = true, SingleReader = true };
        var read = Channel.CreateBounded<(long After, List<PlanPerson> People)>(options);
        var ready = Channel.CreateBounded<(List<PlanPerson> People, List<PlanPerson> WithConsent)>(options);
        var learned = Channel.CreateBounded<List<object?[]>>(options);
        var readPeople = new Stopwatch();
        var readSignals = new Stopwatch();
        var writeHours = new Stopwatch();

        var peopleStage = Stage(read.Writer, stop, async token =>
        {
            long after = 0;
            while (true)
            {
                readPeople.Start();
                var people = await store.ReadPeopleAsync(after, batchSize, token);
                readPeople.Stop();
                if (people.Count == 0)
                {
                    return;
                }

                await read.Writer.WriteAsync((after, people), token);
                after = people[^1].ContactId;
            }
        });
        var signalStage = Stage(ready.Writer, stop, async token =>
        {
            await foreach (var (after, people) in read.Reader.ReadAllAsync(token))
            {
                readSignals.Start();
                var withConsent = await store.ReadSignalsAsync(after, people[^1].ContactId, people.Where(p => !p.Suppressed).ToList(), planner.Windows, planner.ContentIds, token);
                readSignals.Stop();
                await ready.Writer.WriteAsync((people, withConsent), token);
            }
        });
        var writerStage = Stage<List<object?[]>>(null, stop, async token =>
        {
            await foreach (var rows in learned.Reader.ReadAllAsync(token))
            {
                writeHours.Start();
                tally.HoursStored += await store.WritePreferredHoursAsync(rows, token);
                writeHours.Stop();
            }
        });

        var evaluate = new Stopwatch();
        try
        {
            var hours = new List<object?[]>();
            await foreach (var (people, withConsent) in ready.Reader.ReadAllAsync(stop.Token))
            {
                evaluate.Start();
                tally.Scanned += people.Count;
                var suppressed = people.Count(p => p.Suppressed);
                tally.Count(PlanOutcome.Suppressed, suppressed);
                tally.Count(PlanOutcome.NoConsent, people.Count - suppressed - withConsent.Count);
                foreach (var person in withConsent)
                {
                    var decision = planner.Decide(person);
                    tally.Count(decision.Outcome, 1);
                    if (decision.HourToStore is { } hour)
                    {
                        hours.Add([person.ContactId, hour, now]);
                    }

                    if (decision.Candidate is { } candidate)
                    {
                        selection.Offer(candidate);
                    }
                }

                evaluate.Stop();
                progress.Report(Evaluating, tally.Scanned);
                if (hours.Count >= batchSize)
                {
                    await learned.Writer.WriteAsync(hours, stop.Token);
                    hours = [];
                }
            }

            await learned.Writer.WriteAsync(hours, stop.Token);
            learned.Writer.Complete();
            await writerStage;
        }
        catch
        {
            learned.Writer.TryComplete();
            await stop.CancelAsync();
            if (writerStage.IsFaulted)
            {
                // The writer's failure stopped this stage: report the cause, not the cancellation.
                await writerStage;
            }

            throw;
        }
        finally
        {
            // Every stage has ended (a failed one passed its error downstream) before the counters are read.
            await Task.WhenAll(peopleStage, signalStage, writerStage).ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        tally.Phase("read_people", readPeople.Elapsed);
        tally.Phase("read_signals", readSignals.Elapsed);
        tally.Phase("evaluate", evaluate.Elapsed);
        tally.Phase("write_hours", writeHours.Elapsed);
    }

    /// <summary>
    /// Runs one stage on the thread pool. Its outcome reaches the next stage through <paramref name="output"/>: completed
    /// when the stage ends, with the stage's error when it fails. A stage with no output (the writer) stops the others
    /// when it fails and rethrows when awaited.
    /// </summary>
    private static Task Stage<T>(ChannelWriter<T>? output, CancellationTokenSource stop, Func<CancellationToken, Task> body) =>
        Task.Run(
            async () =>
            {
                try
                {
                    await body(stop.Token);
                    output?.TryComplete();
                }
                catch (Exception e)
                {
                    if (output is null)
                    {
                        await stop.CancelAsync();
                        throw;
                    }

                    output.TryComplete(e);
                }
            },
            CancellationToken.None);

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
    private readonly SortedDictionary<string, long> timings = new(StringComparer.Ordinal);
    private DailySelection? selection;

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

    public void Phase(string name, Stopwatch watch) => Phase(name, watch.Elapsed);

    public void Phase(string name, TimeSpan elapsed) => timings[name] = (long)Math.Round(elapsed.TotalMilliseconds);

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
        ["timing_ms"] = timings,
    };
}
