using Microsoft.Extensions.Options;
using Vinculo.Consent;
using Vinculo.Dispatch;
using Vinculo.Hosting;
using Vinculo.Jobs;
using Vinculo.Phones;
using Vinculo.Planning;

namespace Vinculo.Reporting;

/// <summary>
/// Gathers <see cref="VinculoReport"/>: the state of the base as of a given instant, in aggregates only. Free text that
/// comes from the database (content names, pause reasons, a halt's reason, a job's error, suppression reasons) has any
/// number-like run masked, so a phone number typed into one of them never reaches the report.
/// </summary>
public sealed class ReportBuilder(
    ReportStore store,
    ContentStore contents,
    DispatchStore dispatch,
    SenderHealthStore senderHealth,
    IEnumerable<JobDefinition> jobs,
    IOptions<SchedulerOptions> scheduler,
    IOptions<MessagingOptions> messaging,
    IOptions<DispatchOptions> dispatchOptions)
{
    /// <summary>The length of the recent window the message figures are given for, besides all time.</summary>
    public const int WindowDays = 7;

    public static readonly IReadOnlyList<string> PhoneStatusOrder =
    [
        PhoneStatuses.Unchecked, PhoneStatuses.Valid, PhoneStatuses.Repaired, PhoneStatuses.Landline, PhoneStatuses.Invalid,
        PhoneStatuses.Duplicate, PhoneStatuses.Unreachable,
    ];

    public static readonly IReadOnlyList<string> ConsentSourceOrder =
        [ConsentSources.Form, ConsentSources.WhatsApp, ConsentSources.Import, ConsentSources.Chat, ConsentSources.Other];

    public static readonly IReadOnlyList<string> MessageStatusOrder =
    [
        MessageStatuses.Queued, MessageStatuses.Sending, MessageStatuses.Sent, MessageStatuses.Delivered, MessageStatuses.Read,
        MessageStatuses.Failed, MessageStatuses.Cancelled,
    ];

    public static readonly IReadOnlyList<string> SentAsOrder = [SentAs.Session, SentAs.Template];

    /// <param name="now">The instant the report is for ("today", the 7-day window): the clock, or a simulated day.</param>
    public async Task<VinculoReport> BuildAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var options = scheduler.Value;
        var zone = options.TimeZoneInfo;
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        var since = now.AddDays(-WindowDays);

        ContactHealth contacts;
        ConsentFunnel consent;
        SuppressionSummary suppression;
        List<PlannedDay> plan;
        MessageSummary messages;
        Dictionary<long, long> recipients;
        var jobStatuses = new List<JobStatus>();
        await using (var connection = await store.OpenAsync(cancellationToken))
        {
            contacts = Contacts(await store.ContactHealthAsync(connection, cancellationToken));
            consent = Consent(await store.ConsentAsync(connection, cancellationToken));
            var reasons = (await store.SuppressionAsync(connection, cancellationToken)).Select(r => r with { Reason = ErrorText.Mask(r.Reason) }).ToList();
            suppression = new SuppressionSummary(reasons.Sum(r => r.Numbers), reasons);
            plan = await store.PlanAsync(connection, today, cancellationToken);
            messages = new MessageSummary(
                WindowDays,
                since,
                Messages(await store.MessagesAsync(connection, since, now, cancellationToken)),
                Messages(await store.MessagesAsync(connection, null, now, cancellationToken)));
            recipients = await store.RecipientsAsync(connection, cancellationToken);

            var enabled = SchedulerSetup.EnabledJobs(jobs, options).ToDictionary(j => j.Job.Key, j => j.Cron, StringComparer.Ordinal);
            foreach (var job in jobs.OrderBy(j => j.Key, StringComparer.Ordinal))
            {
                var isEnabled = enabled.TryGetValue(job.Key, out var cron);
                options.Jobs.TryGetValue(job.Key, out var configured);
                var schedule = cron ?? (string.IsNullOrWhiteSpace(configured?.Cron) ? job.DefaultCron : configured.Cron);
                var last = await store.LatestRunAsync(connection, job.Key, cancellationToken);
                var success = last is { Status: "succeeded" } ? last : await store.LatestRunAsync(connection, job.Key, "succeeded", cancellationToken);
                var failure = last is { Status: "failed" } ? last : await store.LatestRunAsync(connection, job.Key, "failed", cancellationToken);
                jobStatuses.Add(new JobStatus(job.Key, isEnabled, schedule, success?.StartedAt, Run(last), Run(failure)));
            }
        }

        var contentList = await contents.ListAsync(now, cancellationToken);
        var contentFigures = contentList
            .Select(c =>
            {
                var reached = recipients.GetValueOrDefault(c.ContentId);
                return new ContentOptOuts(
                    c.ContentId,
                    ErrorText.Mask(c.Name),
                    c.PausedAt is not null ? "paused" : c.Active ? "active" : "inactive",
                    c.Queued,
                    c.Sent,
                    reached,
                    c.OptedOut,
                    reached == 0 ? null : Math.Round((double)c.OptedOut / reached, 4));
            })
            .ToList();
        var paused = contentList
            .Where(c => c.PausedAt is not null)
            .OrderBy(c => c.PausedAt)
            .Select(c => new PausedContent(c.ContentId, ErrorText.Mask(c.Name), c.PausedAt!.Value, c.PausedReason is null ? null : ErrorText.Mask(c.PausedReason)))
            .ToList();
        var halt = await dispatch.OpenHaltAsync(cancellationToken) is { } open
            ? new HaltSummary(open.HaltedAt, open.ErrorCode, ErrorText.Mask(open.Reason), open.Node is null ? null : ErrorText.Mask(open.Node))
            : null;

        var sender = await SenderHealthAsync(cancellationToken);

        return new VinculoReport(
            VinculoReport.CurrentSchemaVersion, now, options.TimeZone, contacts, consent, suppression, plan, messages, contentFigures, paused, halt, sender, jobStatuses);
    }

    /// <summary>What Meta last said about the number, the limit it leaves, and the contents its template signals paused.</summary>
    public async Task<SenderHealthSummary> SenderHealthAsync(CancellationToken cancellationToken)
    {
        var state = await senderHealth.StateAsync(cancellationToken);
        var configured = messaging.Value.DailyLimit;
        var templates = (await senderHealth.PausedTemplatesAsync(cancellationToken))
            .Select(t => new PausedTemplateSummary(
                t.ContentId,
                ErrorText.Mask(t.Name),
                t.TemplateName is null ? null : ErrorText.Mask(t.TemplateName),
                t.TemplateLanguage,
                t.PausedAt,
                t.PausedReason is null ? null : ErrorText.Mask(t.PausedReason)))
            .ToList();
        return new SenderHealthSummary(
            state.LastEvent,
            state.LastEventAt,
            state.Flagged,
            state.FlaggedSince,
            state.Tier,
            state.TierSince,
            configured,
            state.EffectiveDailyLimit(configured, dispatchOptions.Value.FlaggedShare),
            templates);
    }

    private static ContactHealth Contacts(List<PhoneStatusRow> rows)
    {
        var byStatus = new Dictionary<string, PhoneStatusFigures>(StringComparer.Ordinal);
        foreach (var status in PhoneStatusOrder)
        {
            var row = rows.Find(r => r.PhoneStatus == status);
            byStatus[status] = new PhoneStatusFigures(row?.Contacts ?? 0, row?.ConsentGranted ?? 0, row?.Suppressed ?? 0);
        }

        return new ContactHealth(rows.Sum(r => r.Contacts), byStatus);
    }

    private static ConsentFunnel Consent(List<ConsentRow> rows)
    {
        long Count(string status, string? source = null) =>
            rows.Where(r => r.ConsentStatus == status && (source is null || r.Source == source)).Sum(r => r.Contacts);

        var bySource = ConsentSourceOrder.ToDictionary(
            source => source,
            source => new ConsentCounts(Count(ConsentStatuses.Granted, source), Count(ConsentStatuses.Revoked, source), Count(ConsentStatuses.Expired, source)),
            StringComparer.Ordinal);
        return new ConsentFunnel(Count(ConsentStatuses.Granted), Count(ConsentStatuses.Revoked), Count(ConsentStatuses.Expired), Count("none"), bySource);
    }

    private static MessageCounts Messages(List<MessageRow> rows) =>
        new(
            rows.Sum(r => r.Messages),
            MessageStatusOrder.ToDictionary(s => s, s => rows.Where(r => r.Status == s).Sum(r => r.Messages), StringComparer.Ordinal),
            SentAsOrder.ToDictionary(s => s, s => rows.Where(r => r.SentAs == s).Sum(r => r.Messages), StringComparer.Ordinal));

    private static JobRunSummary? Run(JobRunRow? row) =>
        row is null
            ? null
            : new JobRunSummary(
                row.RunId,
                row.Status,
                ErrorText.Mask(row.Node),
                row.StartedAt,
                row.FinishedAt,
                row.FinishedAt is { } end ? Math.Round((end - row.StartedAt).TotalSeconds, 3) : null,
                row.Error is null ? null : ErrorText.Mask(row.Error));
}
