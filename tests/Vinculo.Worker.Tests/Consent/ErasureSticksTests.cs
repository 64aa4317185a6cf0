using Vinculo.Jobs;
using Vinculo.Import;
using Vinculo.Privacy;

namespace Vinculo.Consent;

/// <summary>Erasure that sticks (LGPD art. 18): after <c>erase</c>, nothing the business still holds brings the person back.</summary>
public abstract partial class ErasureTests
{
    private const string NumberChat = "Conversa do WhatsApp com +55 11 98765-4321.txt";
    private const string NameChat = "Conversa do WhatsApp com Maria Souza.txt";
    private const string OldSpreadsheet = "name,phone,consent\nMaria Souza,(11) 98765-4321,sim\nRafael Lima,(21) 99876-5432,sim\n";

    [SkippableFact]
    public async Task Erase_DeletesTheArchivedOneToOneExports_AndReimportingHerOldFilesStoresNothing()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        ImportTestKit.DropText(db, "clientes.csv", OldSpreadsheet);
        Assert.Equal(JobRunStatus.Succeeded, (await ImportTestKit.RunJobAsync(db)).Status);
        ImportTestKit.Drop(db, Path.Combine(ImportTestKit.SamplesFolder, NumberChat));
        ImportTestKit.Drop(db, Path.Combine(ImportTestKit.SamplesFolder, NameChat));
        ImportTestKit.Drop(db, Path.Combine(ImportTestKit.SamplesFolder, "Conversa do WhatsApp com Encomendas Natal 2026.txt"));
        Assert.Equal(JobRunStatus.Succeeded, (await ImportTestKit.RunJobAsync(db)).Status);
        var archive = Path.Combine(ImportTestKit.Inbox(db), InboxFolder.Archive);
        Assert.Contains(NumberChat, ImportTestKit.FilesIn(archive));
        Assert.Contains(NameChat, ImportTestKit.FilesIn(archive));
        Assert.Equal(11, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM interactions"));

        // An export archived by a version that did not record where it went: found by the number in its name.
        File.Copy(Path.Combine(ImportTestKit.SamplesFolder, NumberChat), Path.Combine(archive, "Conversa do WhatsApp com +55 11 98765\u20114321 (2).txt"));

        var erase = await db.CliAsync(["erase", "--phone", "+55 11 98765-4321", "--now", "2026-11-23T15:00:00Z"]);

        Assert.True(erase.ExitCode == 0, erase.All);
        // Her two 1:1 exports are gone; the group export and the spreadsheets stay (README: the business's own files).
        Assert.Equal(["Conversa do WhatsApp com Encomendas Natal 2026.txt", "clientes.csv"], ImportTestKit.FilesIn(archive));
        Assert.Equal(2, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM import_files WHERE counterpart_hash = @hash AND archive_name IS NULL", new { hash = PhoneHash.Of(Maria) }));
        Assert.Equal(0, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM import_files WHERE archive_name IS NOT NULL"));
        Assert.Equal(2, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM erased_numbers"));

        // The business drops her old files again: the two exports, the spreadsheet, and she writes "oi" on WhatsApp.
        ImportTestKit.Drop(db, Path.Combine(ImportTestKit.SamplesFolder, NumberChat));
        ImportTestKit.Drop(db, Path.Combine(ImportTestKit.SamplesFolder, NameChat));
        ImportTestKit.DropText(db, "clientes (velho).csv", OldSpreadsheet);
        ImportTestKit.DropText(db, "Contatos.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Souza;Maria;;;\r\nFN:Maria Souza\r\nTEL;type=CELL:+55 11 98765-4321\r\nEND:VCARD\r\n");
        var again = await ImportTestKit.RunJobAsync(db, ImportTestKit.Now.AddDays(1));
        await seed.InboundAsync("5511987654321", "oi, tudo bem? aqui é a Maria", ImportTestKit.Now.AddDays(1));
        await seed.PreferenceAsync("5511987654321", "stop", ImportTestKit.Now.AddDays(1));
        // Her "Sair" through the webhook, with WhatsApp's profile name for her, arrives after the erasure.
        await AcceptWebhookAsync(db, "webhook-message-text.json");
        var inbound = await seed.RunAsync(ProcessInboundJob.Key, ImportTestKit.Now.AddDays(1).AddMinutes(1));

        Assert.True(again.Status == JobRunStatus.Succeeded, again.Error);
        // 6 messages of the number-keyed chat, 3 of the name-keyed one, 1 spreadsheet row, 1 card.
        Assert.Equal(11L, again.Result!.Detail!["skipped_erased"]);
        Assert.Equal(2L, again.Result.Detail["erased_chats_deleted"]);
        Assert.Equal(3L, inbound.Result!.Detail!["skipped_erased"]);
        Assert.Equal(0, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE erased_at IS NULL AND phone_e164 = @Maria", new { Maria }));
        Assert.Equal(1, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE erased_at IS NULL AND name = 'Rafael Lima'"));
        var traces = await TracesAsync(db, ["Maria", "Souza", "Carla Mendes", "987654321", "8765-4321", "87654321"]);
        Assert.True(traces.Count == 0, string.Join("\n", traces));
        Assert.Equal(["Contatos.vcf", "Conversa do WhatsApp com Encomendas Natal 2026.txt", "clientes (velho).csv", "clientes.csv"], ImportTestKit.FilesIn(archive));
        var inboxTraces = Directory.EnumerateFiles(ImportTestKit.Inbox(db), "*", SearchOption.AllDirectories)
            .Where(file => file.Contains("Maria", StringComparison.Ordinal) || file.Contains("98765", StringComparison.Ordinal) ||
                           (file.EndsWith(".txt", StringComparison.Ordinal) && File.ReadAllText(file).Contains("Maria Souza", StringComparison.Ordinal)))
            .ToList();
        Assert.True(inboxTraces.Count == 0, string.Join("\n", inboxTraces));
    }

    [SkippableFact]
    public async Task AnErasedNumber_ComesBackOnlyByItsOwnOptIn_AsANewContactWithConsent()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var maria = await seed.ContactAsync(Maria, Now.AddDays(-100), name: "Maria Souza");
        await seed.ConsentAsync(maria, "granted", Now.AddDays(-90));
        Assert.Equal(0, (await db.CliAsync(["erase", "--phone", Maria, "--now", "2026-11-23T15:00:00Z"])).ExitCode);

        await seed.InboundAsync("551187654321", "Sim", Now.AddDays(2));
        var run = await seed.RunAsync(ProcessInboundJob.Key, Now.AddDays(2).AddMinutes(1));

        Assert.Equal(1L, run.Result!.Detail!["returned_after_erasure"]);
        var back = await seed.ScalarAsync<long>("SELECT contact_id FROM contacts WHERE erased_at IS NULL AND phone_e164 = @Maria", new { Maria });
        Assert.NotEqual(maria, back);
        Assert.Equal("granted", await seed.ConsentStatusAsync(back));
        Assert.Null(await seed.ScalarAsync<string?>("SELECT name FROM contacts WHERE contact_id = @back", new { back }));
        Assert.Equal(0, await seed.CountAsync("erased_numbers"));
        Assert.False(await seed.IsSuppressedAsync(Maria));

        // Back in the base, she is an ordinary contact again: a chat export of hers imports.
        ImportTestKit.Drop(db, Path.Combine(ImportTestKit.SamplesFolder, NumberChat));
        var import = await ImportTestKit.RunJobAsync(db, ImportTestKit.Now.AddDays(3));
        Assert.Equal(0L, import.Result!.Detail!["skipped_erased"]);
        Assert.Equal(6, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE contact_id = @back", new { back }));
    }
}
