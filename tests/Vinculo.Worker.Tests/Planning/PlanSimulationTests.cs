using System.Data.Common;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;
using Vinculo.Privacy;

namespace Vinculo.Planning;

/// <summary>
/// Acceptance 2 of the planning issue: a base with random histories planned over 60 consecutive nights, with messages
/// going out as they fall due, people reading and replying, opting out, being erased and letting consent lapse. After
/// every night, each message just planned is checked against the state of the base at that moment; at the end, every
/// number's messages are checked against the rolling cap.
/// </summary>
public abstract class PlanSimulationTests(EngineFixture engine) : EngineSuite(engine)
{
    private const int People = 300;
    private const int Nights = 60;
    private const int DailyLimit = 25;
    private const double MinRelevance = 0.35;

    /// <summary>Thursday 1 October 2026, 03:00 in São Paulo; the 60 nights cross 12 October, 2 and 20 November and Lisbon's clock change.</summary>
    private static readonly DateTimeOffset Start = DateTimeOffset.Parse("2026-10-01T06:00:00Z", CultureInfo.InvariantCulture);

    private static readonly string[] Zones =
    [
        "America/Sao_Paulo", "America/Sao_Paulo", "America/Sao_Paulo", "America/Sao_Paulo", "America/Sao_Paulo", "America/Sao_Paulo",
        "America/Rio_Branco", "America/Manaus", "America/Cuiaba", "America/Noronha", "Europe/Lisbon", "America/New_York",
    ];

    private static readonly string[] Categories = ["cafe", "vinho", "padaria", "queijos"];

    private static readonly string?[] Names = ["Maria da Silva", "João", "Ana {product}", null, "Dra. Beatriz", "JOSÉ CARLOS"];

    [SkippableFact]
    public async Task SixtyNights_NeverBreakTheCap_TheWindow_Consent_OrTheThreshold()
    {
        await using var db = await NewMigratedDatabaseAsync();
        var random = new Random(20261001);
        var clock = new FakeTimeProvider(Start);
        using var host = db.BuildHost(clock, extraArgs: [$"--Messaging:DailyLimit={DailyLimit}", "--Messaging:BatchSize=100"]);
        var runner = host.Services.GetRequiredService<JobRunner>();
        var eraser = host.Services.GetRequiredService<PersonEraser>();
        var numbers = await SeedAsync(db, random);

        var violations = new List<string>();
        long planned = 0, optOuts = 0, erased = 0;
        for (var night = 0; night < Nights; night++)
        {
            var now = Start.AddDays(night);
            await DayGoesByAsync(db, random, now.AddDays(-1), now, numbers, night > 0);
            clock.SetUtcNow(now);

            // People opt out during the day, and now and then someone asks to be forgotten.
            foreach (var number in Pick(random, numbers, 2))
            {
                await ExecuteAsync(db, "INSERT INTO inbound_messages (from_phone, body, received_at) VALUES (@from, 'SAIR', @at)", new { from = number.TrimStart('+'), at = now.AddMinutes(-30) });
                optOuts++;
            }

            Assert.Equal(JobRunStatus.Succeeded, (await runner.RunAsync(ProcessInboundJob.Key, CancellationToken.None)).Status);
            if (night % 10 == 5)
            {
                await eraser.EraseNumberAsync(Pick(random, numbers, 1)[0], now.AddMinutes(-10), CancellationToken.None);
                erased++;
            }

            // expire-consents runs once a week only: the planner must not rely on it.
            if (night % 7 == 0)
            {
                Assert.Equal(JobRunStatus.Succeeded, (await runner.RunAsync(ExpireConsentsJob.Key, CancellationToken.None)).Status);
            }

            var run = await runner.RunAsync(PlanMessagesJob.Key, CancellationToken.None);
            Assert.True(run.Status == JobRunStatus.Succeeded, run.Error);
            planned += await CheckNightAsync(db, now, violations);
        }

        violations.AddRange(await CapViolationsAsync(db));
        violations.AddRange(await DailyLimitViolationsAsync(db));
        Assert.True(violations.Count == 0, $"{violations.Count} violation(s):\n" + string.Join("\n", violations.Take(20)));
        Assert.True(planned > 400, $"the simulation planned only {planned} messages over {Nights} nights; it proves little");
        Assert.True(optOuts > 0 && erased > 0);
    }

