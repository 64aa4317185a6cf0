using System.Text.Json;
using Vinculo.Engines;
using Vinculo.Jobs;
using static Vinculo.Import.ImportTestKit;

namespace Vinculo.Import;

/// <summary><c>import-chats</c> over the shared samples and exports written here, on every engine.</summary>
public abstract class ImportChatsJobTests(EngineFixture engine) : EngineSuite(engine)
{
    private const string Android = "Conversa do WhatsApp com +55 11 98765-4321.txt";
    private const string Maria = "Conversa do WhatsApp com Maria Souza.txt";
    private const string English = "WhatsApp Chat with +55 21 99876-5432.txt";
    private const string IPhone = "Conversa do WhatsApp - +55 48 99654-3210.zip";
    private const string Group = "Conversa do WhatsApp com Encomendas Natal 2026.txt";
    private const string NotAChat = "not-a-chat.txt";

    [SkippableFact]
    public async Task SharedSamples_YieldWhatExpectedMdLists()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var maria = await InsertContactAsync(db, "MARIA  SÓUZA", "(11) 3333-4444");
        await InsertContactAsync(db, "Maria Souza Lima", null);
        foreach (var sample in SampleFiles)
        {
            Drop(db, sample);
        }

        var outcome = await RunJobAsync(db);

        Assert.Equal(JobRunStatus.Succeeded, outcome.Status);
        var android = (await ContactIdAsync(db, "+5511987654321"))!.Value;
        Assert.Equal(
            [SaoPaulo(11, 2, 10, 14), SaoPaulo(11, 2, 10, 31), SaoPaulo(11, 2, 10, 35), SaoPaulo(11, 9, 19, 2), SaoPaulo(11, 9, 19, 3), SaoPaulo(11, 16, 19, 45)],
            await InteractionTimesAsync(db, android));
        var mentioned = (await ContactIdAsync(db, "+5511912345678"))!.Value;
        Assert.Empty(await InteractionTimesAsync(db, mentioned));
        Assert.Equal(
            [SaoPaulo(10, 5, 8, 1), SaoPaulo(10, 12, 8, 22), SaoPaulo(10, 19, 8, 5)],
            await InteractionTimesAsync(db, maria));
        Assert.Equal(
            [SaoPaulo(11, 3, 21, 12), SaoPaulo(11, 4, 0, 5), SaoPaulo(11, 4, 0, 6), SaoPaulo(11, 10, 21, 48)],
            await InteractionTimesAsync(db, (await ContactIdAsync(db, "+5521998765432"))!.Value));
        Assert.Equal(
            [SaoPaulo(11, 7, 13, 5, 40), SaoPaulo(11, 7, 13, 9, 15), SaoPaulo(11, 7, 13, 9, 31), SaoPaulo(11, 14, 13, 12, 0)],
            await InteractionTimesAsync(db, (await ContactIdAsync(db, "+5548996543210"))!.Value));
        Assert.Equal([SaoPaulo(11, 20, 15, 2)], await InteractionTimesAsync(db, (await ContactIdAsync(db, "+5511977771111"))!.Value));
        Assert.Equal([SaoPaulo(11, 20, 15, 5)], await InteractionTimesAsync(db, (await ContactIdAsync(db, "+5531955553333"))!.Value));
        Assert.Null(await ContactIdAsync(db, "+5511966662222"));

