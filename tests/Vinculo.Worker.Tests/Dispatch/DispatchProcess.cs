using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Vinculo.Engines;
using Vinculo.Hosting;
using Vinculo.Jobs;

namespace Vinculo.Dispatch;

/// <summary>Ways to run a dispatcher besides the job runner.</summary>
internal static class DispatchProcess
{
    /// <summary>
    /// The job itself, without the runner's lease or <c>job_runs</c> row: a dispatcher on a node Quartz wrongly declared
    /// dead, still running beside its replacement. Only the claim keeps the two apart.
    /// </summary>
    public static async Task<JobResult> RunJobDirectlyAsync(TestDatabase db, DateTimeOffset now, string[] settings)
    {
        using var host = db.BuildHost(new FakeTimeProvider(now), extraArgs: settings);
        await using var scope = host.Services.CreateAsyncScope();
        var job = scope.ServiceProvider.GetRequiredService<DispatchMessagesJob>();
        var node = scope.ServiceProvider.GetRequiredService<IOptions<SchedulerOptions>>().Value.Node;
        return await job.RunAsync(new JobRunContext(DispatchMessagesJob.Key, 0, now, node), CancellationToken.None);
    }
}
