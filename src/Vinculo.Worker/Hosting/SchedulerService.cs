using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Quartz;
using Vinculo.Data;
using Vinculo.Jobs;

namespace Vinculo.Hosting;

/// <summary>
/// Runs Quartz for as long as the host runs. Before the first fire: one scheduler per SQLite file,
/// the schema migrated or checked, runs left <c>running</c> by a crash closed, and jobs no longer
/// enabled taken off the stored schedule. On stop: running jobs get a grace period, then are
/// interrupted (their runs are recorded as failed, "interrupted") and waited for. While it runs, a trigger Quartz put in its
/// ERROR state is scheduled again (<see cref="ResetErroredTriggersAsync"/>).
/// </summary>
internal sealed class SchedulerService(
    ISchedulerFactory schedulerFactory,
    SchedulerPreflight preflight,
    JobRunner runner,
    IOptions<SchedulerOptions> schedulerOptions,
    TimeProvider timeProvider,
    ILogger<SchedulerService> logger)
    : IHostedService, IAsyncDisposable
{
    /// <summary>How often the schedule is checked for triggers left in Quartz's ERROR state.</summary>
    internal static readonly TimeSpan TriggerCheckInterval = TimeSpan.FromMinutes(1);

    private ITimer? triggerCheck;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await preflight.RunAsync(cancellationToken);
        var scheduler = await schedulerFactory.GetScheduler(cancellationToken);
        var enabled = await SynchroniseScheduleAsync(scheduler, cancellationToken);
        await ResetErroredTriggersAsync(scheduler, cancellationToken);
        Log.SchedulerStarting(logger, schedulerOptions.Value.Node, enabled, schedulerOptions.Value.Clustered);
        await scheduler.Start(cancellationToken);
        triggerCheck = timeProvider.CreateTimer(_ => _ = CheckTriggersAsync(scheduler), null, TriggerCheckInterval, TriggerCheckInterval);
    }

    /// <summary>
    /// Quartz puts a trigger in its ERROR state when the job store fails while firing it ("Couldn't retrieve job" when the
    /// database drops the connection mid-fire), and such a trigger never fires again, on any node, across restarts, until
    /// somebody resets it. An unattended worker cannot wait for somebody: every trigger of ours found there is reset, at
    /// start-up and every <see cref="TriggerCheckInterval"/>. Returns how many were.
    /// </summary>
    internal async Task<int> ResetErroredTriggersAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        var reset = 0;
        foreach (var key in await scheduler.GetTriggerKeys(GroupMatcher<TriggerKey>.GroupEquals(QuartzJob.Group), cancellationToken))
        {
            if (await scheduler.GetTriggerState(key, cancellationToken) == TriggerState.Error)
            {
                await scheduler.ResetTriggerFromErrorState(key, cancellationToken);
                Log.TriggerRecovered(logger, key.Name);
                reset++;
            }
        }

        return reset;
    }

    private async Task CheckTriggersAsync(IScheduler scheduler)
    {
        try
        {
            if (scheduler.Status == SchedulerStatus.Running)
            {
                await ResetErroredTriggersAsync(scheduler, CancellationToken.None);
            }
        }
        catch (Exception e) when (e is SchedulerException or System.Data.Common.DbException or InvalidOperationException or TimeoutException)
        {
            // The database is still away: the next check tries again.
            Log.TriggerCheckFailed(logger, e.GetType().Name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (triggerCheck is not null)
        {
            await triggerCheck.DisposeAsync();
        }
    }

    /// <summary>
    /// One durable Quartz job and one cron trigger per enabled Vinculo job, with its retry policy
    /// (<see cref="SchedulerSetup.RetryPolicyFor"/>). A stored trigger whose schedule and policy are unchanged is
    /// left as it is, fire history included: that is what lets Quartz see a fire missed while the worker
    /// was down, and fire it once (fire-and-proceed), not once per missed night.
    /// Jobs disabled or no longer built are taken off the stored schedule.
    /// </summary>
    private async Task<int> SynchroniseScheduleAsync(IScheduler scheduler, CancellationToken cancellationToken)
    {
        var options = schedulerOptions.Value;
        var zone = options.TimeZoneInfo;
        var enabled = SchedulerSetup.EnabledJobs(runner.Jobs, options).ToList();
        foreach (var (job, cron) in enabled)
        {
            var jobKey = new JobKey(job.Key, QuartzJob.Group);
            var triggerKey = new TriggerKey(job.Key, QuartzJob.Group);
            // RequestRecovery: a node that dies mid-run has the run fired again by another node of the cluster.
            var detail = JobBuilder.Create<QuartzJob>().WithIdentity(jobKey).WithDescription(job.Description).StoreDurably().RequestRecovery().Build();
            await scheduler.AddJob(detail, AddJobOptions.Replacing, cancellationToken);

            var retry = SchedulerSetup.RetryPolicyFor(cron, zone, options, timeProvider.GetUtcNow());
            var stored = await scheduler.GetTrigger(triggerKey, cancellationToken) as ICronTrigger;
            if (stored is not null && stored.CronExpressionString == cron && stored.TimeZone.Id == zone.Id
                && stored.MisfireInstruction == CronTriggerMisfireInstruction.FireAndProceed && stored.RetryPolicy == retry)
            {
                continue;
            }

            var trigger = TriggerBuilder.Create(timeProvider)
                .WithIdentity(triggerKey)
                .ForJob(jobKey)
                .WithCronSchedule(cron, c => c.InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.FireAndProceed))
                .WithRetryPolicy(retry)
                .Build();
            await scheduler.ScheduleTrigger(trigger, TriggerConflict.Replace, cancellationToken);
        }

        var keep = enabled.Select(j => j.Job.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var key in await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(QuartzJob.Group), cancellationToken))
        {
            if (!keep.Contains(key.Name))
            {
                await scheduler.DeleteJob(key, cancellationToken);
                Log.JobUnscheduled(logger, key.Name);
            }
        }

        return enabled.Count;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            var scheduler = await schedulerFactory.GetScheduler(CancellationToken.None);
            if (scheduler.Status is SchedulerStatus.Shutdown or SchedulerStatus.ShuttingDown)
            {
                return;
            }

            // No new fires from here on; what is running gets the grace period.
            if (triggerCheck is not null)
            {
                await triggerCheck.DisposeAsync();
            }

            await scheduler.Standby(CancellationToken.None);

            var running = runner.InFlight;
            if (running.Count > 0)
            {
                var grace = schedulerOptions.Value.ShutdownGracePeriod;
                Log.WaitingForJobs(logger, grace, running.Count);
                try
                {
                    await Task.WhenAll(running).WaitAsync(grace, timeProvider, cancellationToken);
                }
                catch (Exception e) when (e is TimeoutException or OperationCanceledException)
                {
                    Log.InterruptingJobs(logger, runner.InFlight.Count);
                }
            }

            // Interrupts whatever still runs (ShutdownJobInterruption.WhenWaitingForJobs) and waits for it to finish,
            // so every run ends with its job_runs row closed. A job that ignores the interruption is
            // waited for only until the host's shutdown timeout; its row is closed at the next start.
            try
            {
                await scheduler.Shutdown(waitForJobsToComplete: true, CancellationToken.None).AsTask().WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Log.ShutdownTimedOut(logger, runner.InFlight.Count);
            }
        }
        finally
        {
            await preflight.ReleaseAsync();
        }
    }
}

/// <summary>A second scheduler on one SQLite file: a set-up problem, exit code 2.</summary>
public sealed class SchedulerAlreadyRunningException(string message) : Exception(message);
