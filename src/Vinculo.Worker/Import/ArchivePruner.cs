namespace Vinculo.Import;

/// <summary>
/// <c>Import:ArchiveDays</c>, carried out by <c>retention</c>: deletes the files of the inbox's <c>archive/</c> folder last
/// written before a cutoff, each with the <c>.report.txt</c> written beside it. Archiving keeps a file's own last-write time,
/// so the age counts from when the file was written (exported, saved), not from when it was imported. Only the folder's
/// own files: never <c>quarantine/</c> (files a person must look at), never a move still in progress.
/// </summary>
public static class ArchivePruner
{
    public const string ReportSuffix = ".report.txt";

    /// <summary>Deletes what <paramref name="inboxRoot"/>'s archive holds from before <paramref name="before"/>.</summary>
    public static ArchivePruneResult Prune(string inboxRoot, DateTimeOffset before)
    {
        var folder = Path.Combine(Path.GetFullPath(inboxRoot), InboxFolder.Archive);
        if (!Directory.Exists(folder))
        {
            return new ArchivePruneResult(0, 0, 0);
        }

        var files = Directory.EnumerateFiles(folder).Where(file => InboxFolder.IsCandidate(Path.GetFileName(file))).ToList();
        var present = files.ToHashSet(StringComparer.Ordinal);
        int deleted = 0, reports = 0, failed = 0;
        foreach (var file in files)
        {
            // A report goes with its file; one whose file is gone is judged by its own age.
            if (IsReportOf(file, present) || File.GetLastWriteTimeUtc(file) >= before.UtcDateTime)
            {
                continue;
            }

            if (!TryDelete(file))
            {
                failed++;
                continue;
            }

            deleted++;
            var report = file + ReportSuffix;
            if (present.Contains(report))
            {
                if (TryDelete(report))
                {
                    reports++;
                }
                else
                {
                    failed++;
                }
            }
        }

        return new ArchivePruneResult(deleted, reports, failed);
    }

    /// <summary>
    /// Deletes one archived file by its name in <c>archive/</c>, with its report (an erasure). A file already gone is
    /// fine; one that cannot be deleted throws, so that the erasure fails and is tried again rather than half done.
    /// </summary>
    /// <returns>Whether the file was there.</returns>
    public static bool DeleteArchived(string inboxRoot, string archiveName)
    {
        if (archiveName.Length == 0 || Path.GetFileName(archiveName) != archiveName || archiveName is "." or "..")
        {
            return false;
        }

        var file = Path.Combine(Path.GetFullPath(inboxRoot), InboxFolder.Archive, archiveName);
        var existed = File.Exists(file);
        File.Delete(file);
        File.Delete(file + ReportSuffix);
        return existed;
    }

    private static bool IsReportOf(string file, HashSet<string> present) =>
        file.EndsWith(ReportSuffix, StringComparison.Ordinal) && present.Contains(file[..^ReportSuffix.Length]);

    private static bool TryDelete(string file)
    {
        try
        {
            File.Delete(file);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}

/// <param name="FilesDeleted">Archived files deleted.</param>
/// <param name="ReportsDeleted">Their <c>.report.txt</c> files, deleted with them.</param>
/// <param name="Failed">Files that could not be deleted (in use, no permission); the next run tries again.</param>
public sealed record ArchivePruneResult(int FilesDeleted, int ReportsDeleted, int Failed);