    /// <summary>Checks every message queued at <paramref name="now"/> against the base as it stands; returns how many there were.</summary>
    private static async Task<int> CheckNightAsync(TestDatabase db, DateTimeOffset now, List<string> violations)
    {
        await using var connection = await OpenAsync(db);
        var messages = (await connection.QueryAsync<NewMessage>(
            "SELECT message_id AS MessageId, contact_id AS ContactId, phone_e164 AS Phone, scheduled_at AS ScheduledAt, relevance AS Relevance, status AS Status " +
            "FROM message_queue WHERE created_at = @now", new { now })).AsList();
        var contacts = (await connection.QueryAsync<ContactState>(
            "SELECT contact_id AS ContactId, phone_e164 AS Phone, phone_status AS Status, time_zone AS Zone, erased_at AS ErasedAt, last_interaction_at AS LastInteractionAt FROM contacts"))
            .ToDictionary(c => c.ContactId);
        var consents = (await connection.QueryAsync<ConsentRow>(
            "SELECT contact_id AS ContactId, status AS Status, granted_at AS GrantedAt, last_confirmed_at AS LastConfirmedAt, expires_at AS ExpiresAt FROM consents"))
            .ToDictionary(c => c.ContactId);
        var activity = (await connection.QueryAsync<ActivityRow>(
            "SELECT contact_id AS ContactId, MAX(occurred_at) AS LastAt, MAX(CASE WHEN kind = 'purchase' THEN occurred_at END) AS LastPurchaseAt FROM interactions GROUP BY contact_id"))
            .ToDictionary(a => a.ContactId);
        var suppressed = (await connection.QueryAsync<string>("SELECT phone_hash FROM suppression_list")).ToHashSet(StringComparer.Ordinal);

        foreach (var message in messages.Where(m => m.Status != "cancelled"))
        {
            var contact = contacts[message.ContactId];
            var what = $"night {now:yyyy-MM-dd}: message {message.MessageId} to contact {message.ContactId}";
            if (contact.Status is not ("valid" or "repaired") || contact.ErasedAt is not null || contact.Phone != message.Phone)
            {
                violations.Add($"{what}: phone status {contact.Status}, erased {contact.ErasedAt}");
            }

            if (suppressed.Contains(PhoneHash.Of(message.Phone)))
            {
                violations.Add($"{what}: number suppressed");
            }

            if (message.Relevance < MinRelevance)
            {
                violations.Add($"{what}: relevance {message.Relevance} under {MinRelevance}");
            }

            var fresh = contacts.Values.Where(c => c.Phone == message.Phone && c.ErasedAt is null).Any(c =>
                consents.TryGetValue(c.ContactId, out var consent) && ConsentFreshness.Evaluate(
                    new ConsentState(consent.Status, consent.GrantedAt, consent.LastConfirmedAt, consent.ExpiresAt),
                    new ContactActivity(Latest(c.LastInteractionAt, activity.GetValueOrDefault(c.ContactId)?.LastAt), activity.GetValueOrDefault(c.ContactId)?.LastPurchaseAt),
                    ConsentFreshness.DefaultMaxIdleDays,
                    message.ScheduledAt).IsFresh);
            if (!fresh)
            {
                violations.Add($"{what}: no granted consent fresh at {message.ScheduledAt:o}");
            }

            var zone = TimeZoneInfo.FindSystemTimeZoneById(contact.Zone!);
            var local = TimeZoneInfo.ConvertTime(message.ScheduledAt, zone);
            var day = DateOnly.FromDateTime(local.DateTime);
            if (message.ScheduledAt <= now || SendWindow.Default.CheckDay(day) != SendDayStatus.Open || local.TimeOfDay < TimeSpan.FromHours(9) || local.TimeOfDay >= TimeSpan.FromHours(18))
            {
                violations.Add($"{what}: scheduled {local:yyyy-MM-dd HH:mm} ({day.DayOfWeek}) in {contact.Zone}, outside the window");
            }
        }

        if (messages.GroupBy(m => m.Phone).Any(g => g.Count() > 1))
        {
            violations.Add($"night {now:yyyy-MM-dd}: a number was planned twice");
        }

        return messages.Count;
    }

