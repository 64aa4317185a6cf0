using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Engines;
using Vinculo.Planning;

namespace Vinculo.Data;

/// <summary>
/// How PostgreSQL answers plan-messages' read of each number's messages: from V020's partial index of the messages that
/// count alone, one seek per number, no table row (on a base larger than memory each table row was a read from disk).
/// </summary>
public sealed class PostgresPlanQueryPlanTests(PostgresEngine engine) : IClassFixture<PostgresEngine>
{
    [SkippableFact]
    public async Task ABatchsMessages_AreReadFromTheIndexOfMessagesThatCount_Alone()
    {
        engine.SkipIfUnavailable();
        await using var db = await engine.CreateDatabaseAsync();
        await db.MigrateAsync();
        await using (var connection = await db.OpenAsync())
        {
            // Numbers with two to five messages each over three years, some failed or cancelled, as a real base holds them.
            await connection.ExecuteAsync(
                "INSERT INTO contacts (name, phone_raw, phone_e164, phone_status) " +
                "SELECT 'Pessoa ' || n, '(11) 9' || lpad(n::text, 8, '0'), '+55119' || lpad(n::text, 8, '0'), 'valid' FROM generate_series(1, 20000) AS n");
            await connection.ExecuteAsync("INSERT INTO contents (name, body, active) VALUES ('Novidades', 'Olá', true)");
            await connection.ExecuteAsync(
                "INSERT INTO message_queue (contact_id, content_id, phone_e164, scheduled_at, relevance, body, status, created_at, updated_at) " +
                "SELECT k.contact_id, 1, k.phone_e164, m.at, 0.5, 'Olá', m.status, m.at, m.at FROM contacts k CROSS JOIN LATERAL (" +
                "SELECT TIMESTAMPTZ '2026-11-01' - (k.contact_id * 7 + s * 131) % 1000 * INTERVAL '1 day' AS at, " +
                "(ARRAY['delivered', 'read', 'failed', 'sent', 'cancelled', 'read'])[1 + (k.contact_id + s) % 6] AS status " +
                "FROM generate_series(1, 2 + k.contact_id % 4) AS s) AS m");
            await connection.ExecuteAsync("VACUUM (ANALYZE) message_queue", commandType: System.Data.CommandType.Text);
        }

        using var host = db.BuildHost();
        var database = host.Services.GetRequiredService<Database>();
        var numbers = Enumerable.Range(0, 100).Select(n => "+55119" + (n * 173 + 11).ToString("D8", System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var plan = await db.PlanAsync(database.Sql(PlanStore.CountedMessagesSql), new { numbers });

        Assert.NotNull(plan);
        Assert.Contains("Index Only Scan using ix_message_queue_counted on message_queue", plan, StringComparison.Ordinal);
    }
}
