namespace Vinculo.Import;

/// <summary>
/// A contact CSV or a suppression list of any size commits in batches: every <c>Import:CommitRows</c> records, what the
/// file wrote so far commits together with its progress (<c>import_files</c>: outcome <c>importing</c>, the records
/// committed, the counts so far). An opt-out therefore waits behind one batch, not behind the file; and a run after a
/// crash or a database failure skips the records already committed, takes up the counts, and ends as one clean run would.
/// </summary>
/// <param name="pause">On SQLite, a moment without the write lock after each commit: writers waiting on the busy timeout
/// poll every 100 ms at most, and would otherwise find the next batch already holding the lock.</param>
internal sealed class ImportBatches(
    ImportStore store, ImportCounts counts, string sha256, string kind, DateTimeOffset now, int commitRows, Func<ImportCheckpoint, CancellationToken, Task>? committed, TimeSpan pause)
{
    private long uncommitted;

    /// <summary>Records of the file an earlier run committed: the importer skips them.</summary>
    public long ResumeAfter { get; init; }

    /// <summary>The file's <c>import_files</c> row, once a batch (of this run or an earlier one) wrote it.</summary>
    public long? ImportId { get; private set; }

    public static ImportBatches Resuming(
        ImportStore store, ImportCounts counts, string sha256, string kind, DateTimeOffset now, int commitRows, Func<ImportCheckpoint, CancellationToken, Task>? committed,
        TimeSpan pause, ImportProgress? earlier)
    {
        if (earlier is not null)
        {
            counts.Resume(earlier.Progress);
        }

        return new ImportBatches(store, counts, sha256, kind, now, commitRows, committed, pause)
        {
            ResumeAfter = earlier?.RowsCommitted ?? 0,
            ImportId = earlier?.ImportId,
        };
    }

    /// <summary>Whether enough records wait for a commit (the caller flushes what it buffers, then calls <see cref="CommitAsync"/>).</summary>
    public bool Due => uncommitted >= commitRows;

    /// <summary>One more record of the file was read and written (or buffered).</summary>
    public void Count() => uncommitted++;

    /// <summary>Commits everything written so far with the file's progress: <paramref name="records"/> records of the file are done.</summary>
    public async Task CommitAsync(ImportSession session, long records, CancellationToken cancellationToken)
    {
        ImportId = await store.SaveProgressAsync(session, ImportId, sha256, kind, counts, records, now, cancellationToken);
        uncommitted = 0;
        Hosting.Failpoints.Hit("import.before_commit");
        await session.CommitAndContinueAsync(
            async token =>
            {
                Hosting.Failpoints.Hit("import.after_commit");
                if (committed is not null)
                {
                    await committed(new ImportCheckpoint(records, counts.RowsRead), token);
                }

                if (pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, token);
                }
            },
            cancellationToken);
    }
}

/// <summary>A batch of a file just committed: its records up to <paramref name="Records"/> are in the database.</summary>
public sealed record ImportCheckpoint(long Records, long RowsRead);
