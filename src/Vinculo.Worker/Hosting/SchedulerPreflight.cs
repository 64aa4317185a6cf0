using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinculo.Data;
using Vinculo.Jobs;

namespace Vinculo.Hosting;

/// <summary>
/// What must hold before the first fire, done once per process: a node that does not cluster has the
/// database to itself (a second one is refused); the schema is migrated, or checked when
/// <c>Database:MigrateOnStart</c> is off; runs left <c>running</c> by a crash are closed. The command
/// line runs it before starting the host, so its failures are reported as messages, not as a host crash.
/// </summary>
internal sealed class SchedulerPreflight(
    Database database,
    SchemaMigrator migrator,
    JobRunner runner,
    IOptions<DatabaseOptions> databaseOptions,
    IOptions<SchedulerOptions> schedulerOptions,
    ILogger<SchedulerPreflight> logger) : IDisposable
{
    public const string NodeLeaseName = "scheduler";

    private readonly SemaphoreSlim gate = new(1, 1);
    private Lease? nodeLease;
    private bool done;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (done)
            {
                return;
            }

            if (!schedulerOptions.Value.Clustered)
            {
                nodeLease = await database.Dialect.TryAcquireLeaseAsync(database, NodeLeaseName, cancellationToken)
                    ?? throw new SchedulerAlreadyRunningException(
                        $"Outro agendador do Vinculo já usa o {database.Dialect.DescribeTarget()}" +
                        (database.Dialect.CanCluster
                            ? ". Para vários nós no mesmo banco, defina Scheduler:Clustered=true em todos eles."
                            : ", que atende um só agendador."));
            }

            // Both steps may run twice: nodes of a cluster starting at once can deadlock on them, and the loser tries again.
            await database.RetryTransientAsync(
                async token =>
                {
                    if (databaseOptions.Value.MigrateOnStart)
                    {
                        var status = await migrator.MigrateAsync(token);
                        Log.SchemaReady(logger, status.Target, status.CodeVersion.Label);
                    }
                    else
                    {
                        await migrator.EnsureCurrentAsync(token);
                    }

                    await runner.CloseAbandonedRunsAsync(token);
                },
                cancellationToken);
            done = true;
        }
        catch
        {
            await ReleaseLeaseAsync();
            throw;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();

    /// <summary>Gives the database back to other schedulers, when this one stops.</summary>
    public Task ReleaseAsync() => ReleaseLeaseAsync();

    private async Task ReleaseLeaseAsync()
    {
        if (nodeLease is not null)
        {
            await nodeLease.DisposeAsync();
            nodeLease = null;
        }
    }
}
