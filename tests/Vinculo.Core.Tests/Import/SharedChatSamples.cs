using System.IO.Compression;
using System.Text;

namespace Vinculo.Core.Tests.Import;

/// <summary>
/// The shared chat exports, read where CI puts them: <c>../shared/data/chats</c> beside the checkout (never copied into
/// the repository). A .zip is opened the way the import job will: its <c>_chat.txt</c> streamed straight from the archive.
/// </summary>
internal static class SharedChatSamples
{
    public static string Folder
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Worker.sln")))
            {
                directory = directory.Parent;
            }

            return directory?.Parent is null
                ? throw new InvalidOperationException($"No Worker.sln above {AppContext.BaseDirectory}: cannot find ../shared/data/chats.")
                : Path.Combine(directory.Parent.FullName, "shared", "data", "chats");
        }
    }

    public static IEnumerable<string> FileNames =>
        Directory.EnumerateFiles(Folder).Select(Path.GetFileName).Where(name => name is not null && !name.EndsWith(".md", StringComparison.Ordinal))!;

    public static Func<TextReader> Open(string fileName)
    {
        var path = Path.Combine(Folder, fileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Shared chat sample missing: {path}", path);
        }

        return fileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase)
            ? () => OpenZipped(path)
            : () => new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
    }

    private static ZipEntryReader OpenZipped(string path)
    {
        var archive = ZipFile.OpenRead(path);
        try
        {
            var entry = archive.GetEntry("_chat.txt") ??
                archive.Entries.Single(candidate => candidate.FullName.EndsWith(".txt", StringComparison.OrdinalIgnoreCase));
            return new ZipEntryReader(archive, entry.Open());
        }
        catch
        {
            archive.Dispose();
            throw;
        }
    }

    /// <summary>Reads one entry and closes the archive with it, so that the parser's disposing the reader is enough.</summary>
    private sealed class ZipEntryReader(ZipArchive archive, Stream entry) : StreamReader(entry, Encoding.UTF8, detectEncodingFromByteOrderMarks: true)
    {
        protected override void Dispose(bool disposing)
        {
            base.Dispose(disposing);
            if (disposing)
            {
                archive.Dispose();
            }
        }
    }
}
