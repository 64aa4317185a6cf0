using System.Globalization;
using Microsoft.Extensions.Options;
using Vinculo.Dispatch;
using Vinculo.Hosting;
using Vinculo.Jobs;

namespace Vinculo.Reporting;

/// <summary>What <c>health</c> found wrong: its kind (<see cref="HealthProblemKinds"/>), the job concerned if any, and one line in Portuguese.</summary>
public sealed record HealthProblem(string Kind, string? JobKey, string Message);

public static class HealthProblemKinds
{
    /// <summary>
    /// An enabled job has no run at all although the scheduler has been running here for longer than the job's period (or no
    /// job has ever run), or only a first run that has been going on for longer than its period.
    /// </summary>
    public const string NeverRan = "never_ran";

    /// <summary>The job's latest finished run failed.</summary>
    public const string LastRunFailed = "last_run_failed";

    /// <summary>The job's latest success is older than its <see cref="ExpectedPeriod.Limit"/>.</summary>
    public const string Stale = "stale";

    /// <summary>Dispatching is halted (<c>dispatch_halts</c>) until someone runs <c>dispatch resume</c>.</summary>
    public const string Halted = "halted";

    /// <summary>Meta flagged the number's quality (<c>phone_number_quality_update</c> FLAGGED, no UNFLAGGED since): fewer sends a day.</summary>
    public const string Flagged = "flagged";
}