    private static async Task<IEnumerable<string>> CapViolationsAsync(TestDatabase db)
    {
        await using var connection = await OpenAsync(db);
        var rows = await connection.QueryAsync<(string Phone, DateTimeOffset ScheduledAt, DateTimeOffset? SentAt)>(
            // Erasure replaces every number of an erased person's messages with one placeholder: those are nobody's.
            "SELECT phone_e164, scheduled_at, sent_at FROM message_queue WHERE status NOT IN ('failed', 'cancelled') AND phone_e164 <> 'erased'");
        var violations = new List<string>();
        foreach (var number in rows.GroupBy(r => r.Phone))
        {
            var times = number.Select(r => r.SentAt ?? r.ScheduledAt).Order().ToList();
            for (var i = 1; i < times.Count; i++)
            {
                if (times[i] - times[i - 1] < TimeSpan.FromDays(7))
                {
                    violations.Add($"cap: number ending {number.Key[^4..]} got messages at {times[i - 1]:o} and {times[i]:o}");
                }
            }
        }

        return violations;
    }

    private static async Task<IEnumerable<string>> DailyLimitViolationsAsync(TestDatabase db)
    {
        await using var connection = await OpenAsync(db);
        var perDay = await connection.QueryAsync<(string Day, long Messages)>(
            "SELECT CAST(send_day AS varchar(10)), SUM(messages - cancelled - failed) FROM v_plan_by_day GROUP BY CAST(send_day AS varchar(10))");
        return perDay.Where(d => d.Messages > DailyLimit).Select(d => $"daily limit: {d.Messages} messages on {d.Day}");
    }

    /// <summary>
    /// The base: people in several zones, most with a valid number, some duplicated, suppressed or with a bad phone;
    /// consents of every age (some with an end date inside the simulation, some revoked, some absent); purchases
    /// across four categories and messages around a personal hour; six contents, one of them broken.
    /// </summary>
    private static async Task<List<string>> SeedAsync(TestDatabase db, Random random)
    {
        var dialect = SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot);
        await using var connection = await OpenAsync(db);
        await using var transaction = await connection.BeginTransactionAsync();
        var at = Start.AddDays(-800);
        foreach (var (name, category, body, priority, startsAt, endsAt) in new (string, string?, string, int, DateTimeOffset?, DateTimeOffset?)[]
        {
            ("Café da semana", "cafe", "Olá {first_name}, o café da semana chegou!", 1, null, null),
            ("Vinhos", "vinho", "Oi {first_name}, seu {product} tem companhia nova na adega.", 0, null, Start.AddDays(30)),
            ("Padaria", "padaria", "Bom dia, {first_name}! Pão quentinho às 16h.", 0, Start.AddDays(20), null),
            ("Queijos", "queijos", "{first_name}, chegaram queijos da Serra da Canastra.", 2, null, null),
            ("Novidades", null, "Olá {first_name}, temos novidades na loja.", -1, null, null),
            ("Com erro", "cafe", "Olá {nome}!", 9, null, null),
        })
        {
            await connection.ExecuteAsync(
                "INSERT INTO contents (name, category, body, priority, active, starts_at, ends_at, created_at, updated_at) VALUES (@name, @category, @body, @priority, @active, @startsAt, @endsAt, @at, @at)",
                new { name, category, body, priority, active = true, startsAt, endsAt, at }, transaction);
        }

