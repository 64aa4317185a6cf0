using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Engines;
using static Vinculo.Reporting.ReportSeed;

namespace Vinculo.Reporting;

/// <summary><see cref="ReportBuilder"/> over a small base whose every figure is known, on every engine.</summary>
public abstract partial class ReportBuilderTests(EngineFixture engine) : EngineSuite(engine)
{
    [SkippableFact]
    public async Task Report_CountsLiveContacts_ByPhoneStatus_WithConsentAndSuppression()
    {
        var report = await SmallBaseReportAsync();

        Assert.Equal(6, report.Contacts.Live);
        Assert.Equal(ReportBuilder.PhoneStatusOrder, report.Contacts.ByPhoneStatus.Keys);
        Assert.Equal(new PhoneStatusFigures(0, 0, 0), report.Contacts.ByPhoneStatus["unchecked"]);
        Assert.Equal(new PhoneStatusFigures(2, 2, 0), report.Contacts.ByPhoneStatus["valid"]);
        Assert.Equal(new PhoneStatusFigures(1, 0, 1), report.Contacts.ByPhoneStatus["repaired"]);
        Assert.Equal(new PhoneStatusFigures(1, 0, 0), report.Contacts.ByPhoneStatus["landline"]);
        Assert.Equal(new PhoneStatusFigures(1, 0, 0), report.Contacts.ByPhoneStatus["invalid"]);
        Assert.Equal(new PhoneStatusFigures(1, 0, 0), report.Contacts.ByPhoneStatus["duplicate"]);
        Assert.Equal(new PhoneStatusFigures(0, 0, 0), report.Contacts.ByPhoneStatus["unreachable"]);
    }

    [SkippableFact]
    public async Task Report_ConsentFunnel_BySource_AndContactsWithoutConsent()
    {
        var report = await SmallBaseReportAsync();

        var consent = report.Consent;
        Assert.Equal((2, 1, 1, 2), (consent.Granted, consent.Revoked, consent.Expired, consent.WithoutConsent));
        Assert.Equal(ReportBuilder.ConsentSourceOrder, consent.BySource.Keys);
        Assert.Equal(new ConsentCounts(1, 0, 0), consent.BySource["form"]);
        Assert.Equal(new ConsentCounts(1, 1, 0), consent.BySource["whatsapp"]);
        Assert.Equal(new ConsentCounts(0, 0, 1), consent.BySource["import"]);
        Assert.Equal(new ConsentCounts(0, 0, 0), consent.BySource["chat"]);
        Assert.Equal(new ConsentCounts(0, 0, 0), consent.BySource["other"]);
    }

    [SkippableFact]
    public async Task Report_Suppression_CountsNumbers_ByReason()
    {
        var report = await SmallBaseReportAsync();

        Assert.Equal(2, report.Suppression.Numbers);
        Assert.Equal([new SuppressionReason("import", 1), new SuppressionReason("opt_out", 1)], report.Suppression.ByReason);
    }

    [SkippableFact]
    public async Task Report_Plan_ListsSendDaysFromToday_WithQueuedMessagesAndTheirFirstAndLastSlot()
    {
        var report = await SmallBaseReportAsync();

        Assert.Equal(
            [
                // The row another tool wrote without plan_day counts on the UTC date of its slot.
                new PlannedDay(new DateOnly(2026, 11, 18), 1, 1, Now.AddHours(3), Now.AddHours(3)),
                new PlannedDay(new DateOnly(2026, 11, 19), 2, 2, At("2026-11-19T12:05:00Z"), At("2026-11-19T18:30:00Z")),
                new PlannedDay(new DateOnly(2026, 11, 20), 1, 1, At("2026-11-20T13:00:00Z"), At("2026-11-20T13:00:00Z")),
            ],
            report.Plan);
    }

