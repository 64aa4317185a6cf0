using Vinculo.Engines;
using static Vinculo.Import.ImportTestKit;

namespace Vinculo.Import;

/// <summary>Saved-name chats find their contact through <c>contacts.name_key</c> (V013), kept true as other tools rename contacts.</summary>
public abstract class NameKeyTests(EngineFixture engine) : EngineSuite(engine)
{
    private const string Maria = "Conversa do WhatsApp com Maria Souza.txt";

    [SkippableFact]
    public async Task SavedNameChat_FindsTheContactNamedSoNow_NotOneAnotherToolRenamed()
    {
        await using var db = await NewMigratedDatabaseAsync();
        DropText(db, "contatos.csv", "name,phone\nMaria Souza,11 91111-2222\n");
        await RunJobAsync(db);
        var renamed = (await ContactIdAsync(db, "+5511911112222"))!.Value;
        Assert.Equal(1, await CountAsync(db, "contacts", "name_key IS NOT NULL"));
        await ExecuteAsync(db, "UPDATE contacts SET name = 'Mariana Costa' WHERE contact_id = @renamed", new { renamed });
        var maria = await InsertContactAsync(db, "maria souza", "+55 21 99876-5432", "+5521998765432");
        Drop(db, Path.Combine(SamplesFolder, Maria));

        await RunJobAsync(db, Now.AddMinutes(5));

        Assert.NotEmpty(await InteractionTimesAsync(db, maria));
        Assert.Empty(await InteractionTimesAsync(db, renamed));
    }
}

public sealed class SqliteNameKeyTests(SqliteEngine engine) : NameKeyTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresNameKeyTests(PostgresEngine engine) : NameKeyTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerNameKeyTests(SqlServerEngine engine) : NameKeyTests(engine), IClassFixture<SqlServerEngine>;
