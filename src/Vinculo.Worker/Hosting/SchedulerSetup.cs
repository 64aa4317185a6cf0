using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Quartz;
using Vinculo.Data;
using Vinculo.Jobs;
using Vinculo.Webhook;

namespace Vinculo.Hosting;

public static class SchedulerSetup
{
    /// <summary>A job whose cron never fires twice within this span is nightly: a failed run of it is retried.</summary>
    public static readonly TimeSpan NightlyPeriod = TimeSpan.FromHours(1);

    /// <summary>How far ahead <see cref="IsNightly"/> looks for two fires closer than <see cref="NightlyPeriod"/>.</summary>
    private static readonly TimeSpan NightlyHorizon = TimeSpan.FromDays(8);

    /// <summary>
    /// Quartz with its persistent store in Vinculo's own database. The jobs and their triggers are
    /// kept in step with the configuration by <see cref="SchedulerService"/> at start-up.
    /// </summary>
    /// <remarks>Takes options already validated by <see cref="ConfigurationCheck"/>, so that wiring never meets a bad value.</remarks>
    public static IHostApplicationBuilder AddVinculoScheduler(
        this IHostApplicationBuilder builder, SchedulerOptions scheduler, SqlDialect dialect, IReadOnlyList<JobDefinition> jobs)
    {
        var services = builder.Services;
        services.AddQuartz(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = "vinculo";
                o.InstanceId = scheduler.Node;
                o.ShutdownJobInterruption = ShutdownJobInterruption.WhenWaitingForJobs;
            });
            q.UseDefaultThreadPool(Math.Max(scheduler.MaxConcurrency, 1));
            q.UsePersistentStore(store =>
            {
                dialect.UseQuartzStore(store);
                store.UseSystemTextJsonSerializer(_ => { });
                store.ConfigureStore(o =>
                {
                    o.TablePrefix = SchemaMigrator.QuartzTablePrefix;
                    o.MisfireThreshold = TimeSpan.FromMinutes(1);
                });
                if (scheduler.Clustered)
                {
                    store.UseClustering(_ => { });
                }
            });
            q.AddJobType<QuartzJob>();
        });

        services.AddSingleton<SchedulerPreflight>();
        services.AddSingleton<IHostedService, SchedulerService>();
        // Runs the scheduler fires get a log line every so often while they last; never the terminal display.
        services.AddHostedService<ProgressDisplay>();
        services.Configure<HostOptions>(o =>
        {
            o.ShutdownTimeout = scheduler.ShutdownGracePeriod + TimeSpan.FromSeconds(30);
        });
        return builder;
    }

    /// <summary>
    /// Validates the configuration (all failures at once), then adds the scheduler wired from the
    /// validated values (and, with <c>Webhook:Enabled</c>, the webhook server), and builds the host that runs it.
    /// </summary>
    public static IHost BuildSchedulerHost(this HostApplicationBuilder builder)
    {
        using (var probe = builder.Services.BuildServiceProvider())
        {
            ConfigurationCheck.ThrowIfInvalid(probe);
            // Started before the scheduler: a port already taken stops the start-up before any job can fire.
            if (probe.GetRequiredService<IOptions<WebhookOptions>>().Value.Enabled)
            {
                builder.AddVinculoWebhookServer();
            }

            builder.AddVinculoScheduler(
                probe.GetRequiredService<IOptions<SchedulerOptions>>().Value,
                probe.GetRequiredService<SqlDialect>(),
                probe.GetServices<JobDefinition>().ToList());
        }

        return builder.Build();
    }

    /// <summary>
    /// How Quartz retries a failed fire of a job on this schedule: <c>Scheduler:RetryAttempts</c> times,
    /// <c>Scheduler:RetryFailedAfter</c> apart, for a nightly job; never for one that fires more often (the next fire
    /// is soon anyway). Quartz keeps the attempt count in the trigger's row, so any node of a cluster may fire a retry,
    /// and it drops a retry that would land on or past the trigger's next fire.
    /// </summary>
    public static RetryPolicy RetryPolicyFor(string cron, TimeZoneInfo zone, SchedulerOptions options, DateTimeOffset now) =>
        options.RetryAttempts > 0 && IsNightly(cron, zone, now)
            ? RetryPolicy.Fixed(options.RetryAttempts, options.RetryFailedAfter)
            : RetryPolicy.None;

    /// <summary>Whether no two fires of <paramref name="cron"/> in the coming week are closer than <see cref="NightlyPeriod"/>.</summary>
    public static bool IsNightly(string cron, TimeZoneInfo zone, DateTimeOffset now)
    {
        var expression = new CronExpression(cron, zone);
        var previous = expression.GetNextValidTimeAfter(now);
        while (previous is { } fire && fire - now < NightlyHorizon)
        {
            var next = expression.GetNextValidTimeAfter(fire);
            if (next - fire < NightlyPeriod)
            {
                return false;
            }

            previous = next;
        }

        return true;
    }

    public static IEnumerable<(JobDefinition Job, string Cron)> EnabledJobs(IEnumerable<JobDefinition> jobs, SchedulerOptions options)
    {
        foreach (var job in jobs)
        {
            options.Jobs.TryGetValue(job.Key, out var configured);
            if (configured?.Enabled == false)
            {
                continue;
            }

            yield return (job, string.IsNullOrWhiteSpace(configured?.Cron) ? job.DefaultCron : configured.Cron);
        }
    }
}
