using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;

namespace Vinculo.Import;

/// <summary>What the import tests share: the shared samples, an inbox per test database, runs of the job, and queries.</summary>
internal static class ImportTestKit
{
    public static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-11-23T12:00:00Z", CultureInfo.InvariantCulture);

    /// <summary><c>../shared/data/chats</c> beside the checkout (never copied into the repository).</summary>
    public static string SamplesFolder => Path.Combine(Directory.GetParent(Data.SqlServerStatementTests.RepositoryRoot())!.FullName, "shared", "data", "chats");

    public static IEnumerable<string> SampleFiles =>
        Directory.EnumerateFiles(SamplesFolder).Where(file => !file.EndsWith(".md", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    /// <summary>The default <c>Import:InboxPath</c> under the test's content root.</summary>
    public static string Inbox(TestDatabase db) => Path.Combine(db.ContentRoot, "data", "inbox");

    /// <summary>Puts a file in the inbox as a finished copy: last written an hour before <see cref="Now"/>.</summary>
    public static string Drop(TestDatabase db, string source, string? name = null, string? subfolder = null)
    {
        var folder = subfolder is null ? Inbox(db) : Path.Combine(Inbox(db), subfolder);
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, name ?? Path.GetFileName(source));
        File.Copy(source, target);
        File.SetLastWriteTimeUtc(target, Now.UtcDateTime.AddHours(-1));
        return target;
    }

    public static string DropText(TestDatabase db, string name, string text, System.Text.Encoding? encoding = null, string? subfolder = null)
    {
        var folder = subfolder is null ? Inbox(db) : Path.Combine(Inbox(db), subfolder);
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, name);
        File.WriteAllText(target, text, encoding ?? new System.Text.UTF8Encoding(false));
        File.SetLastWriteTimeUtc(target, Now.UtcDateTime.AddHours(-1));
        return target;
    }

    public static async Task<JobRunOutcome> RunJobAsync(TestDatabase db, DateTimeOffset? now = null, params string[] settings)
    {
        using var host = db.BuildHost(new FakeTimeProvider(now ?? Now), extraArgs: settings);
        return await host.Services.GetRequiredService<JobRunner>().RunAsync(JobCatalog.ImportChats, CancellationToken.None);
    }

    public static async Task<long> CountAsync(TestDatabase db, string table, string where = "1 = 1", object? parameters = null)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>($"SELECT COUNT(*) FROM {table} WHERE {where}", parameters);
    }

    public static async Task<long?> ContactIdAsync(TestDatabase db, string e164)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        return await connection.QueryFirstOrDefaultAsync<long?>("SELECT contact_id FROM contacts WHERE phone_e164 = @e164 ORDER BY contact_id", new { e164 });
    }

    /// <summary>The instants of a contact's chat interactions, in order.</summary>
    public static async Task<List<DateTimeOffset>> InteractionTimesAsync(TestDatabase db, long contactId)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<DateTimeOffset>(
            "SELECT occurred_at FROM interactions WHERE contact_id = @contactId AND kind = 'message_in' AND source = 'chat' ORDER BY occurred_at",
            new { contactId })).AsList();
    }

    public static async Task<long> InsertContactAsync(TestDatabase db, string? name, string? raw, string? e164 = null)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        var sql = SqlDialect.Create(db.Provider, db.ConnectionString, db.ContentRoot).InsertReturningKey(
            "contacts", "name, phone_raw, phone_e164, phone_status, created_at, updated_at", "@name, @raw, @e164, @status, @at, @at", "contact_id");
        return await connection.ExecuteScalarAsync<long>(sql, new { name, raw, e164, status = e164 is null ? "unchecked" : "valid", at = Now.AddDays(-30) });
    }

    public static async Task ExecuteAsync(TestDatabase db, string sql, object? parameters = null)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        await connection.ExecuteAsync(sql, parameters);
    }

    public static async Task<List<T>> QueryAsync<T>(TestDatabase db, string sql, object? parameters = null)
    {
        DapperSetup.EnsureConfigured();
        await using var connection = await db.OpenAsync();
        return (await connection.QueryAsync<T>(sql, parameters)).AsList();
    }

    /// <summary>Local time in São Paulo (UTC-3, no daylight saving since 2019) as stored: UTC.</summary>
    public static DateTimeOffset SaoPaulo(int month, int day, int hour, int minute, int second = 0) =>
        new DateTimeOffset(2026, month, day, hour, minute, second, TimeSpan.FromHours(-3)).ToUniversalTime();

    public static List<string> FilesIn(string folder) =>
        Directory.Exists(folder) ? Directory.EnumerateFiles(folder).Select(file => Path.GetFileName(file)).Order(StringComparer.Ordinal).ToList() : [];
}