        var numbers = new List<string>();
        for (var i = 0; i < People; i++)
        {
            var number = "+55119" + (70_000_000 + (i * 7919 % 9_999_999)).ToString(CultureInfo.InvariantCulture);
            var zone = Zones[random.Next(Zones.Length)];
            var status = random.NextDouble() switch { < 0.85 => "valid", < 0.90 => "repaired", < 0.94 => "invalid", < 0.97 => "landline", _ => "unreachable" };
            var name = Names[i % Names.Length];
            var id = await InsertContactAsync(connection, transaction, dialect, name, number, status, zone, null, Start.AddDays(-random.Next(400, 800)));
            numbers.Add(number);
            var consentRoll = random.NextDouble();
            if (consentRoll < 0.75)
            {
                // A quarter end inside the simulation; grants up to 420 days old go idle along the way unless the person is active.
                DateTimeOffset? expiresAt = random.NextDouble() < 0.25 ? Start.AddDays(random.Next(1, Nights)).AddHours(random.Next(0, 24)) : null;
                await InsertConsentAsync(connection, transaction, id, "granted", Start.AddDays(-random.Next(1, 420)).AddMinutes(random.Next(0, 1440)), expiresAt);
            }
            else if (consentRoll < 0.85)
            {
                await InsertConsentAsync(connection, transaction, id, "revoked", Start.AddDays(-random.Next(100, 500)), null);
            }

            if (random.NextDouble() < 0.05)
            {
                var duplicate = await InsertContactAsync(connection, transaction, dialect, name, number, "duplicate", zone, id, Start.AddDays(-random.Next(1, 300)));
                await InsertConsentAsync(connection, transaction, duplicate, "granted", Start.AddDays(-random.Next(1, 200)), null);
            }

            if (random.NextDouble() < 0.03)
            {
                await connection.ExecuteAsync(
                    "INSERT INTO suppression_list (phone_hash, reason, added_at) VALUES (@hash, 'import', @at)", new { hash = PhoneHash.Of(number), at }, transaction);
            }

            for (var p = random.Next(0, 7); p > 0; p--)
            {
                var category = Categories[random.Next(Categories.Length)];
                await InsertInteractionAsync(connection, transaction, id, "purchase", Start.AddDays(-random.Next(0, 400)).AddMinutes(random.Next(0, 1440)), category + " " + p, category);
            }

            var habit = random.Next(0, 24);
            var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
            for (var m = random.NextDouble() < 0.4 ? 0 : random.Next(0, 9); m > 0; m--)
            {
                var local = DateOnly.FromDateTime(Start.AddDays(-random.Next(1, 200)).UtcDateTime).ToDateTime(new TimeOnly((habit + random.Next(-1, 2) + 24) % 24, random.Next(0, 60)));
                await InsertInteractionAsync(connection, transaction, id, "message_in", LocalToUtc.Recorded(local, tz), null, null);
            }
        }