/// <summary>
/// The verdict behind <c>vinculo health</c>, for systemd timers, monitoring agents and container probes: healthy when every
/// enabled job's latest finished run succeeded, that success is no older than the job's <see cref="ExpectedPeriod"/>, and
/// dispatching is not halted, and Meta has not flagged the number. Jobs switched off in <c>Scheduler:Jobs:&lt;key&gt;:Enabled</c> are not checked.
/// </summary>
public sealed class HealthCheck(
    ReportStore store, DispatchStore dispatch, SenderHealthStore senderHealth, IEnumerable<JobDefinition> jobs, IOptions<SchedulerOptions> scheduler)
{
    /// <summary>The keys of the jobs <see cref="CheckAsync"/> looks at, in order.</summary>
    public IReadOnlyList<string> CheckedJobs =>
        SchedulerSetup.EnabledJobs(jobs, scheduler.Value).Select(j => j.Job.Key).Order(StringComparer.Ordinal).ToList();

    /// <summary>Every problem as of <paramref name="now"/>: the halt first, a flagged number next, then the jobs by key. Empty when all is well.</summary>
    public async Task<IReadOnlyList<HealthProblem>> CheckAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var problems = new List<HealthProblem>();
        if (await dispatch.OpenHaltAsync(cancellationToken) is { } halt)
        {
            problems.Add(Halted(halt));
        }

        if (await senderHealth.StateAsync(cancellationToken) is { Flagged: true } number)
        {
            problems.Add(new HealthProblem(
                HealthProblemKinds.Flagged,
                null,
                $"Número SINALIZADO pela Meta (FLAGGED) desde {Utc(number.FlaggedSince ?? now)}: os envios do dia estão reduzidos (Dispatch:FlaggedShare) " +
                "até a Meta retirar o alerta (UNFLAGGED). Reveja os conteúdos com mais descadastros ('vinculo content list')."));
        }

        var options = scheduler.Value;
        var zone = options.TimeZoneInfo;
        await using var connection = await store.OpenAsync(cancellationToken);
        var firstRun = await store.FirstRunStartedAsync(connection, cancellationToken);
        foreach (var (job, cron) in SchedulerSetup.EnabledJobs(jobs, options).OrderBy(j => j.Job.Key, StringComparer.Ordinal))
        {
            var latest = await store.LatestRunAsync(connection, job.Key, cancellationToken);
            var finished = latest is null or { Status: not "running" } ? latest : await store.LatestFinishedRunAsync(connection, job.Key, cancellationToken);
            var success = finished is { Status: "succeeded" } ? finished : await store.LatestRunAsync(connection, job.Key, "succeeded", cancellationToken);
            if (Judge(job.Key, cron, ExpectedPeriod.Of(cron, zone, now), firstRun, latest, finished, success, now) is { } problem)
            {
                problems.Add(problem);
            }
        }

        return problems;
    }

    /// <summary>
    /// The problem with one job, if any, from when any job first ran here (<paramref name="firstRun"/>) and the job's latest
    /// run, latest finished run and latest success.
    /// </summary>
    internal static HealthProblem? Judge(
        string jobKey,
        string cron,
        ExpectedPeriod? expected,
        DateTimeOffset? firstRun,
        JobRunRow? latest,
        JobRunRow? finished,
        JobRunRow? success,
        DateTimeOffset now)
    {
        if (latest is null)
        {
            // A new installation: the scheduler runs (other jobs have run) but this job's first fire has not come yet.
            if (firstRun is { } since && expected is { } period && now - since <= period.Limit)
            {
                return null;
            }

            return new HealthProblem(
                HealthProblemKinds.NeverRan, jobKey, $"{jobKey}: nunca executou (agenda '{cron}'{Every(expected)}); o agendador está rodando?");
        }

        if (finished is { Status: "failed" })
        {
            return new HealthProblem(
                HealthProblemKinds.LastRunFailed,
                jobKey,
                $"{jobKey}: a última execução ({finished.RunId.ToString(CultureInfo.InvariantCulture)}, iniciada em {Utc(finished.StartedAt)}) falhou: " +
                ErrorText.Mask(finished.Error ?? "sem mensagem de erro"));
        }

        if (expected is null)
        {
            return null;
        }

        if (success is null)
        {
            // Only a first run, still going: a problem once it has been going for longer than a whole period.
            return now - latest.StartedAt > expected.Limit
                ? new HealthProblem(
                    HealthProblemKinds.NeverRan,
                    jobKey,
                    $"{jobKey}: nunca concluiu uma execução; a primeira começou em {Utc(latest.StartedAt)}, há {Span(now - latest.StartedAt)}, e continua em andamento.")
                : null;
        }

        var age = now - success.StartedAt;
        return age > expected.Limit
            ? new HealthProblem(
                HealthProblemKinds.Stale,
                jobKey,
                $"{jobKey}: o último sucesso foi em {Utc(success.StartedAt)}, há {Span(age)}; o esperado é no máximo {Span(expected.Limit)} " +
                $"(agenda '{cron}': a cada {Span(expected.Period)}, mais {Span(expected.Grace)} de tolerância).")
            : null;
    }

    private static HealthProblem Halted(DispatchHalt halt) =>
        new(
            HealthProblemKinds.Halted,
            null,
            $"Envio SUSPENSO desde {Utc(halt.HaltedAt)}" +
            (halt.ErrorCode is { } code ? $" (erro {code.ToString(CultureInfo.InvariantCulture)})" : "") +
            $": {ErrorText.Mask(halt.Reason)}. Corrija a causa e execute 'vinculo dispatch resume'.");

    private static string Every(ExpectedPeriod? expected) => expected is null ? "" : $", a cada {Span(expected.Period)}";

    internal static string Utc(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>A duration as people say it: <c>1 d 12 h</c>, <c>11 min</c>, <c>45 s</c>.</summary>
    internal static string Span(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            span = TimeSpan.Zero;
        }

        var parts = new List<string>(2);
        if (span.Days > 0)
        {
            parts.Add($"{span.Days.ToString(CultureInfo.InvariantCulture)} d");
        }

        if (span.Hours > 0)
        {
            parts.Add($"{span.Hours.ToString(CultureInfo.InvariantCulture)} h");
        }

        if (span.Minutes > 0 && span.Days == 0)
        {
            parts.Add($"{span.Minutes.ToString(CultureInfo.InvariantCulture)} min");
        }

        if (parts.Count == 0)
        {
            parts.Add($"{span.Seconds.ToString(CultureInfo.InvariantCulture)} s");
        }

        return string.Join(' ', parts.Take(2));
    }
}
