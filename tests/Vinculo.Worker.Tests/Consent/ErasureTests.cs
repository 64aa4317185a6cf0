using System.Globalization;
using System.Text.RegularExpressions;
using Dapper;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;
using Vinculo.Privacy;

namespace Vinculo.Consent;

/// <summary>Erasure (LGPD art. 18) through the <c>erase</c> verb and the <c>retention</c> job, on every engine.</summary>
public abstract partial class ErasureTests(EngineFixture engine) : EngineSuite(engine)
{
    private const string Maria = "+5511987654321";
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-23T15:00:00Z", CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task Erase_LeavesNoTraceOfTheNumberOrName_InAnyColumnOfAnyTable_AndKeepsTheNumberSuppressed()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var maria = await seed.ContactAsync(Maria, Now.AddDays(-100), name: "Maria Souza", raw: "(11) 98765-4321", externalRef: "ERP-4421");
        var twin = await seed.ContactAsync(Maria, Now.AddDays(-50), name: "Maria S.", raw: "11987654321", status: "duplicate");
        var stillUnchecked = await seed.ContactAsync(null, Now.AddDays(-1), name: "Maria (loja)", raw: "11 98765 4321", status: "unchecked");
        await seed.ExecuteAsync("UPDATE contacts SET phone_checked_at = NULL WHERE contact_id = @stillUnchecked", new { stillUnchecked });
        var bystander = await seed.ContactAsync("+5521998765432", Now.AddDays(-100), name: "Rafael Lima");
        await seed.ConsentAsync(maria, "granted", Now.AddDays(-90));
        await seed.ConsentAsync(bystander, "granted", Now.AddDays(-90));
        await seed.ExecuteAsync(
            "INSERT INTO consent_events (contact_id, event, source, detail, occurred_at) VALUES (@maria, 'granted', 'form', '{\"form\":\"site\"}', @at)",
            new { maria, at = Now.AddDays(-90) });
        await seed.InteractionAsync(maria, "purchase", Now.AddDays(-30), "Tênis azul");
        var message = await seed.QueuedMessageAsync(maria, Maria, Now.AddHours(5), body: "Olá Maria, o tênis azul chegou!");
        await seed.ExecuteAsync(
            "UPDATE message_queue SET provider_message_id = 'wamid.HBgNNTUxMTk4NzY1NDMyMQ==', template_params = '{\"first_name\":\"Maria\",\"product\":\"Tênis azul\"}' WHERE message_id = @message",
            new { message });
        // One that already went out keeps its status, but not her name in its template parameters.
        var sent = await seed.QueuedMessageAsync(maria, Maria, Now.AddDays(-10), body: "Oi Maria!");
        await seed.ExecuteAsync("UPDATE message_queue SET status = 'sent', sent_at = scheduled_at, template_params = '{\"first_name\":\"Maria\"}' WHERE message_id = @sent", new { sent });
        await seed.ExecuteAsync(
            "INSERT INTO message_status_events (provider_message_id, status, occurred_at, received_at) VALUES ('wamid.HBgNNTUxMTk4NzY1NDMyMQ==', 'sent', @at, @at)",
            new { at = Now.AddDays(-1) });
        await seed.InboundAsync("5511987654321", "Oi, aqui é a Maria Souza", Now.AddDays(-2), waUserId: "BR.777", providerMessageId: "wamid.in.1");
        await seed.InboundAsync("551187654321", "Maria de novo", Now.AddDays(-1));
        await seed.RunAsync(ProcessInboundJob.Key, Now.AddDays(-1).AddMinutes(1));
        // A message that arrived and was not processed yet also carries her number.
        await seed.InboundAsync("+5511987654321", "ainda sou eu, Maria", Now.AddMinutes(-1));
        await seed.PreferenceAsync("5511987654321", "stop", Now.AddMinutes(-1));
        // Her raw webhook deliveries (WhatsApp knows her by the old 12-digit number), and someone else's.
        await AcceptWebhookAsync(db, "webhook-message-text.json");
        await AcceptWebhookAsync(db, "webhook-statuses.json");
        await AcceptWebhookAsync(db, "webhook-bsuid.json");
        await seed.ExecuteAsync(
            "INSERT INTO message_status_events (provider_message_id, status, occurred_at, received_at, recipient_id) VALUES ('wamid.unknown', 'read', @at, @at, '551187654321')",
            new { at = Now.AddDays(-1) });

