using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Vinculo.Cli;
using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Engines;
using Vinculo.Jobs;
using Vinculo.Privacy;

namespace Vinculo.Reporting;

/// <summary>
/// Rows for the report and health tests, written with plain SQL as other tools would write them, and a small base whose
/// figures are known (<see cref="SmallBaseAsync"/>).
/// </summary>
internal sealed class ReportSeed(TestDatabase db)
{
    /// <summary>Wednesday 2026-11-18, 10:17 in São Paulo: the dispatch fixtures' day.</summary>
    public static DateTimeOffset Now => Dispatch.DispatchKit.Now;

    public const string Ana = "+5511970000001";
    public const string Bruno = "+5511970000002";
    public const string Carla = "+5511970000003";
    public const string Elisa = "+551133334444";

    /// <summary>The content whose name holds a phone number: the report must mask it.</summary>
    public const string NameWithNumber = "Antigo (11) 98765-4321";

    private readonly ConsentSeed sql = new(db);

    public ConsentSeed Sql => sql;

    /// <summary>Settings that leave only <paramref name="keys"/> enabled.</summary>
    public static string[] OnlyJobs(params string[] keys) =>
        JobCatalog.SpecifiedKeys.Where(k => !keys.Contains(k)).Select(k => $"--Scheduler:Jobs:{k}:Enabled=false").ToArray();

    /// <summary>A host with the reporting services, its clock at <paramref name="now"/> (default <see cref="Now"/>).</summary>
    public IHost Host(DateTimeOffset? now = null, params string[] settings) =>
        db.BuildHost(new FakeTimeProvider(now ?? Now), b => b.AddVinculoReporting(), settings);

    public async Task<long> ContactAsync(string? e164, string status, string? consent = null, string source = "form", bool erased = false)
    {
        var id = await sql.ContactAsync(e164, Now.AddDays(-300), status: status);
        if (consent is not null)
        {
            await sql.ConsentAsync(id, consent, Now.AddDays(-100), source: source);
        }

        if (erased)
        {
            await sql.ExecuteAsync("UPDATE contacts SET erased_at = @at WHERE contact_id = @id", new { id, at = Now.AddDays(-5) });
        }

        return id;
    }

    public Task<long> ContentAsync(string name, bool active = true, DateTimeOffset? pausedAt = null, string? pausedReason = null) =>
        sql.ScalarAsync<long>(
            sql.Dialect.InsertReturningKey(
                "contents",
                "name, category, body, template_name, active, paused_at, paused_reason, created_at, updated_at",
                "@name, 'calcados', 'Oi, {first_name}! Para não receber mais mensagens, responda SAIR.', 'novidade', @active, @pausedAt, @pausedReason, @at, @at",
                "content_id"),
            new { name, active, pausedAt, pausedReason, at = Now.AddDays(-60) });

    public Task<long> MessageAsync(
        long contactId, long contentId, string e164, string status, DateTimeOffset scheduledAt, DateOnly? planDay, string? sentAs = null, DateTimeOffset? sentAt = null) =>
        sql.ScalarAsync<long>(
            sql.Dialect.InsertReturningKey(
                "message_queue",
                "contact_id, content_id, phone_e164, scheduled_at, relevance, status, sent_as, sent_at, plan_day, created_at, updated_at",
                "@contactId, @contentId, @e164, @scheduledAt, 0.5, @status, @sentAs, @sentAt, @planDay, @created, @created",
                "message_id"),
            new { contactId, contentId, e164, scheduledAt, status, sentAs, sentAt, planDay, created = scheduledAt.AddHours(-12) });

    public Task RevokedAsync(long contactId, DateTimeOffset at) =>
        sql.ExecuteAsync(
            "INSERT INTO consent_events (contact_id, event, source, occurred_at) VALUES (@contactId, 'revoked', 'whatsapp', @at)", new { contactId, at });

    public Task SuppressAsync(string e164, string reason) =>
        sql.ExecuteAsync(
            "INSERT INTO suppression_list (phone_hash, reason, added_at) VALUES (@hash, @reason, @at)", new { hash = PhoneHash.Of(e164), reason, at = Now.AddDays(-3) });

    public Task HaltAsync(int? code, string reason, DateTimeOffset at, DateTimeOffset? resumedAt = null) =>
        sql.ExecuteAsync(
            "INSERT INTO dispatch_halts (error_code, reason, halted_at, node, message_id, resumed_at, resumed_by) VALUES (@code, @reason, @at, 'node-a', NULL, @resumedAt, @by)",
            new { code, reason, at, resumedAt, by = resumedAt is null ? null : "ops@host" });

    /// <summary>Meta's signals, applied: the number flagged on tier TIER_250, and a content of "outono_2026" (pt_BR) paused by Meta.</summary>
    public async Task SenderSignalsAsync()
    {
        const string Insert =
            "INSERT INTO sender_health (field, event, tier, template_name, template_language, occurred_at, received_at, applied_at, action) " +
            "VALUES (@field, @event, @tier, @template, @language, @at, @at, @at, 'applied by the seed')";
        await sql.ExecuteAsync(Insert, new { field = "phone_number_quality_update", @event = "DOWNGRADE", tier = "TIER_250", template = (string?)null, language = (string?)null, at = Now.AddDays(-3) });
        await sql.ExecuteAsync(Insert, new { field = "phone_number_quality_update", @event = "FLAGGED", tier = (string?)null, template = (string?)null, language = (string?)null, at = Now.AddHours(-5) });
        await sql.ExecuteAsync(Insert, new { field = "message_template_status_update", @event = "PAUSED", tier = (string?)null, template = "outono_2026", language = "pt_BR", at = Now.AddHours(-2) });
        await sql.ExecuteAsync(
            "INSERT INTO contents (name, category, body, template_name, template_language, active, paused_at, paused_reason, created_at, updated_at) " +
            "VALUES ('Outono', 'calcados', 'Oi {first_name}', 'outono_2026', 'pt_BR', @active, @at, 'meta_template: Meta PAUSED (FIRST_PAUSE)', @at, @at)",
            new { at = Now.AddHours(-2), active = true });
    }

