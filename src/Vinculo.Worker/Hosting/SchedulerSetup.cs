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
