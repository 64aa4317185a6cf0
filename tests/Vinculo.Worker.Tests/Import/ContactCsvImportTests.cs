using System.Text;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;
using static Vinculo.Import.ImportTestKit;

namespace Vinculo.Import;

/// <summary>Contact CSVs through <c>import-chats</c>, on every engine.</summary>
public abstract class ContactCsvImportTests(EngineFixture engine) : EngineSuite(engine)
{
    private static readonly Encoding Windows1252 = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    [SkippableFact]
    public async Task SemicolonsAndWindows1252_WithAccents_AreReadAsExcelWroteThem()
    {
        await using var db = await NewMigratedDatabaseAsync();
        DropText(db, "clientes.csv", string.Join("\r\n",
            "Nome;Telefone;Referência Externa;Consentimento;Origem do consentimento;Data do consentimento",
            "João Conceição;(11) 98765-4321;C-001;sim;formulário;05/11/2026 14:30",
            "Ana Lúcia Brandão;21 99876-5432;C-002;;;",
            ""), Windows1252);

        await RunJobAsync(db);

        Assert.Equal(
            [("João Conceição", "+5511987654321", "C-001"), ("Ana Lúcia Brandão", "+5521998765432", "C-002")],
            await QueryAsync<(string, string, string)>(db, "SELECT name, phone_e164, external_ref FROM contacts ORDER BY contact_id"));
        Assert.Equal(
            [("granted", "form", SaoPaulo(11, 5, 14, 30))],
            await QueryAsync<(string, string, DateTimeOffset)>(db, "SELECT status, source, granted_at FROM consents"));
        Assert.Equal(
            [("granted", "form", SaoPaulo(11, 5, 14, 30))],
            await QueryAsync<(string, string, DateTimeOffset)>(db, "SELECT event, source, occurred_at FROM consent_events"));
        Assert.Equal(["clientes.csv"], FilesIn(Path.Combine(Inbox(db), InboxFolder.Archive)));
    }

    [SkippableFact]
    public async Task BadRowInTheMiddle_IsReportedWithItsLine_AndTheRestImports()
    {
        await using var db = await NewMigratedDatabaseAsync();
        DropText(db, "contatos.csv", string.Join("\n",
            "name,phone,external_ref,consent,consent_source,consent_at",
            "Ana,11 98765-4321,,sim,,2026-11-01T10:00:00-03:00",
            "Bia,11 97777-1111,,sim,,31/02/2026",
            "Caio,,,,,",
            "Duda,abc,,não,,",
            "Eva,11 96666-2222,,sim,telepatia,"));

        var outcome = await RunJobAsync(db);

        Assert.Equal(["Ana", "Duda"], await QueryAsync<string>(db, "SELECT name FROM contacts ORDER BY contact_id"));
        Assert.Equal(["invalid"], await QueryAsync<string>(db, "SELECT phone_status FROM contacts WHERE name = 'Duda'"));
        Assert.Equal(1, await CountAsync(db, "consents"));
        var report = await File.ReadAllTextAsync(Path.Combine(Inbox(db), InboxFolder.Archive, "contatos.csv.report.txt"));
        Assert.Contains("linha 3: consent_at '31/02/2026'", report, StringComparison.Ordinal);
        Assert.Contains("linha 4: sem telefone", report, StringComparison.Ordinal);
        Assert.Contains("linha 6: consent_source 'telepatia'", report, StringComparison.Ordinal);
        Assert.Equal(3L, outcome.Result!.Detail!["rows_rejected"]);
    }

