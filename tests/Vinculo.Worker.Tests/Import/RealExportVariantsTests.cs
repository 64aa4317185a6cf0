using Vinculo.Engines;
using Vinculo.Jobs;
using static Vinculo.Import.ImportTestKit;

namespace Vinculo.Import;

/// <summary>Exports as people really make them (issue 17), through <c>import-chats</c> on every engine.</summary>
public abstract class RealExportVariantsTests(EngineFixture engine) : EngineSuite(engine)
{
    private static readonly System.Text.Encoding Windows1252 = System.Text.CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    /// <summary>A Google Contacts export: several numbers in one cell with " ::: ", types per column, a consent column.</summary>
    private const string GoogleCsv =
        "Name,Given Name,Family Name,Group Membership,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Consentimento\n" +
        "Beto Alves,Beto,Alves,* myContacts,Home,(41) 3222-1111,Mobile,+55 41 99111-2222 ::: +55 41 99333-4444,sim\n" +
        "Carla Dias,Carla,Dias,* myContacts,Mobile,(51) 98888-7777,,,\n";

    [SkippableFact]
    public async Task VCardsFromAndroidAndIPhone_AndAGoogleContactsCsv_ImportTheirPeopleAndNumbers_ReportingBadCardsByLine()
    {
        await using var db = await NewMigratedDatabaseAsync();
        DropText(db, "Contatos (Android).vcf", VCardSamples.Android21 + "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Quebrado\r\nTEL;CELL\r\nEND:VCARD\r\n");
        DropText(db, "iPhone.vcf", VCardSamples.IPhone30.Replace("Maria Souza", "Márcia Araújo", StringComparison.Ordinal), Windows1252);
        DropText(db, "contacts.csv", GoogleCsv);

        var outcome = await RunJobAsync(db);

        Assert.True(outcome.Status == JobRunStatus.Succeeded, outcome.Error);
        var people = await QueryAsync<(string Name, string E164)>(db, "SELECT name, phone_e164 FROM contacts ORDER BY phone_e164");
        Assert.Equal(
            [
                ("João Conceição da Silva Araújo Sobrinho Neto", "+551133334444"), ("João Conceição da Silva Araújo Sobrinho Neto", "+5511912345678"),
                ("João Conceição da Silva Araújo Sobrinho Neto", "+5511987654321"), ("Padaria", "+552125550000"), ("Márcia Araújo, Doceria", "+5521998765432"),
                ("Beto Alves", "+554132221111"), ("Beto Alves", "+5541991112222"), ("Beto Alves", "+5541993334444"),
                ("Márcia Araújo, Doceria", "+5548996543210"), ("Carla Dias", "+5551988887777"),
            ],
            people);
        // Only the Google row whose consent column says so has consent: each of its numbers.
        Assert.Equal(3, await CountAsync(db, "consents", "status = 'granted'"));
        Assert.Equal(1L, outcome.Result!.Detail!["rows_rejected"]);
        var report = File.ReadAllText(Path.Combine(Inbox(db), InboxFolder.Archive, "Contatos (Android).vcf.report.txt"));
        Assert.Contains("linha 15:", report, StringComparison.Ordinal);

        foreach (var name in new[] { "Contatos (Android).vcf", "iPhone.vcf", "contacts.csv" })
        {
            File.Move(Path.Combine(Inbox(db), InboxFolder.Archive, name), Path.Combine(Inbox(db), name));
            File.SetLastWriteTimeUtc(Path.Combine(Inbox(db), name), Now.UtcDateTime.AddHours(-1));
        }

        var again = await RunJobAsync(db, Now.AddHours(1));
        Assert.Equal(0L, again.Result!.Detail!["contacts_created"]);
        Assert.Equal(0L, again.Result.Detail["contacts_updated"]);
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OneChat_ExportedUnderTheNumberAndUnderTheSavedName_IsOnePerson_InEitherOrder(bool numberFirst)
    {
        await using var db = await NewMigratedDatabaseAsync();
        var maria = await InsertContactAsync(db, "Maria Souza", "(11) 98765-4321", "+5511987654321");
        string Chat(string shown) =>
            "02/11/2026 10:14 - As mensagens e ligações são protegidas com a criptografia de ponta a ponta.\n" +
            $"02/11/2026 10:14 - {shown}: Bom dia! Vocês têm bolo de cenoura?\n" +
            "02/11/2026 10:20 - Doceria Bela: Temos sim 😊\n" +
            $"02/11/2026 10:31 - {shown}: Para sábado,\npor favor.\n" +
            $"09/11/2026 19:02 - {shown}: <Mídia oculta>\n" +
            $"09/11/2026 19:02 - {shown}: <Mídia oculta>\n";
        (string Name, string Text)[] exports =
        [
            ("Conversa do WhatsApp com +55 11 98765-4321.txt", Chat("+55 11 98765-4321")),
            ("Conversa do WhatsApp com Maria Souza.txt", Chat("Maria Souza")),
        ];
        if (!numberFirst)
        {
            Array.Reverse(exports);
        }

        DropText(db, exports[0].Name, exports[0].Text);
        var first = await RunJobAsync(db);
        DropText(db, exports[1].Name, exports[1].Text);
        var second = await RunJobAsync(db, Now.AddMinutes(5));
        DropText(db, "again " + exports[0].Name, exports[0].Text.Replace("\n", "\r\n", StringComparison.Ordinal));
        DropText(db, "again " + exports[1].Name, exports[1].Text);
        var again = await RunJobAsync(db, Now.AddMinutes(10));

        Assert.Equal(4L, first.Result!.Detail!["interactions_added"]);
        Assert.Equal(0L, second.Result!.Detail!["interactions_added"]);
        Assert.Equal(0L, second.Result.Detail["chats_unmatched"]);
        Assert.Equal(0L, again.Result!.Detail!["interactions_added"]);
        Assert.Equal([SaoPaulo(11, 2, 10, 14), SaoPaulo(11, 2, 10, 31), SaoPaulo(11, 9, 19, 2), SaoPaulo(11, 9, 19, 2)], await InteractionTimesAsync(db, maria));
        Assert.Equal(1, await CountAsync(db, "contacts"));
    }

    /// <summary>
    /// 10,000 spellings of one number per class of hidden character, each as the sender of one message, the file named by
    /// yet another: every message is the interaction of the contact the base holds for that number.
    /// </summary>
    [SkippableTheory]
    [InlineData("\u2010\u2011\u2012\u2013\u2014\u2015\u2212-")]
    [InlineData("\u00A0\u202F\u2009 ")]
    [InlineData("\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069")]
    public async Task TenThousandHiddenSpellingsOfTheNumber_AllResolveToTheContactOfTheBase(string hidden)
    {
        const int Spellings = 10_000;
        await using var db = await NewMigratedDatabaseAsync();
        var maria = await InsertContactAsync(db, "Maria Souza", "(11) 98765-4321", "+5511987654321");
        var random = new Random(hidden.Length);
        var text = new System.Text.StringBuilder("01/01/2026 08:00 - Doceria Bela: Olá!\n");
        var start = new DateTime(2026, 1, 1, 8, 1, 0, DateTimeKind.Unspecified);
        for (var i = 0; i < Spellings; i++)
        {
            var at = start.AddMinutes(i * 7);
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"{at:dd/MM/yyyy HH:mm} - {Spell(hidden, random)}: mensagem {i}\n");
        }

        DropText(db, $"Conversa do WhatsApp com {Spell(hidden, random)}.txt", text.ToString());

        var outcome = await RunJobAsync(db);

        Assert.True(outcome.Status == JobRunStatus.Succeeded, outcome.Error);
        Assert.Equal((long)Spellings, outcome.Result!.Detail!["interactions_added"]);
        Assert.Equal(Spellings, (await InteractionTimesAsync(db, maria)).Count);
        Assert.Equal(1, await CountAsync(db, "contacts"));
    }

