using System.IO.Compression;
using System.Text;
using CsCheck;
using Vinculo.Engines;
using Vinculo.Jobs;
using static Vinculo.Import.ImportTestKit;

namespace Vinculo.Import;

/// <summary>
/// Thousands of damaged exports (truncated, shuffled, overwritten with random bytes, re-encoded, zipped or half-zipped,
/// renamed to .csv) go through <c>import-chats</c> in one SQLite database: the job never fails, every file ends in
/// <c>archive/</c> or <c>quarantine/</c>, and no interaction imported before is ever lost.
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
    }

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
    }

    /// <summary>The shared samples' texts (the iPhone one out of its archive) with their names.</summary>
    private static List<(string Name, string Text)> Seeds() =>
        SampleFiles.Select(file => file.EndsWith(".zip", StringComparison.Ordinal)
            ? (Path.ChangeExtension(Path.GetFileName(file), ".txt"), ReadZipped(file))
            : (Path.GetFileName(file), File.ReadAllText(file))).ToList();

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