        var result = await db.CliAsync(["erase", "--phone", "(11) 98765-4321", "--now", "2026-11-23T15:00:00Z"]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("3 contato(s)", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("98765-4321", result.All, StringComparison.Ordinal);
        var traces = await TracesAsync(db, ["Maria", "Souza", "987654321", "8765-4321", "87654321", "ERP-4421", "BR.777"]);
        Assert.True(traces.Count == 0, string.Join("\n", traces));
        Assert.Contains("Rafael Lima", await seed.ScalarAsync<string>("SELECT name FROM contacts WHERE contact_id = @bystander", new { bystander }), StringComparison.Ordinal);
        Assert.True(await seed.IsSuppressedAsync(Maria));
        Assert.Equal(3, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM contacts WHERE erased_at IS NOT NULL"));
        Assert.Equal(3, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM consent_events WHERE event = 'erased'"));
        Assert.Equal(1, await seed.EventsAsync(maria, "granted"));
        Assert.Equal("cancelled", await seed.ScalarAsync<string>("SELECT status FROM message_queue WHERE message_id = @message", new { message }));
        Assert.Equal("sent", await seed.ScalarAsync<string>("SELECT status FROM message_queue WHERE message_id = @sent", new { sent }));
        Assert.Equal(0, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM interactions WHERE contact_id IN (@maria, @twin)", new { maria, twin }));
        Assert.Equal("done", await seed.ScalarAsync<string>("SELECT status FROM erasure_requests"));
        Assert.Equal(2, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM webhook_payloads WHERE outcome = 'erased' AND body = ''"));
        Assert.Contains("5521998765432", await seed.ScalarAsync<string>("SELECT body FROM webhook_payloads WHERE outcome IS NULL"), StringComparison.Ordinal);

        // The business re-imports her from an old spreadsheet, "with consent": the number stays suppressed.
        var reimported = await seed.ContactAsync(null, Now.AddDays(1), name: "Maria Souza", raw: "+55 11 98765-4321", status: "unchecked");
        await seed.ExecuteAsync("UPDATE contacts SET phone_checked_at = NULL WHERE contact_id = @reimported", new { reimported });
        await seed.ConsentAsync(reimported, "granted", Now.AddDays(1), source: "import");
        await seed.RunAsync(Phones.RevalidatePhonesJob.Key, Now.AddDays(1));
        var hash = await seed.ScalarAsync<string>("SELECT phone_hash FROM contacts WHERE contact_id = @reimported", new { reimported });
        Assert.Equal(PhoneHash.Of(Maria), hash);
        Assert.Equal(1, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM suppression_list WHERE phone_hash = @hash", new { hash }));
    }

    private static async Task AcceptWebhookAsync(Engines.TestDatabase db, string fixture)
    {
        using var host = db.BuildHost(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now.AddDays(-1)));
        await Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Webhook.WebhookInbox>(host.Services)
            .AcceptAsync(File.ReadAllBytes(Path.Combine(Dispatch.DispatchKit.FixturesFolder, fixture)), CancellationToken.None);
    }

    [SkippableFact]
    public async Task Erase_RefusesSomethingThatIsNotANumber()
    {
        await using var db = await NewMigratedDatabaseAsync();

        var result = await db.CliAsync(["erase", "--phone", "maria"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--phone", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, await new ConsentSeed(db).CountAsync("erasure_requests"));
    }

    [SkippableFact]
    public async Task Erase_OfAnUnknownNumber_StillSuppressesIt()
    {
        await using var db = await NewMigratedDatabaseAsync();

        var result = await db.CliAsync(["erase", "--phone", "+55 21 99876-5432"]);

        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("nenhum contato", result.Output, StringComparison.Ordinal);
        Assert.True(await new ConsentSeed(db).IsSuppressedAsync("+5521998765432"));
    }

    [SkippableFact]
    public async Task Retention_CarriesOutPendingRequests_ByNumberOrContact_AndFailsUnreadableOnes()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var byNumber = await seed.ContactAsync(Maria, Now.AddDays(-100), name: "Maria Souza");
        var byId = await seed.ContactAsync("+5521998765432", Now.AddDays(-100), name: "Rafael Lima");
        var kept = await seed.ContactAsync("+5531991234567", Now.AddDays(-100), name: "Ana Dias");
        await seed.ExecuteAsync(
            "INSERT INTO erasure_requests (phone, contact_id, requested_at, status) VALUES ('11 98765-4321', NULL, @at, 'pending'), (NULL, @byId, @at, 'pending'), ('não sei', NULL, @at, 'pending')",
            new { byId, at = Now.AddDays(-1) });

        var run = await seed.RunAsync(RetentionJob.Key, Now);

        Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
        Assert.Equal(2, run.Result!.Changed);
        Assert.NotNull(await seed.ScalarAsync<string?>("SELECT erased_at FROM contacts WHERE contact_id = @byNumber", new { byNumber }));
        Assert.NotNull(await seed.ScalarAsync<string?>("SELECT erased_at FROM contacts WHERE contact_id = @byId", new { byId }));
        Assert.Equal("Ana Dias", await seed.ScalarAsync<string>("SELECT name FROM contacts WHERE contact_id = @kept", new { kept }));
        Assert.Equal(2, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM erasure_requests WHERE status = 'done' AND phone IS NULL"));
        Assert.Equal(1, await seed.ScalarAsync<long>("SELECT COUNT(*) FROM erasure_requests WHERE status = 'failed'"));
        Assert.True(await seed.IsSuppressedAsync("+5521998765432"));
        Assert.Equal(0, (await seed.RunAsync(RetentionJob.Key, Now.AddDays(7))).Result!.Changed);
    }

    [SkippableFact]
    public async Task Retention_AnonymisesInactiveContactsWithoutConsent_OnlyWhenConfigured()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ConsentSeed(db);
        var inactive = await seed.ContactAsync(Maria, Now.AddDays(-800), name: "Maria Souza");
        var consenting = await seed.ContactAsync("+5521998765432", Now.AddDays(-800), name: "Rafael Lima");
        await seed.ConsentAsync(consenting, "granted", Now.AddDays(-800));
        var recentBuyer = await seed.ContactAsync("+5531991234567", Now.AddDays(-800), name: "Ana Dias");
        await seed.InteractionAsync(recentBuyer, "purchase", Now.AddDays(-10));
        var newcomer = await seed.ContactAsync("+5541991234567", Now.AddDays(-5), name: "Beto");

        var off = await seed.RunAsync(RetentionJob.Key, Now);
        var on = await seed.RunAsync(RetentionJob.Key, Now, "--Retention:AnonymizeInactiveAfterDays=730");

        Assert.Equal(0, off.Result!.Changed);
        Assert.Equal(1, on.Result!.Changed);
        Assert.Null(await seed.ScalarAsync<string?>("SELECT name FROM contacts WHERE contact_id = @inactive", new { inactive }));
        foreach (var id in new[] { consenting, recentBuyer, newcomer })
        {
            Assert.Null(await seed.ScalarAsync<string?>("SELECT erased_at FROM contacts WHERE contact_id = @id", new { id }));
        }

        Assert.False(await seed.IsSuppressedAsync(Maria));
    }

    [SkippableFact]
    public async Task Retention_RejectsATooShortInactivityPeriod_NamingTheKey()
    {
        await using var db = await NewMigratedDatabaseAsync();

        var result = await db.CliAsync(["run", RetentionJob.Key, "--Retention:AnonymizeInactiveAfterDays=7"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Retention:AnonymizeInactiveAfterDays", result.Error, StringComparison.Ordinal);
    }

    /// <summary>Every value of every column of every table, as text, that contains one of the needles (digits compared without formatting).</summary>
    private static async Task<List<string>> TracesAsync(TestDatabase db, IReadOnlyList<string> needles)
    {
        await using var connection = await db.OpenAsync();
        var traces = new List<string>();
        foreach (var table in await db.TablesAsync())
        {
            foreach (IDictionary<string, object?> row in await connection.QueryAsync($"SELECT * FROM {table}"))
            {
                foreach (var (column, value) in row)
                {
                    var text = value switch
                    {
                        null => null,
                        byte[] bytes => System.Text.Encoding.UTF8.GetString(bytes),
                        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
                    };
                    if (text is null)
                    {
                        continue;
                    }

                    var digits = NonDigits().Replace(text, "");
                    foreach (var needle in needles)
                    {
                        var digitNeedle = NonDigits().Replace(needle, "");
                        if (text.Contains(needle, StringComparison.OrdinalIgnoreCase) || (digitNeedle.Length >= 8 && digits.Contains(digitNeedle, StringComparison.Ordinal)))
                        {
                            traces.Add($"{table}.{column}: '{needle}'");
                        }
                    }
                }
            }
        }

        return traces;
    }

    [GeneratedRegex("[^0-9]")]
    private static partial Regex NonDigits();
}

public sealed class SqliteErasureTests(SqliteEngine engine) : ErasureTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresErasureTests(PostgresEngine engine) : ErasureTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerErasureTests(SqlServerEngine engine) : ErasureTests(engine), IClassFixture<SqlServerEngine>;
