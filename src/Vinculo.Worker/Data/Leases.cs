using System.Data.Common;
using Dapper;

namespace Vinculo.Data;

/// <summary>
/// An exclusive, named hold on something across processes and nodes (a job, the scheduler, a
/// migration). It ends when disposed, or when its holder dies; <see cref="Lost"/> fires if the
/// engine drops it while held, so the holder can stop instead of running on unprotected.
/// </summary>
public abstract class Lease : IAsyncDisposable
{
    public virtual CancellationToken Lost => CancellationToken.None;

    public abstract ValueTask DisposeAsync();
}

/// <summary>
/// A database lock held on its own unpooled connection (so a failed release can never leave the lock
/// on a pooled connection), checked every 15 seconds: a dead session cancels <see cref="Lost"/>.
/// </summary>
internal sealed class ConnectionLease : Lease
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    private readonly DbConnection connection;
    private readonly string releaseSql;
    private readonly object parameters;
    private readonly CancellationTokenSource lost = new();
    private readonly CancellationTokenSource stop = new();
    private readonly SemaphoreSlim gate = new(1, 1);
    private readonly Task heartbeat;

    public ConnectionLease(DbConnection connection, string releaseSql, object parameters, TimeProvider timeProvider)
    {
        this.connection = connection;
        this.releaseSql = releaseSql;
        this.parameters = parameters;
        heartbeat = Task.Run(() => BeatAsync(timeProvider));
    }

    public override CancellationToken Lost => lost.Token;

    public override async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        await heartbeat;
        await gate.WaitAsync();
        try
        {
            await connection.ExecuteAsync(releaseSql, parameters);
        }
        catch (DbException)
        {
            // The connection is closed below, unpooled: the session ends and the lock with it.
        }
        finally
        {
            await connection.DisposeAsync();
            gate.Release();
            gate.Dispose();
            lost.Dispose();
            stop.Dispose();
        }
    }

    private async Task BeatAsync(TimeProvider timeProvider)
    {
        using var timer = new PeriodicTimer(HeartbeatInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stop.Token))
            {
                await gate.WaitAsync(stop.Token);
                try
                {
                    await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: stop.Token));
                }
                catch (Exception e) when (e is DbException or InvalidOperationException or IOException)
                {
                    await lost.CancelAsync();
                    return;
                }
                finally
                {
                    gate.Release();
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Released.
        }
    }
}

/// <summary>
/// An exclusive OS lock on a file (flock on Unix, a share-none handle on Windows): held across processes,
/// released by the OS when the holder exits, however it exits.
/// </summary>
public sealed class FileLease : Lease, IDisposable
{
    private readonly FileStream stream;

    private FileLease(FileStream stream) => this.stream = stream;

    public static FileLease? TryAcquire(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            return new FileLease(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => stream.Dispose();

    public override ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
