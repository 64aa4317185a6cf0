using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;
using Vinculo.Jobs;

namespace Vinculo.Hosting;

/// <summary>
/// Vinculo's own instruments, on the meter <c>Vinculo</c>: every job run, by job and outcome, and its duration; and
/// the figures people watch (numbers checked, messages queued, sent and failed, opt-outs), read from what each job
/// reports in <c>job_runs.detail</c> so that no feature needs to know about metrics. Nothing is measured unless a
/// listener (OpenTelemetry, <c>dotnet-counters</c>, a test) subscribes.
/// </summary>
public static class VinculoMetrics
{
    public const string MeterName = "Vinculo";

    public const string JobKeyTag = "job.key";
    public const string OutcomeTag = "job.outcome";
    public const string PhaseTag = "job.phase";
    public const string PhoneStatusTag = "phone.status";
    public const string SentAsTag = "message.sent_as";
    public const string FailureReasonTag = "message.failure_reason";

    private static readonly Meter Meter = new(MeterName, typeof(VinculoMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);

    public static readonly Counter<long> JobRuns =
        Meter.CreateCounter<long>("vinculo.job.runs", "{run}", "Job runs, by job key and outcome (succeeded, failed, already_running).");

    public static readonly Histogram<double> JobDuration =
        Meter.CreateHistogram<double>("vinculo.job.duration", "s", "How long a job run took, by job key and outcome.");

    /// <summary>
    /// Recorded by <see cref="PhaseTimings"/> as a run goes: one measurement per batch for the stages of a batch pipeline,
    /// one per run for a phase timed whole. A run's measurements of a phase add up to the figure its <c>job_runs.detail</c>
    /// reports. Pipeline stages run at the same time, so phases overlap.
    /// </summary>
    public static readonly Histogram<double> PhaseDuration = Meter.CreateHistogram<double>(
        "vinculo.job.phase.duration",
        "s",
        "Time spent in one phase of a job run (per batch for a pipeline stage), by job key and phase.",
        tags: null,
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600] });

    public static readonly Counter<long> ContactsChecked =
        Meter.CreateCounter<long>("vinculo.contacts.checked", "{contact}", "Phone numbers classified by revalidate-phones, by resulting status.");

    public static readonly Counter<long> MessagesQueued =
        Meter.CreateCounter<long>("vinculo.messages.queued", "{message}", "Messages queued by plan-messages.");

    public static readonly Counter<long> MessagesSent =
        Meter.CreateCounter<long>("vinculo.messages.sent", "{message}", "Messages sent by dispatch-messages, as session text or template.");

    public static readonly Counter<long> MessagesFailed =
        Meter.CreateCounter<long>("vinculo.messages.failed", "{message}", "Messages that failed in dispatch-messages, by reason.");

    public static readonly Counter<long> OptOuts =
        Meter.CreateCounter<long>("vinculo.consent.opt_outs", "{opt_out}", "Opt-out replies applied by process-inbound.");

    /// <summary>Records one run as <see cref="JobRunner"/> finished it; <paramref name="duration"/> is null for a run that never started.</summary>
    public static void RecordRun(string jobKey, JobRunStatus status, TimeSpan? duration, JobResult? result)
    {
        var outcome = status switch
        {
            JobRunStatus.Succeeded => "succeeded",
            JobRunStatus.Failed => "failed",
            _ => "already_running",
        };
        var tags = new TagList { { JobKeyTag, jobKey }, { OutcomeTag, outcome } };
        JobRuns.Add(1, tags);
        if (duration is { } elapsed)
        {
            JobDuration.Record(Math.Max(0, elapsed.TotalSeconds), tags);
        }

        if (result?.Detail is { } detail)
        {
            RecordDetail(jobKey, detail);
        }
    }

    /// <summary>The per-feature figures, from the detail keys each job writes (a failed run that kept its counters counts too).</summary>
    private static void RecordDetail(string jobKey, IReadOnlyDictionary<string, object?> detail)
    {
        switch (jobKey)
        {
            case JobCatalog.RevalidatePhones:
                foreach (var (status, count) in Counts(detail, "checked_by_status"))
                {
                    ContactsChecked.Add(count, new KeyValuePair<string, object?>(PhoneStatusTag, status));
                }

                break;
            case JobCatalog.PlanMessages:
                Add(MessagesQueued, Count(detail, "queued"));
                break;
            case JobCatalog.DispatchMessages:
                Add(MessagesSent, Count(detail, "sent_session"), new KeyValuePair<string, object?>(SentAsTag, "session"));
                Add(MessagesSent, Count(detail, "sent_template"), new KeyValuePair<string, object?>(SentAsTag, "template"));
                foreach (var (reason, count) in Counts(detail, "failed"))
                {
                    MessagesFailed.Add(count, new KeyValuePair<string, object?>(FailureReasonTag, reason));
                }

                break;
            case JobCatalog.ProcessInbound:
                Add(OptOuts, Count(detail, "opt_outs"));
                break;
        }
    }

    private static void Add(Counter<long> counter, long count, params ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (count > 0)
        {
            counter.Add(count, tags);
        }
    }

    private static long Count(IReadOnlyDictionary<string, object?> detail, string key) => detail.GetValueOrDefault(key) switch
    {
        long value => value,
        int value => value,
        _ => 0,
    };

    private static IEnumerable<(string Key, long Count)> Counts(IReadOnlyDictionary<string, object?> detail, string key) =>
        detail.GetValueOrDefault(key) is IEnumerable<KeyValuePair<string, long>> counts
            ? counts.Where(c => c.Value > 0).Select(c => (c.Key, c.Value))
            : [];
}