    [SkippableFact]
    public async Task ReimportWithChangedNamesAndNumbers_UpdatesTheSameContacts_AndAddsNoConsentEvent()
    {
        await using var db = await NewMigratedDatabaseAsync();
        const string Header = "name,phone,external_ref,consent,consent_source,consent_at";
        DropText(db, "a.csv", string.Join("\n", Header, "Ana,11 98765-4321,,sim,,2026-11-01", "Bruno,21 99876-5432,B-7,sim,,"));
        await RunJobAsync(db);
        var ids = await QueryAsync<long>(db, "SELECT contact_id FROM contacts ORDER BY contact_id");
        await ExecuteAsync(db, "UPDATE contacts SET phone_checked_at = @at", new { at = Now });

        // Ana's number now in the old 8-digit form (the same WhatsApp account); Bruno known by his reference, with a new number.
        DropText(db, "b.csv", string.Join("\n", Header, "Ana Paula,(11) 8765-4321,,sim,,2026-11-01", "Bruno Costa,21 99111-2222,B-7,sim,,"));
        var second = await RunJobAsync(db, Now.AddMinutes(5));

        Assert.Equal(
            [(ids[0], "Ana Paula", "(11) 8765-4321"), (ids[1], "Bruno Costa", "21 99111-2222")],
            await QueryAsync<(long, string, string)>(db, "SELECT contact_id, name, phone_raw FROM contacts ORDER BY contact_id"));
        Assert.Equal(["+5511987654321", "+5521991112222"], await QueryAsync<string>(db, "SELECT phone_e164 FROM contacts ORDER BY contact_id"));
        // The trigger on phone_raw marks both for a full check by revalidate-phones.
        Assert.Equal(2, await CountAsync(db, "contacts", "phone_checked_at IS NULL"));
        Assert.Equal(2, await CountAsync(db, "consent_events"));
        Assert.Equal(2L, second.Result!.Detail!["contacts_updated"]);
    }

    /// <summary>
    /// A file's rows are matched and written a batch at a time; a row still sees what the rows before it in the same batch
    /// created or changed, exactly as if each had been written alone.
    /// </summary>
    [SkippableFact]
    public async Task RowsOfOneFile_SeeWhatTheRowsBeforeThemCreatedAndChanged()
    {
        await using var db = await NewMigratedDatabaseAsync();
        DropText(db, "clientes.csv", string.Join("\n",
            "name,phone,external_ref,consent,consent_source,consent_at",
            "Ana,(11) 98765-4321,C-1,sim,form,01/10/2026 10:00",
            // The same number in another shape, and its old 8-digit form: Ana, renamed, renewed, then given her new text.
            "Ana Maria,+55 11 98765-4321,,sim,form,02/10/2026 10:00",
            "Ana Maria,(11) 8765-4321,,,,",
            // A number no classifier accepts: matched as typed, then given a reference.
            "Caio,12345,,não,,",
            "Caio Silva,12345,C-3,,,",
            // Granted without a date, then the same row again: nothing renews.
            "Duda,(21) 99876-5432,C-9,sim,,",
            "Duda,(21) 99876-5432,C-9,sim,,",
            // The same number under another reference is another person's row.
            "Eva,21 99876-5432,C-10,sim,,",
            // Reference first: Caio's row found by C-3 gets a number that Ana holds; Ana's row stays hers.
            "Caio Silva,11 98765-4321,C-3,,,"));

        var run = await RunJobAsync(db);

        Assert.Equal(
            [
                ("Ana Maria", "(11) 8765-4321", "+5511987654321", "C-1"), ("Caio Silva", "11 98765-4321", "+5511987654321", "C-3"),
                ("Duda", "(21) 99876-5432", "+5521998765432", "C-9"), ("Eva", "21 99876-5432", "+5521998765432", "C-10"),
            ],
            await QueryAsync<(string, string, string, string)>(db, "SELECT name, phone_raw, phone_e164, external_ref FROM contacts ORDER BY contact_id"));
        Assert.Equal(4L, run.Result!.Detail!["contacts_created"]);
        Assert.Equal(4L, run.Result!.Detail!["contacts_updated"]);
        Assert.Equal(
            [("C-1", "granted", SaoPaulo(10, 1, 10, 0), SaoPaulo(10, 2, 10, 0)), ("C-9", "granted", Now, Now), ("C-10", "granted", Now, Now)],
            await QueryAsync<(string, string, DateTimeOffset, DateTimeOffset)>(
                db, "SELECT c.external_ref, k.status, k.granted_at, k.last_confirmed_at FROM consents k JOIN contacts c ON c.contact_id = k.contact_id ORDER BY c.contact_id"));
        Assert.Equal(
            [("C-1", "granted"), ("C-1", "renewed"), ("C-9", "granted"), ("C-10", "granted")],
            await QueryAsync<(string, string)>(
                db, "SELECT c.external_ref, e.event FROM consent_events e JOIN contacts c ON c.contact_id = e.contact_id ORDER BY e.event_id"));
    }

