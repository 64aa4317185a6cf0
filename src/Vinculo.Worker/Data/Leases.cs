using System.Data.Common;
using Dapper;

namespace Vinculo.Data;

/// <summary>A database lock held on its own open connection; releasing it also returns the connection.</summary>
internal sealed class ConnectionLease(DbConnection connection, string releaseSql, object parameters) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        try
        {
            await connection.ExecuteAsync(releaseSql, parameters);
        }
        catch (DbException)
        {
            // The connection is going away anyway, and with it the lock.
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }
}

/// <summary>
/// An exclusive OS lock on a file (flock on Unix, a share-none handle on Windows): held across processes,
/// released by the OS when the holder exits, however it exits.
/// </summary>
public sealed class FileLease : IAsyncDisposable, IDisposable
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

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
