using System.Globalization;
using System.Text;

namespace Vinculo.Import;

/// <summary>
/// A folder files are dropped into: the files waiting in it (chat exports and contact CSVs at its top level, suppression
/// lists in <c>suppression/</c>), and where they go when done (<c>archive/</c>, or <c>quarantine/</c> beside a
/// <c>.reason.txt</c>). Moves never overwrite and never lose a file: the bytes are copied beside the destination,
/// flushed, renamed into place, and only then is the original deleted, whichever volumes the folders are on.
/// </summary>
public sealed class InboxFolder(string root)
{
    public const string Archive = "archive";
    public const string Quarantine = "quarantine";
    public const string Suppression = "suppression";

    private static readonly string[] PartialSuffixes = [".part", ".partial", ".tmp", ".crdownload", ".download", "~"];

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The files waiting, in name order: those at the top level, then the suppression lists.</summary>
    public IEnumerable<(string Path, ImportKind? Kind)> Pending()
    {
        foreach (var file in Files(Root))
        {
            yield return (file, null);
        }

        foreach (var file in Files(Path.Combine(Root, Suppression)))
        {
            yield return (file, ImportKind.Suppression);
        }
    }

    /// <summary>Hidden files, Office lock files and downloads still in progress are not for import.</summary>
    public static bool IsCandidate(string name) =>
        !name.StartsWith('.') && !name.StartsWith("~$", StringComparison.Ordinal) &&
        !PartialSuffixes.Any(suffix => name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase));

    /// <returns>Where the file is now.</returns>
    public string MoveToArchive(string path) => MoveInto(path, Path.Combine(Root, Archive));

    /// <returns>Where the file is now; its reason is beside it, in <c>&lt;name&gt;.reason.txt</c>.</returns>
    public string MoveToQuarantine(string path, string reason, DateTimeOffset now)
    {
        var moved = MoveInto(path, Path.Combine(Root, Quarantine));
        var text = new StringBuilder()
            .AppendLine(reason)
            .AppendLine()
            .AppendLine(CultureInfo.InvariantCulture, $"Arquivo posto em quarentena em {now.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC; nada dele foi importado.")
            .AppendLine("Corrija-o (ou exporte-o de novo) e coloque-o outra vez na pasta de entrada.")
            .ToString();
        WriteBeside(moved, ".reason.txt", text);
        return moved;
    }

    /// <summary>A text file beside a moved file (its reason, or the rows it rejected), written whole or not at all.</summary>
    public static void WriteBeside(string movedFile, string suffix, string text)
    {
        var target = movedFile + suffix;
        var temp = Path.Combine(Path.GetDirectoryName(target)!, "." + Path.GetFileName(target) + "." + Guid.NewGuid().ToString("N")[..8] + ".part");
        File.WriteAllText(temp, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.Move(temp, target, overwrite: true);
    }

    /// <summary>Copy, flush, rename into a free name, then delete the original: at any moment the file exists whole somewhere.</summary>
    internal static string MoveInto(string source, string folder)
    {
        Directory.CreateDirectory(folder);
        var name = Path.GetFileName(source);
        var temp = Path.Combine(folder, "." + name + "." + Guid.NewGuid().ToString("N")[..8] + ".part");
        try
        {
            using (var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan))
            using (var to = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                from.CopyTo(to);
                to.Flush(flushToDisk: true);
            }

            File.SetLastWriteTimeUtc(temp, File.GetLastWriteTimeUtc(source));
            var target = ClaimName(temp, folder, name);
            File.Delete(source);
            return target;
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Renames the copy to the file's name, or "name (2).ext", "name (3).ext" … when taken: nothing is overwritten.</summary>
    private static string ClaimName(string temp, string folder, string name)
    {
        var stem = Path.GetFileNameWithoutExtension(name);
        var extension = Path.GetExtension(name);
        for (var copy = 1; ; copy++)
        {
            var target = Path.Combine(folder, copy == 1 ? name : $"{stem} ({copy}){extension}");
            if (File.Exists(target))
            {
                continue;
            }

            try
            {
                File.Move(temp, target, overwrite: false);
                return target;
            }
            catch (IOException) when (File.Exists(target))
            {
                // Taken between the check and the rename: try the next name.
            }
        }
    }

    private static List<string> Files(string folder) =>
        Directory.Exists(folder)
            ? Directory.EnumerateFiles(folder).Where(file => IsCandidate(Path.GetFileName(file))).Order(StringComparer.Ordinal).ToList()
            : [];
}