    /// <summary>+55 11 98765-4321 as a phone may show it, with the class's characters swapped in and one to three more anywhere.</summary>
    private static string Spell(string hidden, Random random)
    {
        var shown = random.Next(4) switch
        {
            0 => "+55 11 98765-4321",
            1 => "(11) 98765-4321",
            2 => "+55 (11) 98765-4321",
            _ => "+5511987654321",
        };
        return Testing.HiddenCharacters.Sprinkle(shown, hidden, random);
    }

    [SkippableFact]
    public async Task HiddenCharacters_InFileNameSenderAndMention_MatchTheContactsOfTheBase()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var maria = await InsertContactAsync(db, "Maria Souza", "(11) 98765-4321", "+5511987654321");
        var sister = await InsertContactAsync(db, "Ana Souza", "11 91234-5678", "+5511912345678");
        // The iPhone's non-breaking hyphen and direction marks in the name, no-break and narrow spaces in the sender.
        DropText(
            db,
            "Conversa do WhatsApp com \u202A+55 11 98765\u20114321\u202C.txt",
            "02/11/2026 10:14 - Doceria Bela: Bom dia!\n" +
            "02/11/2026 10:15 - \u2068+55\u00A011\u202F98765\u20114321\u2069: Oi, o número da Ana é (11)\u00A091234\u20135678\n" +
            "02/11/2026 10:16 - +55 11 98765\u22124321: 👍\n");

        var outcome = await RunJobAsync(db);

        Assert.True(outcome.Status == JobRunStatus.Succeeded, outcome.Error);
        Assert.Equal([SaoPaulo(11, 2, 10, 15), SaoPaulo(11, 2, 10, 16)], await InteractionTimesAsync(db, maria));
        Assert.Empty(await InteractionTimesAsync(db, sister));
        Assert.Equal(2, await CountAsync(db, "contacts"));
        Assert.Equal(0L, outcome.Result!.Detail!["chats_unmatched"]);
    }
}

public sealed class SqliteRealExportVariantsTests(SqliteEngine engine) : RealExportVariantsTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresRealExportVariantsTests(PostgresEngine engine) : RealExportVariantsTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerRealExportVariantsTests(SqlServerEngine engine) : RealExportVariantsTests(engine), IClassFixture<SqlServerEngine>;
