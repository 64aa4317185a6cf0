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
    /// <remarks>
    /// Quartz's store and thread pool, and the host's shutdown timeout, are fixed before the host is built, so the settings
    /// they need are passed in rather than read from the options the host will build.
    /// </remarks>
    public static IHostApplicationBuilder AddVinculoScheduler(this IHostApplicationBuilder builder, SchedulerOptions scheduler, SqlDialect dialect)
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
    /// Adds the scheduler (and, with <c>Webhook:Enabled</c>, the webhook server) wired from the configuration, builds the
    /// host that runs them, and checks the configuration (all failures at once) before anything can start.
    /// </summary>
    /// <remarks>
    /// What the wiring needs is read from the configuration with <see cref="ConfigurationCheck.Bind"/>, which never
    /// throws, rather than from a service provider built only to read it. When the <c>Database</c> section cannot name an
    /// engine and a connection the scheduler is left out; the check then stops the start-up, naming the mistake.
    /// </remarks>
    public static IHost BuildSchedulerHost(this HostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        // A value that cannot be read is left at its default here: the check below reports it with every other mistake.
        var mistakes = new List<string>();
        // Started before the scheduler: a port already taken stops the start-up before any job can fire.
        if (ConfigurationCheck.Bind<WebhookOptions>(builder.Configuration, WebhookOptions.Section, mistakes).Enabled)
        {
            builder.AddVinculoWebhookServer();
        }

        if (DialectFor(builder) is { } dialect)
        {
            builder.AddVinculoScheduler(ConfigurationCheck.Bind<SchedulerOptions>(builder.Configuration, SchedulerOptions.Section, mistakes), dialect);
        }

        return builder.BuildChecked();
    }

    /// <summary>The engine the <c>Database</c> section names, or null when the section is not valid.</summary>
    private static SqlDialect? DialectFor(HostApplicationBuilder builder)
    {
        var mistakes = new List<string>();
        var database = ConfigurationCheck.Bind<DatabaseOptions>(builder.Configuration, DatabaseOptions.Section, mistakes);
        if (mistakes.Count > 0 || new DatabaseOptionsValidator().Validate(Options.DefaultName, database).Failed)
        {
            return null;
        }

        var paths = builder.Services.Select(d => d.ImplementationInstance).OfType<VinculoPaths>().Last();
        return SqlDialect.Create(database.ProviderKind, database.ConnectionString, paths.DataRoot);
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
