using Vinculo.Engines;
using Vinculo.Jobs;
using static Vinculo.Import.ImportTestKit;

namespace Vinculo.Import;

/// <summary>Exports as people really make them (issue 17), through <c>import-chats</c> on every engine.</summary>
public abstract class RealExportVariantsTests(EngineFixture engine) : EngineSuite(engine)
{
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