    [SkippableFact]
    public async Task Report_Messages_ByStatusAndSentAs_LastSevenDaysAndAllTime()
    {
        var report = await SmallBaseReportAsync();

        var messages = report.Messages;
        Assert.Equal(7, messages.WindowDays);
        Assert.Equal(Now.AddDays(-7), messages.Since);
        Assert.Equal(ReportBuilder.MessageStatusOrder, messages.AllTime.ByStatus.Keys);
        Assert.Equal(8, messages.AllTime.Total);
        Assert.Equal(
            new Dictionary<string, long> { ["queued"] = 4, ["sending"] = 0, ["sent"] = 1, ["delivered"] = 1, ["read"] = 1, ["failed"] = 0, ["cancelled"] = 1 },
            messages.AllTime.ByStatus);
        Assert.Equal(new Dictionary<string, long> { ["session"] = 1, ["template"] = 2 }, messages.AllTime.BySentAs);

        // The read message was due 20 days ago and the queued ones are still to come: neither is in the window.
        Assert.Equal(3, messages.LastDays.Total);
        Assert.Equal(
            new Dictionary<string, long> { ["queued"] = 0, ["sending"] = 0, ["sent"] = 1, ["delivered"] = 1, ["read"] = 0, ["failed"] = 0, ["cancelled"] = 1 },
            messages.LastDays.ByStatus);
        Assert.Equal(new Dictionary<string, long> { ["session"] = 1, ["template"] = 1 }, messages.LastDays.BySentAs);
    }