        // 2 contacts before; 3 counterparts by number, 1 mentioned, 2 group members.
        Assert.Equal(8, await CountAsync(db, "contacts"));
        Assert.Equal(6 + 3 + 4 + 4 + 2, await CountAsync(db, "interactions"));
        Assert.Equal(0, await CountAsync(db, "consents"));
        Assert.Equal(0, await CountAsync(db, "consent_events"));
        Assert.Equal(0, await CountAsync(db, "contacts", "phone_e164 IS NOT NULL AND (phone_status <> 'valid' OR time_zone IS NULL OR phone_hash IS NULL)"));
        Assert.Equal(
            [SaoPaulo(11, 16, 19, 45)],
            await QueryAsync<DateTimeOffset>(db, "SELECT last_interaction_at FROM contacts WHERE contact_id = @android", new { android }));
        Assert.All(
            await QueryAsync<DateTimeOffset>(db, "SELECT occurred_at FROM interactions WHERE contact_id = @maria", new { maria }),
            at => Assert.Equal(8, TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo")).Hour));

        var inbox = Inbox(db);
        Assert.Equal([IPhone, Android, Group, Maria, English], FilesIn(Path.Combine(inbox, InboxFolder.Archive)));
        Assert.Equal([NotAChat, NotAChat + ".reason.txt"], FilesIn(Path.Combine(inbox, InboxFolder.Quarantine)));
        Assert.Contains("não é uma conversa", await File.ReadAllTextAsync(Path.Combine(inbox, InboxFolder.Quarantine, NotAChat + ".reason.txt")), StringComparison.Ordinal);
        Assert.Empty(FilesIn(inbox));

        var detail = await DetailAsync(db);
        Assert.Equal(5, detail.GetProperty("files_archived").GetInt64());
        Assert.Equal(1, detail.GetProperty("files_quarantined").GetInt64());
        Assert.Equal(19, detail.GetProperty("interactions_added").GetInt64());
        Assert.Equal(6, detail.GetProperty("contacts_created").GetInt64());
        Assert.Equal(6, await CountAsync(db, "import_files"));
        // The chat pipeline's two stages are timed, as the other jobs' pipelines are.
        Assert.Equal(["chat_read", "chat_write"], detail.GetProperty("timing_ms").EnumerateObject().Select(p => p.Name));
    }

    [SkippableFact]
    public async Task EverySample_ImportedTwice_AddsNothing()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await InsertContactAsync(db, "Maria Souza", null);
        foreach (var sample in SampleFiles)
        {
            Drop(db, sample);
        }

        await RunJobAsync(db);
        var before = await SnapshotAsync(db);
        foreach (var sample in SampleFiles)
        {
            Drop(db, sample);
        }

        var again = await RunJobAsync(db, Now.AddMinutes(5));

        Assert.Equal(before, await SnapshotAsync(db));
        Assert.Equal(0, again.Result!.Changed);
        Assert.Contains("Conversa do WhatsApp com Maria Souza (2).txt", FilesIn(Path.Combine(Inbox(db), InboxFolder.Archive)));
        Assert.Contains("not-a-chat (2).txt", FilesIn(Path.Combine(Inbox(db), InboxFolder.Quarantine)));
    }

    [SkippableFact]
    public async Task OverlappingExports_WithAndWithoutMedia_AddOnlyTheNewMessages()
    {
        await using var db = await NewMigratedDatabaseAsync();
        DropText(db, "Conversa do WhatsApp com +55 11 98765-4321.txt", string.Join("\n",
            "02/11/2026 10:14 - +55 11 98765-4321: Oi",
            "02/11/2026 10:15 - Doceria Bela: Olá!",
            "02/11/2026 10:16 - +55 11 98765-4321: IMG-20261102-WA0001.jpg (arquivo anexado)",
            "03/11/2026 09:00 - +55 11 98765-4321: Obrigada"));
        await RunJobAsync(db);
        DropText(db, "Conversa do WhatsApp com +55 11 98765-4321.txt", string.Join("\n",
            "02/11/2026 10:16 - +55 11 98765-4321: <Mídia oculta>",
            "03/11/2026 09:00 - +55 11 98765-4321: Obrigada",
            "04/11/2026 18:30 - +55 11 98765-4321: Chegou!"));

        await RunJobAsync(db, Now.AddMinutes(5));

        var contact = (await ContactIdAsync(db, "+5511987654321"))!.Value;
        Assert.Equal([SaoPaulo(11, 2, 10, 14), SaoPaulo(11, 2, 10, 16), SaoPaulo(11, 3, 9, 0), SaoPaulo(11, 4, 18, 30)], await InteractionTimesAsync(db, contact));
        Assert.Equal(1, await CountAsync(db, "contacts"));
    }

