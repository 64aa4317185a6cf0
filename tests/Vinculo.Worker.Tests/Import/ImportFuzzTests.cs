using System.IO.Compression;
using System.Text;
using CsCheck;
using Vinculo.Engines;
using Vinculo.Jobs;
using static Vinculo.Import.ImportTestKit;

namespace Vinculo.Import;

/// <summary>
/// Thousands of damaged exports, contact cards and Google Contacts files (truncated, shuffled, overwritten with random
/// bytes, sprinkled with hidden characters, re-encoded, zipped or half-zipped, renamed to .csv or .vcf) go through
/// <c>import-chats</c> in one SQLite database: the job never fails, every file ends in <c>archive/</c> or
/// <c>quarantine/</c>, no interaction imported before is ever lost, and no file is half imported (what is in the base
/// is exactly what the archived files' records say they added).
/// </summary>
public sealed class ImportFuzzTests(SqliteEngine engine) : IClassFixture<SqliteEngine>
{
    private const int Files = 2_000;
    private const int FilesPerRun = 250;

    private enum Mutation
    {
        None,
        Truncate,
        ShuffleLines,
        DropLines,
        RandomBytes,
        Windows1252,
        Utf16WithoutMark,
        Doubled,
        Zipped,
        BrokenZip,
        AsCsv,
        HiddenCharacters,
        AsVCard,
    }

    /// <summary>Marks, dashes and spaces phones put into numbers and names.</summary>
    private const string Hidden = "\u200E\u200F\u2011\u2013\u2212\u00A0\u202F\u2009\u202A\u202C\u2066\u2069\uFEFF";

    private const string GoogleCsv =
        "Name,Given Name,Family Name,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value\n" +
        "Beto Alves,Beto,Alves,Home,(41) 3222-1111,Mobile,+55 41 99111-2222 ::: +55 41 99333-4444\n" +
        "Carla Dias,Carla,Dias,Mobile,(51) 98888-7777,,\n";

    private const string SpanishChat =
        "3/11/26, 9:12\u00A0p.\u00A0m. - Los mensajes y las llamadas están cifrados de extremo a extremo.\n" +
        "3/11/26, 9:13\u00A0p.\u00A0m. - +55 11 98765\u20114321: Hola\n" +
        "4/11/26, 12:05\u00A0a.\u00A0m. - +55 11 98765\u20114321: <Multimedia omitido>\n";

    [Fact]
    public async Task DamagedExports_NeverCrashTheJob_EveryFileEndsSomewhere_AndNothingImportedIsLost()
    {
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        await InsertContactAsync(db, "Maria Souza", null);
        var seeds = Seeds();
        var plan = Gen.Select(Gen.Int[0, seeds.Count - 1], Gen.Enum<Mutation>(), Gen.Int, Gen.Byte.Array[1, 16])
            .Array[Files]
            .Single();

        var keys = new HashSet<string>(StringComparer.Ordinal);
        var now = Now;
        for (var start = 0; start < Files; start += FilesPerRun)
        {
            for (var i = start; i < Math.Min(Files, start + FilesPerRun); i++)
            {
                var (seed, mutation, number, noise) = plan[i];
                var (name, bytes) = Mutate(seeds[seed], mutation, number, noise);
                var path = Path.Combine(Inbox(db), $"{i:D4} {name}");
                Directory.CreateDirectory(Inbox(db));
                await File.WriteAllBytesAsync(path, bytes);
                File.SetLastWriteTimeUtc(path, now.UtcDateTime.AddHours(-1));
            }

            var outcome = await RunJobAsync(db, now);

            Assert.True(outcome.Status == JobRunStatus.Succeeded, outcome.Error);
            Assert.Empty(FilesIn(Inbox(db)));
            var stored = await QueryAsync<string>(db, "SELECT source_key FROM interactions");
            Assert.True(keys.IsSubsetOf(stored), "an interaction imported earlier disappeared");
            keys.UnionWith(stored);
            now = now.AddMinutes(5);
        }

        var archived = FilesIn(Path.Combine(Inbox(db), InboxFolder.Archive)).Count(f => !f.EndsWith(".report.txt", StringComparison.Ordinal));
        var quarantined = FilesIn(Path.Combine(Inbox(db), InboxFolder.Quarantine)).Where(f => !f.EndsWith(".reason.txt", StringComparison.Ordinal)).ToList();
        Assert.Equal(Files, archived + quarantined.Count);
        Assert.All(quarantined, f => Assert.True(File.Exists(Path.Combine(Inbox(db), InboxFolder.Quarantine, f + ".reason.txt"))));
        Assert.True(archived > Files / 4 && quarantined.Count > Files / 20, $"{archived} archived, {quarantined.Count} quarantined: the mutations miss a side");
        Assert.True(keys.Count >= 19, "the intact samples were not imported");

        // Nothing half imported: the base holds exactly what the archived files' records say they added.
        Assert.Equal(
            await QueryAsync<long>(db, "SELECT COALESCE(SUM(interactions_added), 0) FROM import_files WHERE outcome = 'archived'"),
            await QueryAsync<long>(db, "SELECT COUNT(*) FROM interactions"));
        Assert.Equal(
            (await QueryAsync<long>(db, "SELECT COALESCE(SUM(contacts_created), 0) FROM import_files WHERE outcome = 'archived'"))[0] + 1,
            await CountAsync(db, "contacts"));
        Assert.Equal(0, await CountAsync(db, "import_files", "outcome = 'quarantined' AND (interactions_added > 0 OR contacts_created > 0 OR contacts_updated > 0)"));
    }