        await transaction.CommitAsync();
        return numbers;
    }

    /// <summary>What happens between two nights: due messages go out, some are read and answered, people write in.</summary>
    private static async Task DayGoesByAsync(TestDatabase db, Random random, DateTimeOffset from, DateTimeOffset to, List<string> numbers, bool send)
    {
        await using var connection = await OpenAsync(db);
        if (send)
        {
            var due = (await connection.QueryAsync<(long MessageId, long ContactId, DateTimeOffset ScheduledAt)>(
                "SELECT message_id, contact_id, scheduled_at FROM message_queue WHERE status = 'queued' AND scheduled_at <= @to", new { to })).AsList();
            foreach (var (messageId, contactId, scheduledAt) in due)
            {
                // Some go out a little late: the cap counts from when the person got the message.
                var status = random.NextDouble() switch { < 0.4 => "read", < 0.8 => "delivered", _ => "sent" };
                var sentAt = random.NextDouble() < 0.3 ? scheduledAt.AddMinutes(random.Next(1, 90)) : scheduledAt;
                await connection.ExecuteAsync(
                    "UPDATE message_queue SET status = @status, sent_at = @sentAt, updated_at = @sentAt WHERE message_id = @messageId",
                    new { status, sentAt, messageId });
                if (random.NextDouble() < 0.25)
                {
                    var replyAt = scheduledAt.AddMinutes(random.Next(1, 240));
                    await InsertInteractionAsync(connection, null, contactId, "reply", replyAt < to ? replyAt : to, null, null);
                }
            }
        }

        // A few people write to the business or buy something during the day.
        foreach (var number in Pick(random, numbers, 8))
        {
            var contactId = await connection.ExecuteScalarAsync<long?>(
                "SELECT MIN(contact_id) FROM contacts WHERE phone_e164 = @number AND erased_at IS NULL", new { number });
            if (contactId is { } id)
            {
                var occurredAt = from.AddMinutes(random.Next(0, 1440));
                var purchase = random.NextDouble() < 0.3;
                var category = Categories[random.Next(Categories.Length)];
                await InsertInteractionAsync(connection, null, id, purchase ? "purchase" : "message_in", occurredAt, purchase ? "Item " + category : null, purchase ? category : null);
            }
        }
    }

    private static async Task<long> InsertContactAsync(
        DbConnection connection, DbTransaction transaction, SqlDialect dialect, string? name, string number, string status, string zone, long? duplicateOf, DateTimeOffset createdAt) =>
        await connection.ExecuteScalarAsync<long>(
            dialect.InsertReturningKey(
                "contacts",
                "name, phone_raw, phone_e164, phone_hash, phone_status, time_zone, duplicate_of, created_at, updated_at",
                "@name, @number, @number, @hash, @status, @zone, @duplicateOf, @createdAt, @createdAt",
                "contact_id"),
            new { name, number, hash = PhoneHash.Of(number), status, zone, duplicateOf, createdAt },
            transaction);

    private static Task<int> InsertConsentAsync(DbConnection connection, DbTransaction transaction, long contactId, string status, DateTimeOffset grantedAt, DateTimeOffset? expiresAt) =>
        connection.ExecuteAsync(
            "INSERT INTO consents (contact_id, status, source, granted_at, expires_at, changed_at) VALUES (@contactId, @status, 'form', @grantedAt, @expiresAt, @grantedAt)",
            new { contactId, status, grantedAt, expiresAt },
            transaction);

    private static Task<int> InsertInteractionAsync(DbConnection connection, DbTransaction? transaction, long contactId, string kind, DateTimeOffset occurredAt, string? product, string? category) =>
        connection.ExecuteAsync(
            "INSERT INTO interactions (contact_id, kind, occurred_at, product, category, source) VALUES (@contactId, @kind, @occurredAt, @product, @category, 'sim')",
            new { contactId, kind, occurredAt, product, category },
            transaction);

    private static async Task ExecuteAsync(TestDatabase db, string sql, object parameters)
    {
        await using var connection = await OpenAsync(db);
        await connection.ExecuteAsync(sql, parameters);
    }

    private static async Task<DbConnection> OpenAsync(TestDatabase db)
    {
        DapperSetup.EnsureConfigured();
        return await db.OpenAsync();
    }

    private static List<string> Pick(Random random, List<string> numbers, int count) =>
        Enumerable.Range(0, count).Select(_ => numbers[random.Next(numbers.Count)]).ToList();

    private static DateTimeOffset? Latest(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private sealed class NewMessage
    {
        public long MessageId { get; set; }

        public long ContactId { get; set; }

        public string Phone { get; set; } = "";

        public DateTimeOffset ScheduledAt { get; set; }

        public double Relevance { get; set; }

        public string Status { get; set; } = "";
    }

    private sealed class ContactState
    {
        public long ContactId { get; set; }

        public string? Phone { get; set; }

        public string Status { get; set; } = "";

        public string? Zone { get; set; }

        public DateTimeOffset? ErasedAt { get; set; }

        public DateTimeOffset? LastInteractionAt { get; set; }
    }

    private sealed class ConsentRow
    {
        public long ContactId { get; set; }

        public string Status { get; set; } = "";

        public DateTimeOffset? GrantedAt { get; set; }

        public DateTimeOffset? LastConfirmedAt { get; set; }

        public DateTimeOffset? ExpiresAt { get; set; }
    }

    private sealed class ActivityRow
    {
        public long ContactId { get; set; }

        public DateTimeOffset? LastAt { get; set; }

        public DateTimeOffset? LastPurchaseAt { get; set; }
    }
}

public sealed class SqlitePlanSimulationTests(SqliteEngine engine) : PlanSimulationTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresPlanSimulationTests(PostgresEngine engine) : PlanSimulationTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerPlanSimulationTests(SqlServerEngine engine) : PlanSimulationTests(engine), IClassFixture<SqlServerEngine>;