    [SkippableFact]
    public async Task ChatGrantsConsent_GivesTheCounterpartConsent_NeverGroupMembersNorMentions()
    {
        await using var db = await NewMigratedDatabaseAsync();
        Drop(db, Path.Combine(SamplesFolder, Android));
        Drop(db, Path.Combine(SamplesFolder, Group));

        await RunJobAsync(db, null, "--Import:ChatGrantsConsent=true");
        await RunJobAsync(db, Now.AddMinutes(5), "--Import:ChatGrantsConsent=true");

        var counterpart = (await ContactIdAsync(db, "+5511987654321"))!.Value;
        Assert.Equal(
            [(counterpart, "granted", "chat")],
            await QueryAsync<(long, string, string)>(db, "SELECT contact_id, status, source FROM consents"));
        Assert.Equal(
            [(counterpart, "granted", "chat")],
            await QueryAsync<(long, string, string)>(db, "SELECT contact_id, event, source FROM consent_events"));
    }

    [SkippableFact]
    public async Task ChatGrantsConsent_NeverOverridesAnOptOut()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var contact = await InsertContactAsync(db, null, "+55 11 98765-4321", "+5511987654321");
        await ExecuteAsync(db, "INSERT INTO consents (contact_id, status, source, changed_at) VALUES (@contact, 'revoked', 'whatsapp', @at)", new { contact, at = Now.AddDays(-1) });
        Drop(db, Path.Combine(SamplesFolder, Android));

        await RunJobAsync(db, null, "--Import:ChatGrantsConsent=true");