    /// <summary>The report lists rejected rows in file order, whether a row was refused as it was read or as it was matched.</summary>
    [SkippableFact]
    public async Task Rejections_AreListedInFileOrder_WhenFoundWhileMatchingOrWhileReading()
    {
        await using var db = await NewMigratedDatabaseAsync();
        await ExecuteAsync(db, "INSERT INTO contacts (name, external_ref, erased_at) VALUES (NULL, 'E-1', @erasedAt)", new { erasedAt = Now.AddDays(-3) });
        DropText(db, "clientes.csv", string.Join("\n", "name,phone,external_ref", "Ana,11 98765-4321,E-1", "Bia,,", "Caio,21 99876-5432,"));

        await RunJobAsync(db);

        var report = await File.ReadAllTextAsync(Path.Combine(Inbox(db), InboxFolder.Archive, "clientes.csv.report.txt"));
        var erased = report.IndexOf("linha 2: o contato com este external_ref foi anonimizado", StringComparison.Ordinal);
        var unidentified = report.IndexOf("linha 3: sem telefone", StringComparison.Ordinal);
        Assert.True(erased >= 0 && unidentified > erased, report);
        Assert.Equal(["Caio"], await QueryAsync<string>(db, "SELECT name FROM contacts WHERE erased_at IS NULL"));
    }

    [SkippableFact]
    public async Task ConsentGivenBeforeAnOptOut_IsNotGrantedAgain_ButALaterOneIs()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var contact = await InsertContactAsync(db, "Ana", "11 98765-4321", "+5511987654321");
        var optOut = SaoPaulo(11, 10, 9, 0);
        await ExecuteAsync(db, "INSERT INTO consents (contact_id, status, source, changed_at) VALUES (@contact, 'revoked', 'whatsapp', @optOut)", new { contact, optOut });
        const string Header = "name,phone,external_ref,consent,consent_source,consent_at";
        DropText(db, "antigo.csv", string.Join("\n", Header, "Ana,11 98765-4321,,sim,form,01/11/2026"));
        DropText(db, "sem-data.csv", string.Join("\n", Header, "Ana,11 98765-4321,,sim,form,"));
        await RunJobAsync(db);
        var afterOld = await QueryAsync<string>(db, "SELECT status FROM consents");

        DropText(db, "novo.csv", string.Join("\n", Header, "Ana,11 98765-4321,,sim,form,20/11/2026 10:00"));
        await RunJobAsync(db, Now.AddMinutes(5));

