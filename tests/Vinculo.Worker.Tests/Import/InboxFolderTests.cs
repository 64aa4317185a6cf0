namespace Vinculo.Import;

/// <summary>Moving files out of the inbox: never overwriting, never losing one.</summary>
public sealed class InboxFolderTests : IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("vinculo-inbox-").FullName;

    [Fact]
    public void Archive_NeverOverwrites_AndKeepsTheBytesAndTheTime()
    {
        var inbox = new InboxFolder(root);
        var written = new DateTime(2026, 11, 20, 10, 0, 0, DateTimeKind.Utc);
        var moved = new List<string>();
        foreach (var content in new[] { "primeira", "segunda", "terceira" })
        {
            var path = Path.Combine(root, "conversa.txt");
            File.WriteAllText(path, content);
            File.SetLastWriteTimeUtc(path, written);
            moved.Add(inbox.MoveToArchive(path));
        }

        Assert.Equal(["conversa (2).txt", "conversa (3).txt", "conversa.txt"], Directory.EnumerateFiles(Path.Combine(root, InboxFolder.Archive)).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));
        Assert.Equal(["primeira", "segunda", "terceira"], moved.Select(File.ReadAllText));
        Assert.All(moved, file => Assert.Equal(written, File.GetLastWriteTimeUtc(file)));
        Assert.False(File.Exists(Path.Combine(root, "conversa.txt")));
    }

    [Fact]
    public void FailedCopy_LeavesTheOriginalInPlace_AndNoPartialFileBehind()
    {
        var path = Path.Combine(root, "conversa.txt");
        File.WriteAllText(path, "conteúdo");
        var blocked = Path.Combine(root, "bloqueado");
        File.WriteAllText(blocked, "um arquivo onde devia haver uma pasta");

        Assert.ThrowsAny<IOException>(() => InboxFolder.MoveInto(path, blocked));

        Assert.Equal("conteúdo", File.ReadAllText(path));
        Assert.Equal(["bloqueado", "conversa.txt"], Directory.EnumerateFiles(root).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Quarantine_WritesTheReasonBesideTheFile()
    {
        var inbox = new InboxFolder(root);
        var path = Path.Combine(root, "foto.jpg");
        File.WriteAllBytes(path, [0xFF, 0xD8, 0xFF]);

        var moved = inbox.MoveToQuarantine(path, "Tipo de arquivo não reconhecido.", new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

        Assert.StartsWith("Tipo de arquivo não reconhecido.", File.ReadAllText(moved + ".reason.txt"), StringComparison.Ordinal);
        Assert.Equal([0xFF, 0xD8, 0xFF], File.ReadAllBytes(moved));
    }

    [Theory]
    [InlineData("conversa.txt", true)]
    [InlineData(".conversa.txt.1a2b3c4d.part", false)]
    [InlineData("~$contatos.csv", false)]
    [InlineData("contatos.csv.crdownload", false)]
    [InlineData("lista.tmp", false)]
    public void Candidates_LeaveOutHiddenAndPartialFiles(string name, bool candidate) => Assert.Equal(candidate, InboxFolder.IsCandidate(name));

    public void Dispose() => Directory.Delete(root, recursive: true);
}