    [SkippableFact]
    public async Task Report_Contents_OptOutRate_AmongRecipients_AndThePausedOne()
    {
        var report = await SmallBaseReportAsync();

        Assert.Equal(3, report.Contents.Count);
        var reposicao = report.Contents[0];
        Assert.Equal(("Reposição", "active", 4L, 2L, 2L, 0L, (double?)0.0), (reposicao.Name, reposicao.State, reposicao.Queued, reposicao.Sent, reposicao.Recipients, reposicao.OptedOut, reposicao.OptOutRate));
        var blackFriday = report.Contents[1];
        Assert.Equal(("Black Friday", "paused", 0L, 1L, 1L, 1L, (double?)1.0), (blackFriday.Name, blackFriday.State, blackFriday.Queued, blackFriday.Sent, blackFriday.Recipients, blackFriday.OptedOut, blackFriday.OptOutRate));
        var old = report.Contents[2];
        Assert.Equal(("inactive", 0L, (double?)null), (old.State, old.Recipients, old.OptOutRate));

        var paused = Assert.Single(report.PausedContents);
        Assert.Equal(blackFriday.ContentId, paused.ContentId);
        Assert.Equal(Now.AddDays(-2), paused.PausedAt);
        Assert.StartsWith("circuit_breaker: 1 of 1 recipients", paused.PausedReason, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task Report_ShowsTheOpenHalt_NotTheLiftedOne()
    {
        var report = await SmallBaseReportAsync();

        Assert.Equal(new HaltSummary(Now.AddHours(-1), 131048, "WhatsApp: spam rate too high (131048)", "node-a"), report.DispatchHalt);
    }

    [SkippableFact]
    public async Task Report_Jobs_LastRunAndLastFailure_ForEveryJob()
    {
        var report = await SmallBaseReportAsync("--Scheduler:Jobs:retention:Enabled=false", "--Scheduler:Jobs:import-chats:Cron=0 0/10 * * * ?");

        Assert.Equal(
            ["dispatch-messages", "expire-consents", "import-chats", "plan-messages", "process-inbound", "retention", "revalidate-phones"],
            report.Jobs.Select(j => j.JobKey));
        var revalidate = report.Jobs.Single(j => j.JobKey == RevalidatePhones);
        Assert.True(revalidate.Enabled);
        Assert.Equal("0 0 2 * * ?", revalidate.Cron);
        Assert.Equal(At("2026-11-18T05:00:00Z"), revalidate.LastSuccessAt);
        Assert.Equal(("succeeded", 42.0, (string?)null), (revalidate.LastRun!.Status, revalidate.LastRun.DurationSeconds, revalidate.LastRun.Error));
        Assert.Null(revalidate.LastFailure);

        var dispatch = report.Jobs.Single(j => j.JobKey == DispatchMessages);
        Assert.Equal(Now.AddMinutes(-2), dispatch.LastSuccessAt);
        Assert.Equal("failed", dispatch.LastRun!.Status);
        Assert.Equal(dispatch.LastRun, dispatch.LastFailure);
        Assert.Equal(0.25, dispatch.LastFailure!.DurationSeconds);
        Assert.Equal("WhatsApp halted dispatching: 131048", dispatch.LastFailure.Error);

        var plan = report.Jobs.Single(j => j.JobKey == PlanMessages);
        Assert.Equal((true, (DateTimeOffset?)null, (JobRunSummary?)null, (JobRunSummary?)null), (plan.Enabled, plan.LastSuccessAt, plan.LastRun, plan.LastFailure));
        Assert.False(report.Jobs.Single(j => j.JobKey == "retention").Enabled);
        Assert.Equal("0 0/10 * * * ?", report.Jobs.Single(j => j.JobKey == "import-chats").Cron);
    }

    [SkippableFact]
    public async Task Report_MasksNumbers_InFreeText_AndShowsNoneAnywhere()
    {
        var report = await SmallBaseReportAsync();

        Assert.Equal("Antigo (***", report.Contents[2].Name);
        foreach (var format in new[] { ReportFormat.Json, ReportFormat.Plain, ReportFormat.Terminal })
        {
            using var output = new StringWriter();
            ReportRenderer.Write(report, output, format);
            var text = output.ToString();
            Assert.DoesNotMatch(PhoneLike(), text);
            Assert.DoesNotContain("98765", text, StringComparison.Ordinal);
            Assert.DoesNotContain("970000001", text, StringComparison.Ordinal);
        }
    }

    [SkippableFact]
    public async Task Report_OnAnEmptyBase_IsAllZeros()
    {
        await using var db = await NewMigratedDatabaseAsync();
        using var host = new ReportSeed(db).Host();

        var report = await host.Services.GetRequiredService<ReportBuilder>().BuildAsync(Now, CancellationToken.None);

        Assert.Equal(0, report.Contacts.Live);
        Assert.All(report.Contacts.ByPhoneStatus.Values, f => Assert.Equal(new PhoneStatusFigures(0, 0, 0), f));
        Assert.Equal(0, report.Consent.Granted + report.Consent.WithoutConsent);
        Assert.Equal(0, report.Suppression.Numbers);
        Assert.Empty(report.Plan);
        Assert.Equal(0, report.Messages.AllTime.Total);
        Assert.Empty(report.Contents);
        Assert.Empty(report.PausedContents);
        Assert.Null(report.DispatchHalt);
        Assert.Equal(7, report.Jobs.Count);
        Assert.All(report.Jobs, j => Assert.Null(j.LastRun));
        Assert.Equal("America/Sao_Paulo", report.TimeZone);
    }

    private async Task<VinculoReport> SmallBaseReportAsync(params string[] settings)
    {
        await using var db = await NewMigratedDatabaseAsync();
        var seed = new ReportSeed(db);
        await seed.SmallBaseAsync();
        using var host = seed.Host(Now, settings);
        return await host.Services.GetRequiredService<ReportBuilder>().BuildAsync(Now, CancellationToken.None);
    }

    /// <summary>A phone number in any of the forms the base holds or people type (E.164, national, with separators).</summary>
    [GeneratedRegex(@"\+?\d{2}[\s(]*\d{2}[\s)]*9?\d{4}[\s-]?\d{4}")]
    private static partial Regex PhoneLike();
}

public sealed class SqliteReportBuilderTests(SqliteEngine engine) : ReportBuilderTests(engine), IClassFixture<SqliteEngine>;

public sealed class PostgresReportBuilderTests(PostgresEngine engine) : ReportBuilderTests(engine), IClassFixture<PostgresEngine>;

public sealed class SqlServerReportBuilderTests(SqlServerEngine engine) : ReportBuilderTests(engine), IClassFixture<SqlServerEngine>;