        Assert.Equal(["revoked"], await QueryAsync<string>(db, "SELECT status FROM consents"));
        Assert.Equal(0, await CountAsync(db, "consent_events"));
        Assert.Equal(6, (await InteractionTimesAsync(db, contact)).Count);
    }

    [SkippableFact]
    public async Task SavedContactChat_WithoutAMatchingContact_IsArchivedAsUnmatched_AndAddsNoInteraction()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await InsertContactAsync(db, "Maria Souza", null);
        await InsertContactAsync(db, "maria souza", null);
        Drop(db, Path.Combine(SamplesFolder, Maria));

        var outcome = await RunJobAsync(db);

        Assert.Equal(0, await CountAsync(db, "interactions"));
        Assert.Equal([Maria], FilesIn(Path.Combine(Inbox(db), InboxFolder.Archive)));
        Assert.Equal(1, (await DetailAsync(db)).GetProperty("chats_unmatched").GetInt64());
        Assert.Equal(JobRunStatus.Succeeded, outcome.Status);
    }

    [SkippableFact]
    public async Task FileStillBeingWritten_IsLeftForTheNextRun()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var path = Drop(db, Path.Combine(SamplesFolder, Android));
        File.SetLastWriteTimeUtc(path, Now.UtcDateTime.AddSeconds(-5));

        var first = await RunJobAsync(db);
        var inboxAfterFirst = FilesIn(Inbox(db));
        var second = await RunJobAsync(db, Now.AddMinutes(5));

        Assert.Equal([Android], inboxAfterFirst);
        Assert.Equal(1, JsonDocument.Parse(JsonSerializer.Serialize(first.Result!.Detail)).RootElement.GetProperty("files_skipped").GetInt64());
        Assert.Equal(6L, second.Result!.Detail!["interactions_added"]);
        Assert.Equal([Android], FilesIn(Path.Combine(Inbox(db), InboxFolder.Archive)));
    }

    [SkippableFact]
    public async Task LastInteraction_MovesOnlyForward()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var contact = await InsertContactAsync(db, null, "+55 11 98765-4321", "+5511987654321");
        var later = Now.AddDays(-1);
        await ExecuteAsync(db, "UPDATE contacts SET last_interaction_at = @later WHERE contact_id = @contact", new { later, contact });
        Drop(db, Path.Combine(SamplesFolder, Android));

        await RunJobAsync(db);

        Assert.Equal([later], await QueryAsync<DateTimeOffset>(db, "SELECT last_interaction_at FROM contacts WHERE contact_id = @contact", new { contact }));
        Assert.Equal(6, (await InteractionTimesAsync(db, contact)).Count);
    }

    [SkippableFact]
    public async Task UnknownFileTypes_AndSuppressionLists_InTheirFolder()
    {
        await using var db = await NewMigratedDatabaseAsync();
        DropText(db, "fotos.pdf", "%PDF-1.4");
        DropText(db, "nao-me-ligue.txt", "11 98765-4321\n(21) 99876-5432\nnúmero ruim\n\n", subfolder: InboxFolder.Suppression);

        await RunJobAsync(db);

        Assert.Equal(["fotos.pdf", "fotos.pdf.reason.txt"], FilesIn(Path.Combine(Inbox(db), InboxFolder.Quarantine)));
        Assert.Equal(["nao-me-ligue.txt", "nao-me-ligue.txt.report.txt"], FilesIn(Path.Combine(Inbox(db), InboxFolder.Archive)));
        Assert.Equal(
            [Privacy.PhoneHash.Of("+5511987654321"), Privacy.PhoneHash.Of("+5521998765432")],
            (await QueryAsync<string>(db, "SELECT phone_hash FROM suppression_list")).Order(StringComparer.Ordinal));
        Assert.Equal(0, await CountAsync(db, "contacts"));
        Assert.Contains("linha 3", await File.ReadAllTextAsync(Path.Combine(Inbox(db), InboxFolder.Archive, "nao-me-ligue.txt.report.txt")), StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task DatabaseFailingOnAFile_FailsTheRunWithThatError_AndLeavesTheFileForTheNextRun()
    {
        await using var db = await NewMigratedDatabaseAsync();
        Drop(db, Path.Combine(SamplesFolder, Android));
        Drop(db, Path.Combine(SamplesFolder, English));

        JobRunOutcome outcome;
        using (Hosting.Failpoints.Arm("import.before_commit=transient@2"))
        {
            outcome = await RunJobAsync(db);
        }

        Assert.Equal(JobRunStatus.Failed, outcome.Status);
        // The error the database raised, not one made up around it.
        Assert.StartsWith(nameof(Hosting.TransientFailpointException) + ":", outcome.Error, StringComparison.Ordinal);
        Assert.Equal([outcome.Error!], await QueryAsync<string>(db, "SELECT error FROM job_runs WHERE status = 'failed'"));
        Assert.Single(FilesIn(Path.Combine(Inbox(db), InboxFolder.Archive)));
        Assert.Single(FilesIn(Inbox(db)));

        var next = await RunJobAsync(db);

        Assert.Equal(JobRunStatus.Succeeded, next.Status);
        Assert.Equal(2, FilesIn(Path.Combine(Inbox(db), InboxFolder.Archive)).Count);
        Assert.Empty(FilesIn(Inbox(db)));
    }

    private static async Task<JsonElement> DetailAsync(Engines.TestDatabase db)
    {
        var detail = (await QueryAsync<string>(db, "SELECT detail FROM job_runs ORDER BY run_id")).First();
        return JsonDocument.Parse(detail).RootElement;
    }

    private static async Task<string> SnapshotAsync(Engines.TestDatabase db)
    {
        var contacts = await QueryAsync<(long, string?, string?, string?, DateTimeOffset?)>(
            db, "SELECT contact_id, name, phone_raw, phone_e164, last_interaction_at FROM contacts ORDER BY contact_id");
        var interactions = await QueryAsync<(long, long, DateTimeOffset, string)>(
            db, "SELECT interaction_id, contact_id, occurred_at, source_key FROM interactions ORDER BY interaction_id");
        var consents = await CountAsync(db, "consents") + "/" + await CountAsync(db, "consent_events") + "/" + await CountAsync(db, "suppression_list");
        return string.Join("\n", contacts) + "\n" + string.Join("\n", interactions) + "\n" + consents;
    }
}

public sealed class SqliteImportChatsJobTests(SqliteEngine engine) : ImportChatsJobTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresImportChatsJobTests(PostgresEngine engine) : ImportChatsJobTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerImportChatsJobTests(SqlServerEngine engine) : ImportChatsJobTests(engine), IClassFixture<SqlServerEngine>;
