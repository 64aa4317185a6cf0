using Vinculo.Engines;
using static Vinculo.Import.ImportTestKit;

namespace Vinculo.Import;

/// <summary>The <c>import</c> verb: its summary and its exit codes.</summary>
public sealed class ImportCommandTests(SqliteEngine engine) : IClassFixture<SqliteEngine>
{
    [Fact]
    public async Task MissingPath_ExitsWithTwo()
    {
        await using var db = await engine.CreateDatabaseAsync();
        Assert.Equal(0, (await db.CliAsync(["migrate"])).ExitCode);

        var result = await db.CliAsync(["import", Path.Combine(db.ContentRoot, "nada-aqui")]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Caminho não encontrado", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FolderWithAQuarantinedFile_ExitsWithOne_AndSaysWhatBecameOfEachFile()
    {
        await using var db = await engine.CreateDatabaseAsync();
        Assert.Equal(0, (await db.CliAsync(["migrate"])).ExitCode);
        var folder = Path.Combine(db.ContentRoot, "exportados");
        Directory.CreateDirectory(folder);
        foreach (var sample in SampleFiles)
        {
            File.Copy(sample, Path.Combine(folder, Path.GetFileName(sample)));
        }

        var result = await db.CliAsync(["import", folder]);

        Assert.True(result.ExitCode == 1, result.All);
        Assert.Contains("not-a-chat.txt: em quarentena", result.Output, StringComparison.Ordinal);
        Assert.Contains("Conversa do WhatsApp com +55 11 98765-4321.txt: importado", result.Output, StringComparison.Ordinal);
        Assert.Contains("6 interação(ões) nova(s)", result.Output, StringComparison.Ordinal);
        Assert.Contains("nome não corresponde", result.Output, StringComparison.Ordinal);
        Assert.Empty(FilesIn(folder));
        Assert.Equal(5, FilesIn(Path.Combine(folder, InboxFolder.Archive)).Count);
        Assert.DoesNotContain(result.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Information && e.Text.Contains("98765", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CsvWithABadRow_ExitsWithZero_AndNamesTheLine()
    {
        await using var db = await engine.CreateDatabaseAsync();
        Assert.Equal(0, (await db.CliAsync(["migrate"])).ExitCode);
        var file = Path.Combine(db.ContentRoot, "contatos.csv");
        await File.WriteAllTextAsync(file, "name;phone;consent\nAna;11 98765-4321;sim\nBia;11 97777-1111;talvez\nCaio;11 96666-2222;\n");

        var result = await db.CliAsync(["import", file]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("linha 3: consent 'talvez' não é reconhecido", result.Output, StringComparison.Ordinal);
        Assert.Contains("3 linha(s), 2 criado(s)", result.Output, StringComparison.Ordinal);
        Assert.Equal(["contatos.csv", "contatos.csv.report.txt"], FilesIn(Path.Combine(db.ContentRoot, InboxFolder.Archive)));
    }

    [Fact]
    public async Task SuppressionOption_ReadsTheFileAsADoNotCallList()
    {
        await using var db = await engine.CreateDatabaseAsync();
        Assert.Equal(0, (await db.CliAsync(["migrate"])).ExitCode);
        var file = Path.Combine(db.ContentRoot, "nao-me-ligue.csv");
        await File.WriteAllTextAsync(file, "11 98765-4321\n11 97777-1111\n");

        var result = await db.CliAsync(["import", "--suppression", file]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("2 novo(s) na lista", result.Output, StringComparison.Ordinal);
        Assert.Equal(2, await CountAsync(db, "suppression_list"));
        Assert.Equal(0, await CountAsync(db, "contacts"));
    }

    [Fact]
    public async Task SchemaNotMigrated_ExitsWithTwo()
    {
        await using var db = await engine.CreateDatabaseAsync();
        var file = Path.Combine(db.ContentRoot, "contatos.csv");
        await File.WriteAllTextAsync(file, "name,phone\nAna,11 98765-4321\n");

        var result = await db.CliAsync(["import", file, "--Database:MigrateOnStart=false"]);

        Assert.Equal(2, result.ExitCode);
        Assert.True(File.Exists(file));
    }
}
