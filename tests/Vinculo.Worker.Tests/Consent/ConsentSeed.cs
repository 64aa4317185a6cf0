using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;
using Vinculo.Privacy;

namespace Vinculo.Consent;

/// <summary>Rows for consent tests, written with plain SQL as any other tool would write them.</summary>
internal sealed class ConsentSeed(TestDatabase db)
{
    private readonly SqlDialect dialect = SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot);

    /// <summary>The database's dialect, for the seeds built on this one.</summary>
    public SqlDialect Dialect => dialect;

    public async Task<JobRunOutcome> RunAsync(string jobKey, DateTimeOffset now, params string[] settings)
    {
        using var host = db.BuildHost(new Microsoft.Extensions.Time.Testing.FakeTimeProvider(now), extraArgs: settings);
        return await host.Services.GetRequiredService<JobRunner>().RunAsync(jobKey, CancellationToken.None);
    }

    /// <summary>A contact whose number has been classified (valid), as revalidate-phones leaves it.</summary>
    public async Task<long> ContactAsync(string? e164, DateTimeOffset createdAt, string name = "Cliente", string? raw = null, string status = "valid", string? externalRef = null)
    {
        var sql = dialect.InsertReturningKey(
            "contacts",
            "name, external_ref, phone_raw, phone_e164, phone_hash, phone_status, phone_checked_at, phone_checked_version, time_zone, created_at, updated_at",
            "@name, @externalRef, @raw, @e164, @hash, @status, @createdAt, @version, 'America/Sao_Paulo', @createdAt, @createdAt",
            "contact_id");
        return await ScalarAsync<long>(sql, new
        {
            name,
            externalRef,
            raw = raw ?? e164,
            e164,
            hash = e164 is null ? null : PhoneHash.Of(e164),
            status,
            createdAt,
            version = Phones.PhoneClassifier.LibraryVersion,
        });
    }

    public Task ConsentAsync(long contactId, string status, DateTimeOffset grantedAt, DateTimeOffset? lastConfirmedAt = null, DateTimeOffset? expiresAt = null, string source = "form") =>
        ExecuteAsync(
            "INSERT INTO consents (contact_id, status, source, granted_at, last_confirmed_at, expires_at, changed_at) VALUES (@contactId, @status, @source, @grantedAt, @lastConfirmedAt, @expiresAt, @grantedAt)",
            new { contactId, status, source, grantedAt, lastConfirmedAt, expiresAt });

    public async Task<long> QueuedMessageAsync(long contactId, string e164, DateTimeOffset scheduledAt, string body = "Olá Cliente, novidade!")
    {
        var contentId = await ScalarAsync<long>(
            dialect.InsertReturningKey("contents", "name, body, created_at, updated_at", "'Novidade', 'Olá {first_name}', @at, @at", "content_id"), new { at = scheduledAt });
        return await ScalarAsync<long>(
            dialect.InsertReturningKey(
                "message_queue",
                "contact_id, content_id, phone_e164, scheduled_at, relevance, body, status, created_at, updated_at",
                "@contactId, @contentId, @e164, @scheduledAt, 0.5, @body, 'queued', @scheduledAt, @scheduledAt",
                "message_id"),
            new { contactId, contentId, e164, scheduledAt, body });
    }

    public Task<long> InboundAsync(string? fromPhone, string? body, DateTimeOffset receivedAt, string? waUserId = null, string? providerMessageId = null) =>
        ScalarAsync<long>(
            dialect.InsertReturningKey(
                "inbound_messages", "provider_message_id, from_phone, wa_user_id, body, received_at", "@providerMessageId, @fromPhone, @waUserId, @body, @receivedAt", "inbound_id"),
            new { providerMessageId, fromPhone, waUserId, body, receivedAt });

    public Task<long> PreferenceAsync(string? fromPhone, string value, DateTimeOffset receivedAt) =>
        ScalarAsync<long>(
            dialect.InsertReturningKey(
                "preference_events", "from_phone, category, value, occurred_at, received_at", "@fromPhone, 'marketing_messages', @value, @receivedAt, @receivedAt", "preference_id"),
            new { fromPhone, value, receivedAt });

    public Task InteractionAsync(long contactId, string kind, DateTimeOffset occurredAt, string? product = null) =>
        ExecuteAsync(
            "INSERT INTO interactions (contact_id, kind, occurred_at, product, source) VALUES (@contactId, @kind, @occurredAt, @product, 'erp')",
            new { contactId, kind, occurredAt, product });

    public async Task<T> ScalarAsync<T>(string sql, object? parameters = null)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        return (await connection.ExecuteScalarAsync<T>(sql, parameters))!;
    }

    public async Task<List<T>> QueryAsync<T>(string sql, object? parameters = null)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }

    public async Task ExecuteAsync(string sql, object? parameters = null)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    public Task<string> ConsentStatusAsync(long contactId) =>
        ScalarAsync<string>("SELECT status FROM consents WHERE contact_id = @contactId", new { contactId });

    public Task<long> EventsAsync(long contactId, string consentEvent) =>
        ScalarAsync<long>("SELECT COUNT(*) FROM consent_events WHERE contact_id = @contactId AND event = @consentEvent", new { contactId, consentEvent });

    public Task<long> CountAsync(string table) => ScalarAsync<long>($"SELECT COUNT(*) FROM {table}");

    public async Task<bool> IsSuppressedAsync(string e164) =>
        await ScalarAsync<long>("SELECT COUNT(*) FROM suppression_list WHERE phone_hash = @hash", new { hash = PhoneHash.Of(e164) }) > 0;
}
