using Vinculo.Engines;

namespace Vinculo.Consent;

/// <summary>Erasure finds unclassified rows through <c>contacts.raw_phone_key</c> (V013), kept true as other tools change numbers.</summary>
public abstract partial class ErasureTests
{
    [SkippableFact]
    public async Task Erase_FindsAnUnclassifiedRow_WhoseNumberAnotherToolChanged_AfterAnEarlierErasureReadIt()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var row = await seed.ContactAsync(null, Now.AddDays(-10), name: "Maria (loja)", raw: "(11) 98888-7777", status: "unchecked");
        await seed.ExecuteAsync("UPDATE contacts SET phone_checked_at = NULL WHERE contact_id = @row", new { row });

        var first = await db.CliAsync(["erase", "--phone", "(21) 99999-0000", "--now", "2026-11-23T15:00:00Z"]);
        Assert.True(first.ExitCode == 0, first.All);
        // The first erasure read the row's raw number once, and kept what it reads as.
        Assert.Equal(1L, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE contact_id = @row AND raw_phone_key IS NOT NULL AND erased_at IS NULL", new { row }));

        await seed.ExecuteAsync("UPDATE contacts SET phone_raw = '11 98765 4321' WHERE contact_id = @row", new { row });
        var second = await db.CliAsync(["erase", "--phone", "(11) 98765-4321", "--now", "2026-11-23T15:05:00Z"]);

        Assert.True(second.ExitCode == 0, second.All);
        Assert.Contains("1 contato(s)", second.Output, StringComparison.Ordinal);
        Assert.Equal(1L, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE contact_id = @row AND erased_at IS NOT NULL AND phone_raw IS NULL AND name IS NULL", new { row }));
    }
}