    public Task<long> JobRunAsync(string jobKey, string status, DateTimeOffset startedAt, TimeSpan? took = null, string? error = null) =>
        sql.ScalarAsync<long>(
            sql.Dialect.InsertReturningKey(
                "job_runs",
                "job_key, node, started_at, finished_at, status, scanned, changed, error",
                "@jobKey, 'node-a', @startedAt, @finishedAt, @status, 10, 1, @error",
                "run_id"),
            new { jobKey, status, startedAt, finishedAt = status == "running" ? (DateTimeOffset?)null : startedAt + (took ?? TimeSpan.FromSeconds(2)), error });

    /// <summary>
    /// Six live contacts and an erased one; three contents (one paused, one inactive with a number in its name); eight
    /// messages (three past sends, a cancelled one, four queued on three send days); two suppressed numbers; an open halt
    /// and a lifted one; runs of two jobs. The figures the tests expect are written beside each row.
    /// </summary>
    public async Task SmallBaseAsync()
    {
        var ana = await ContactAsync(Ana, "valid", "granted", "form");
        var bruno = await ContactAsync(Bruno, "valid", "granted", "whatsapp");
        var carla = await ContactAsync(Carla, "repaired", "revoked", "whatsapp");
        await ContactAsync(null, "invalid");
        var elisa = await ContactAsync(Elisa, "landline", "expired", "import");
        await ContactAsync(Ana, "duplicate");
        await ContactAsync("+5511970000007", "valid", "granted", "form", erased: true);
        await SuppressAsync(Carla, "opt_out");
        await SuppressAsync("+5511999990000", "import");

        var reposicao = await ContentAsync("Reposição");
        var blackFriday = await ContentAsync(
            "Black Friday", pausedAt: Now.AddDays(-2), pausedReason: "circuit_breaker: 1 of 1 recipients in 24 h opted out (100.0 %, limit 2.0 %)");
        await ContentAsync(NameWithNumber, active: false);

        await MessageAsync(ana, reposicao, Ana, "delivered", Now.AddDays(-2), new DateOnly(2026, 11, 16), "session", Now.AddDays(-2));
        await MessageAsync(bruno, reposicao, Bruno, "read", Now.AddDays(-20), new DateOnly(2026, 10, 29), "template", Now.AddDays(-20));
        await MessageAsync(carla, blackFriday, Carla, "sent", Now.AddDays(-3), new DateOnly(2026, 11, 15), "template", Now.AddDays(-3));
        await RevokedAsync(carla, Now.AddDays(-3).AddHours(2));
        await MessageAsync(elisa, reposicao, Elisa, "cancelled", Now.AddDays(-1), new DateOnly(2026, 11, 17));
        await MessageAsync(ana, reposicao, Ana, "queued", At("2026-11-19T12:05:00Z"), new DateOnly(2026, 11, 19));
        await MessageAsync(bruno, reposicao, Bruno, "queued", At("2026-11-19T18:30:00Z"), new DateOnly(2026, 11, 19));
        await MessageAsync(ana, reposicao, Ana, "queued", At("2026-11-20T13:00:00Z"), new DateOnly(2026, 11, 20));
        // Written by another tool without plan_day: its send day is the UTC date of its slot.
        await MessageAsync(elisa, reposicao, Elisa, "queued", Now.AddHours(3), null);

        await HaltAsync(131048, "WhatsApp: spam rate too high (131048)", Now.AddHours(-1));
        await HaltAsync(190, "token expired (190)", Now.AddDays(-10), resumedAt: Now.AddDays(-9));

        await JobRunAsync(RevalidatePhones, "succeeded", At("2026-11-18T05:00:00Z"), TimeSpan.FromSeconds(42));
        await JobRunAsync(DispatchMessages, "succeeded", Now.AddMinutes(-2), TimeSpan.FromSeconds(1.5));
        await JobRunAsync(DispatchMessages, "failed", Now.AddMinutes(-1), TimeSpan.FromSeconds(0.25), "WhatsApp halted dispatching: 131048");
    }

    public const string RevalidatePhones = "revalidate-phones";
    public const string DispatchMessages = "dispatch-messages";
    public const string PlanMessages = "plan-messages";
    public const string ProcessInbound = "process-inbound";

    public static DateTimeOffset At(string instant) => DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture);

    /// <summary>
    /// Runs a verb built by one of the new commands' <c>Create</c> in a root of its own, with the reporting services added:
    /// the verb as a user gets it, before it is wired into <see cref="VinculoCommandLine"/>.
    /// </summary>
    public static Task<CliResult> InvokeAsync(
        TestDatabase db, Func<IReadOnlyList<string>, CommandLineContext, Command> create, params string[] args) =>
        CliResult.CaptureAsync(db.ContentRoot, builder => builder.AddVinculoReporting(), context =>
        {
            var (verb, configuration) = VinculoCommandLine.SplitConfigurationOverrides([.. db.ConfigurationArgs, .. args]);
            var root = new RootCommand { create(configuration, context) };
            return root.Parse(verb).InvokeAsync(new InvocationConfiguration { Output = context.Output, Error = context.Error, EnableDefaultExceptionHandler = false });
        });
}
