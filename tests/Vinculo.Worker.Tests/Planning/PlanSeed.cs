using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;
using Vinculo.Privacy;

namespace Vinculo.Planning;

/// <summary>Rows for planner tests, written with plain SQL as any other tool would write them, and runs of the job.</summary>
internal sealed class PlanSeed(TestDatabase db)
{
    private readonly SqlDialect dialect = SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot);
    private readonly ConsentSeed sql = new(db);
    private int nextNumber;

    public TestDatabase Database => db;

    /// <summary>A fresh Brazilian mobile number, different on each call.</summary>
    public string NewNumber() => "+55119" + (80_000_000 + Interlocked.Increment(ref nextNumber)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async Task<JobRunOutcome> RunAsync(DateTimeOffset now, params string[] settings)
    {
        using var host = db.BuildHost(new FakeTimeProvider(now), extraArgs: settings);
        return await host.Services.GetRequiredService<JobRunner>().RunAsync(PlanMessagesJob.Key, CancellationToken.None);
    }

    /// <summary>The stored <c>job_runs.detail</c> of a run.</summary>
    public async Task<JsonElement> DetailAsync(JobRunOutcome run) =>
        JsonDocument.Parse(await sql.ScalarAsync<string>("SELECT detail FROM job_runs WHERE run_id = @id", new { id = run.RunId })).RootElement;

    public async Task<long> ContactAsync(
        string? e164, DateTimeOffset createdAt, string? name = "Cliente Teste", string status = "valid", string? zone = "America/Sao_Paulo",
        int? preferredHour = null, DateTimeOffset? lastInteractionAt = null, long? duplicateOf = null, DateTimeOffset? erasedAt = null)
    {
        var insert = dialect.InsertReturningKey(
            "contacts",
            "name, phone_raw, phone_e164, phone_hash, phone_status, phone_checked_at, time_zone, preferred_hour, last_interaction_at, duplicate_of, erased_at, created_at, updated_at",
            "@name, @e164, @e164, @hash, @status, @createdAt, @zone, @preferredHour, @lastInteractionAt, @duplicateOf, @erasedAt, @createdAt, @createdAt",
            "contact_id");
        return await sql.ScalarAsync<long>(insert, new
        {
            name, e164, hash = e164 is null ? null : PhoneHash.Of(e164), status, createdAt, zone, preferredHour, lastInteractionAt, duplicateOf, erasedAt,
        });
    }

    public Task ConsentAsync(long contactId, DateTimeOffset grantedAt, string status = "granted", DateTimeOffset? expiresAt = null) =>
        sql.ConsentAsync(contactId, status, grantedAt, expiresAt: expiresAt);

    public Task InteractionAsync(long contactId, string kind, DateTimeOffset occurredAt, string? product = null, string? category = null) =>
        sql.ExecuteAsync(
            "INSERT INTO interactions (contact_id, kind, occurred_at, product, category, source) VALUES (@contactId, @kind, @occurredAt, @product, @category, 'erp')",
            new { contactId, kind, occurredAt, product, category });

    /// <summary>
    /// A person the planner should message: granted consent a month ago, a purchase in <paramref name="category"/> five
    /// days ago, and three messages around <paramref name="habitHour"/> (their zone) in the last weeks.
    /// </summary>
    public async Task<long> CustomerAsync(
        DateTimeOffset now, string? e164 = null, string? name = "Cliente Teste", string category = "cafe", string? product = "Café Especial",
        string zone = "America/Sao_Paulo", int habitHour = 14, int purchaseDaysAgo = 5)
    {
        var id = await ContactAsync(e164 ?? NewNumber(), now.AddDays(-400), name, zone: zone);
        await ConsentAsync(id, now.AddDays(-30));
        if (product is not null)
        {
            await InteractionAsync(id, "purchase", now.AddDays(-purchaseDaysAgo), product, category);
        }

        var tz = TimeZoneInfo.FindSystemTimeZoneById(zone);
        foreach (var daysAgo in new[] { 3, 10, 17 })
        {
            var localDay = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, tz).DateTime).AddDays(-daysAgo);
            var local = localDay.ToDateTime(new TimeOnly(habitHour, 20));
            await InteractionAsync(id, "message_in", LocalToUtc.Recorded(local, tz));
        }

        return id;
    }

    public async Task<long> ContentAsync(
        string name, string body, string? category = null, int priority = 0, bool active = true, DateTimeOffset? startsAt = null,
        DateTimeOffset? endsAt = null, DateTimeOffset? pausedAt = null)
    {
        var insert = dialect.InsertReturningKey(
            "contents",
            "name, category, body, priority, active, starts_at, ends_at, paused_at, created_at, updated_at",
            "@name, @category, @body, @priority, @active, @startsAt, @endsAt, @pausedAt, @at, @at",
            "content_id");
        return await sql.ScalarAsync<long>(insert, new { name, category, body, priority, active, startsAt, endsAt, pausedAt, at = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture) });
    }

    public Task<long> MessageAsync(long contactId, long contentId, string e164, DateTimeOffset scheduledAt, string status = "sent", DateTimeOffset? sentAt = null) =>
        sql.ScalarAsync<long>(
            dialect.InsertReturningKey(
                "message_queue",
                "contact_id, content_id, phone_e164, scheduled_at, relevance, body, status, created_at, updated_at, sent_at",
                "@contactId, @contentId, @e164, @scheduledAt, 0.5, 'Olá', @status, @scheduledAt, @scheduledAt, @sentAt",
                "message_id"),
            new { contactId, contentId, e164, scheduledAt, status, sentAt = sentAt ?? (status is "sent" or "delivered" or "read" ? scheduledAt : null) });

    public Task SuppressAsync(string e164, DateTimeOffset at) =>
        sql.ExecuteAsync("INSERT INTO suppression_list (phone_hash, reason, added_at) VALUES (@hash, 'opt_out', @at)", new { hash = PhoneHash.Of(e164), at });

    /// <summary>The messages the planner queued (created at <paramref name="now"/>), by contact.</summary>
    public async Task<List<Planned>> PlannedAsync(DateTimeOffset? now = null)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        var rows = await connection.QueryAsync<Planned>(
            "SELECT message_id AS MessageId, contact_id AS ContactId, content_id AS ContentId, phone_e164 AS Phone, scheduled_at AS ScheduledAt, " +
            "relevance AS Relevance, score_detail AS ScoreDetail, body AS Body, status AS Status, created_at AS CreatedAt FROM message_queue " +
            "WHERE plan_day IS NOT NULL" + (now is null ? "" : " AND created_at = @now") + " ORDER BY contact_id",
            new { now });
        return rows.AsList();
    }

    public Task<T> ScalarAsync<T>(string query, object? parameters = null) => sql.ScalarAsync<T>(query, parameters);

    public Task ExecuteAsync(string statement, object? parameters = null) => sql.ExecuteAsync(statement, parameters);

    public Task<List<T>> QueryAsync<T>(string query, object? parameters = null) => sql.QueryAsync<T>(query, parameters);

    internal sealed class Planned
    {
        public long MessageId { get; set; }

        public long ContactId { get; set; }

        public long ContentId { get; set; }

        public string Phone { get; set; } = "";

        public DateTimeOffset ScheduledAt { get; set; }

        public double Relevance { get; set; }

        public string? ScoreDetail { get; set; }

        public string Body { get; set; } = "";

        public string Status { get; set; } = "";

        public DateTimeOffset CreatedAt { get; set; }
    }
}