    /// <summary>The shared samples' texts (the iPhone one out of its archive) with their names, and contacts as phones and Google export them.</summary>
    private static List<(string Name, string Text)> Seeds() =>
    [
        .. SampleFiles.Select(file => file.EndsWith(".zip", StringComparison.Ordinal)
            ? (Path.ChangeExtension(Path.GetFileName(file), ".txt"), ReadZipped(file))
            : (Path.GetFileName(file), File.ReadAllText(file))),
        ("Contatos.vcf", VCardSamples.Android21), ("iPhone.vcf", VCardSamples.IPhone30), ("Ana.vcf", VCardSamples.Version40),
        ("contacts.csv", GoogleCsv), ("Chat de WhatsApp con +55 11 98765-4321.txt", SpanishChat),
    ];

    private static string ReadZipped(string file)
    {
        using var archive = ZipFile.OpenRead(file);
        using var reader = new StreamReader(archive.GetEntry("_chat.txt")!.Open());
        return reader.ReadToEnd();
    }

    private static (string Name, byte[] Bytes) Mutate((string Name, string Text) seed, Mutation mutation, int number, byte[] noise)
    {
        var utf8 = Encoding.UTF8.GetBytes(seed.Text);
        var lines = seed.Text.Split('\n');
        var random = new Random(number);
        switch (mutation)
        {
            case Mutation.Truncate:
                return (seed.Name, utf8[..random.Next(utf8.Length + 1)]);
            case Mutation.ShuffleLines:
                random.Shuffle(lines);
                return (seed.Name, Encoding.UTF8.GetBytes(string.Join('\n', lines)));
            case Mutation.DropLines:
                return (seed.Name, Encoding.UTF8.GetBytes(string.Join('\n', lines.Where(_ => random.Next(3) > 0))));
            case Mutation.RandomBytes:
                var damaged = (byte[])utf8.Clone();
                foreach (var value in noise)
                {
                    damaged[random.Next(damaged.Length)] = value;
                }

                return (seed.Name, damaged);
            case Mutation.Windows1252:
                return (seed.Name, CodePagesEncodingProvider.Instance.GetEncoding(1252)!.GetBytes(seed.Text));
            case Mutation.Utf16WithoutMark:
                return (seed.Name, Encoding.Unicode.GetBytes(seed.Text));
            case Mutation.Doubled:
                return (seed.Name, [.. utf8, .. utf8]);
            case Mutation.Zipped:
                return (Path.ChangeExtension(seed.Name, ".zip"), Zip(utf8, random.Next(2) == 0 ? "_chat.txt" : "conversa.txt"));
            case Mutation.BrokenZip:
                var zip = Zip(utf8, "_chat.txt");
                return (Path.ChangeExtension(seed.Name, ".zip"), zip[..random.Next(zip.Length)]);
            case Mutation.AsCsv:
                return (Path.ChangeExtension(seed.Name, ".csv"), utf8[..random.Next(utf8.Length + 1)]);
            case Mutation.AsVCard:
                return (Path.ChangeExtension(seed.Name, ".vcf"), utf8[..random.Next(utf8.Length + 1)]);
            case Mutation.HiddenCharacters:
                var text = new StringBuilder(seed.Text);
                foreach (var value in noise)
                {
                    text.Insert(random.Next(text.Length + 1), Hidden[value % Hidden.Length]);
                }

                return (seed.Name, Encoding.UTF8.GetBytes(text.ToString()));
            default:
                return (seed.Name, utf8);
        }
    }

    private static byte[] Zip(byte[] text, string entryName)
    {
        using var buffer = new MemoryStream();
        using (var archive = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = archive.CreateEntry(entryName).Open();
            entry.Write(text);
        }

        return buffer.ToArray();
    }
}