        Assert.Equal(["revoked"], afterOld);
        Assert.Equal(
            [("granted", "form", SaoPaulo(11, 20, 10, 0))],
            await QueryAsync<(string, string, DateTimeOffset)>(db, "SELECT status, source, changed_at FROM consents"));
        Assert.Equal(["granted"], await QueryAsync<string>(db, "SELECT event FROM consent_events"));
    }

    [SkippableFact]
    public async Task SuppressedNumber_ReimportedWithConsent_StaysSuppressed()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var hash = Privacy.PhoneHash.Of("+5511987654321");
        await ExecuteAsync(db, "INSERT INTO suppression_list (phone_hash, reason, added_at) VALUES (@hash, 'opt_out', @at)", new { hash, at = Now.AddDays(-3) });
        DropText(db, "contatos.csv", "name,phone,consent\nAna,+55 11 98765-4321,sim\n");

        await RunJobAsync(db);

        Assert.Equal([("opt_out", hash)], await QueryAsync<(string, string)>(db, "SELECT reason, phone_hash FROM suppression_list"));
        Assert.Equal([hash], await QueryAsync<string>(db, "SELECT phone_hash FROM contacts"));
        Assert.Equal(["granted"], await QueryAsync<string>(db, "SELECT status FROM consents"));
    }

    [SkippableFact]
    public async Task SuppressionCsv_StoresOnlyHashes_AndIsIdempotent()
    {
        await using var db = await NewMigratedDatabaseAsync();
        DropText(db, "lista.csv", "id;Telefone;Cidade\n1;11 98765-4321;SP\n2;(21) 9876-5432;RJ\n3;11 98765-4321;SP\n", subfolder: InboxFolder.Suppression);
        await RunJobAsync(db);
        DropText(db, "lista.csv", "11987654321\n", subfolder: InboxFolder.Suppression);

        var second = await RunJobAsync(db, Now.AddMinutes(5));

        Assert.Equal(
            new[] { Privacy.PhoneHash.Of("+5511987654321"), Privacy.PhoneHash.Of("+5521998765432") }.Order(StringComparer.Ordinal),
            (await QueryAsync<string>(db, "SELECT phone_hash FROM suppression_list")).Order(StringComparer.Ordinal));
        Assert.Equal(0L, second.Result!.Detail!["suppressions_added"]);
        Assert.Equal(0, await CountAsync(db, "contacts"));
        Assert.DoesNotContain("98765", string.Join(" ", await QueryAsync<string>(db, "SELECT detail FROM job_runs")), StringComparison.Ordinal);
    }

    /// <summary>
    /// A number no classifier accepts, in a later spreadsheet, is the same person; found through V010's index on the
    /// unclassified numbers (the plan is read on the engines that run here), not a scan of them all for every row.
    /// </summary>
    [SkippableFact]
    public async Task AnInvalidNumber_InALaterSpreadsheet_FindsItsContact_ThroughTheIndexOnUnclassifiedNumbers()
    {
        await using var db = await NewMigratedDatabaseAsync();
        DropText(db, "clientes.csv", "Nome;Telefone\nDuda;123-45\nEdu;(11) 98765-4321\nFabi;sem telefone\n");
        Assert.Equal(JobRunStatus.Succeeded, (await RunJobAsync(db)).Status);
        DropText(db, "clientes-dezembro.csv", "Nome;Telefone\nDuda;123-45\nGabi;(21) 99876-5432\n");
        Assert.Equal(JobRunStatus.Succeeded, (await RunJobAsync(db, Now.AddDays(1))).Status);

        Assert.Equal(1, await CountAsync(db, "contacts", "phone_raw = '123-45'"));
        Assert.Equal(4, await CountAsync(db, "contacts"));

        // Enough unclassified numbers that the planner weighs reading them all against the index as it would on a real
        // base (on a handful of rows, reading them all is always cheaper).
        await ExecuteAsync(db, "INSERT INTO contacts (name, phone_raw) VALUES ('Sem número', @raw)", Enumerable.Range(0, 2_000).Select(i => new { raw = $"ver cadastro {i}" }));

        var plan = await RawNumberPlanAsync(db);
        if (plan is not null)
        {
            Assert.Contains("ix_contacts_unclassified_raw", plan, StringComparison.Ordinal);
        }
    }

    /// <summary>How the engine runs the import's look-up by the number as typed; null where the plan is not read here.</summary>
    private static async Task<string?> RawNumberPlanAsync(TestDatabase db)
    {
        using var host = db.BuildHost();
        var sql = host.Services.GetRequiredService<ImportStore>().Statements.Single(s => s.Contains("CROSS JOIN contacts", StringComparison.Ordinal));
        var parameters = new { raws = host.Services.GetRequiredService<Database>().List(["123-45", "(11) 1234"]) };
        return await db.PlanAsync(sql, parameters);
    }
}

public sealed class SqliteContactCsvImportTests(SqliteEngine engine) : ContactCsvImportTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresContactCsvImportTests(PostgresEngine engine) : ContactCsvImportTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerContactCsvImportTests(SqlServerEngine engine) : ContactCsvImportTests(engine), IClassFixture<SqlServerEngine>;
