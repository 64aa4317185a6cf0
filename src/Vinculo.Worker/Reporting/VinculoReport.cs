using System.Text.Json.Serialization;

namespace Vinculo.Reporting;

/// <summary>
/// The state of the base as <c>vinculo report</c> shows it: aggregates only (no number, name or body of anyone), built by
/// <see cref="ReportBuilder"/> and written by <see cref="ReportRenderer"/>.
/// </summary>
/// <remarks>
/// <para>
/// <c>report --json</c> writes this tree with snake_case keys. The schema is stable (pinned by <c>ReportJsonSchemaTests</c>):
/// keys are never renamed or removed while <c>schema_version</c> stays 1; a new key may be added. Every key is always
/// present; a value marked "or null" is <c>null</c> when there is nothing to say. Instants are UTC strings in the form
/// <c>2026-11-23T05:00:00.000Z</c>, days are <c>YYYY-MM-DD</c>, counts are integers.
/// </para>
/// <code>
/// schema_version                       number   1
/// generated_at                         instant  the "now" the report was built for
/// time_zone                            string   Scheduler:TimeZone (the business's calendar: send days, "today")
/// contacts.live                        number   contacts not erased
/// contacts.by_phone_status.{status}    object   one per phone_status (unchecked, valid, repaired, landline, invalid, duplicate, unreachable):
///     .contacts / .consent_granted / .suppressed     number   live contacts; of them with granted consent; of them on the suppression list
/// consent.granted / .revoked / .expired            number   live contacts per consents.status
/// consent.without_consent                          number   live contacts without a consents row (never messaged)
/// consent.by_source.{source}                       object   one per source (form, whatsapp, import, chat, other):
///     .granted / .revoked / .expired                 number
/// suppression.numbers                              number   rows of suppression_list
/// suppression.by_reason[]                          object   .reason string, .numbers number
/// plan[]                                           object   one per send day from today on (v_plan_by_day):
///     .send_day day, .messages number (every status), .queued number,
///     .first_scheduled_at / .last_scheduled_at instant or null (the day's earliest and latest slot)
/// messages.window_days                             number   7
/// messages.since                                   instant  start of the window (scheduled_at from then until generated_at)
/// messages.last_7_days / messages.all_time         object   .total number,
///     .by_status.{status} number (queued, sending, sent, delivered, read, failed, cancelled),
///     .by_sent_as.{kind} number (session, template)
/// contents[]                                       object   .content_id number, .name string, .state string (active, inactive, paused),
///     .queued number, .sent number (messages sent, delivered or read), .recipients number (distinct numbers reached, ever),
///     .opted_out number (of those, numbers that opted out after receiving it), .opt_out_rate number or null (opted_out / recipients)
/// paused_contents[]                                object   .content_id number, .name string, .paused_at instant, .paused_reason string or null
/// dispatch_halt                                    object or null   the open halt: .since instant, .error_code number or null,
///     .reason string, .node string or null
/// sender_health                                    object   what Meta last said about the business's number (sender_health):
///     .quality_event string or null (its latest phone_number_quality_update event), .quality_event_at instant or null,
///     .flagged bool, .flagged_since instant or null, .tier string or null (the latest tier Vinculo can read), .tier_since
///     instant or null, .configured_daily_limit number (Messaging:DailyLimit), .effective_daily_limit number (lowered by
///     the tier and a flag), .paused_templates[] object: contents Meta's template signals paused: .content_id number,
///     .name string, .template_name / .template_language string or null, .paused_at instant, .paused_reason string or null
/// jobs[]                                           object   one per job of this version, by key: .job_key string, .enabled bool, .cron string,
///     .last_success_at instant or null, .last_run and .last_failure object or null:
///     .run_id number, .status string, .node string, .started_at instant, .finished_at instant or null,
///     .duration_seconds number or null, .error string or null
/// </code>
/// </remarks>
public sealed record VinculoReport(
    int SchemaVersion,
    DateTimeOffset GeneratedAt,
    string TimeZone,
    ContactHealth Contacts,
    ConsentFunnel Consent,
    SuppressionSummary Suppression,
    IReadOnlyList<PlannedDay> Plan,
    MessageSummary Messages,
    IReadOnlyList<ContentOptOuts> Contents,
    IReadOnlyList<PausedContent> PausedContents,
    HaltSummary? DispatchHalt,
    SenderHealthSummary SenderHealth,
    IReadOnlyList<JobStatus> Jobs)
{
    public const int CurrentSchemaVersion = 1;
}

/// <param name="Live">Contacts not erased.</param>
/// <param name="ByPhoneStatus">Every <c>phone_status</c> of the contract, in its order, zero when absent.</param>
public sealed record ContactHealth(long Live, IReadOnlyDictionary<string, PhoneStatusFigures> ByPhoneStatus);

public sealed record PhoneStatusFigures(long Contacts, long ConsentGranted, long Suppressed);

public sealed record ConsentFunnel(long Granted, long Revoked, long Expired, long WithoutConsent, IReadOnlyDictionary<string, ConsentCounts> BySource);

public sealed record ConsentCounts(long Granted, long Revoked, long Expired);

public sealed record SuppressionSummary(long Numbers, IReadOnlyList<SuppressionReason> ByReason);

public sealed record SuppressionReason(string Reason, long Numbers);

/// <param name="Messages">Every message of the day, whatever its status.</param>
/// <param name="Queued">Those still waiting to be sent.</param>
public sealed record PlannedDay(DateOnly SendDay, long Messages, long Queued, DateTimeOffset? FirstScheduledAt, DateTimeOffset? LastScheduledAt);

/// <param name="WindowDays">The length of <see cref="LastDays"/>.</param>
/// <param name="Since">Where that window starts: messages whose <c>scheduled_at</c> lies between this and the report's instant.</param>
public sealed record MessageSummary(
    int WindowDays,
    DateTimeOffset Since,
    [property: JsonPropertyName("last_7_days")] MessageCounts LastDays,
    MessageCounts AllTime);

/// <param name="ByStatus">Every <c>message_queue.status</c>, in the contract's order, zero when absent.</param>
/// <param name="BySentAs"><c>session</c> and <c>template</c>: how the messages that went out were sent.</param>
public sealed record MessageCounts(long Total, IReadOnlyDictionary<string, long> ByStatus, IReadOnlyDictionary<string, long> BySentAs);

/// <param name="State"><c>active</c>, <c>inactive</c> or <c>paused</c>.</param>
/// <param name="Recipients">Distinct numbers the content reached, ever (erased people left out).</param>
/// <param name="OptedOut">Of those, the numbers that opted out after receiving it.</param>
/// <param name="OptOutRate"><see cref="OptedOut"/> / <see cref="Recipients"/>, or null before it reached anyone.</param>
public sealed record ContentOptOuts(long ContentId, string Name, string State, long Queued, long Sent, long Recipients, long OptedOut, double? OptOutRate);

public sealed record PausedContent(long ContentId, string Name, DateTimeOffset PausedAt, string? PausedReason);

public sealed record HaltSummary(DateTimeOffset Since, int? ErrorCode, string Reason, string? Node);

/// <param name="QualityEvent">Meta's latest <c>phone_number_quality_update</c> event (FLAGGED, UNFLAGGED, UPGRADE, …).</param>
/// <param name="Tier">The latest messaging tier Vinculo can read (TIER_250, TIER_2K, …, TIER_UNLIMITED).</param>
/// <param name="EffectiveDailyLimit">The day's limit planning and dispatch use: the lower of the setting and the tier, times <c>Dispatch:FlaggedShare</c> while flagged.</param>
public sealed record SenderHealthSummary(
    string? QualityEvent,
    DateTimeOffset? QualityEventAt,
    bool Flagged,
    DateTimeOffset? FlaggedSince,
    string? Tier,
    DateTimeOffset? TierSince,
    int ConfiguredDailyLimit,
    int EffectiveDailyLimit,
    IReadOnlyList<PausedTemplateSummary> PausedTemplates);

public sealed record PausedTemplateSummary(long ContentId, string Name, string? TemplateName, string? TemplateLanguage, DateTimeOffset PausedAt, string? PausedReason);

/// <param name="Cron">The schedule in force: <c>Scheduler:Jobs:&lt;key&gt;:Cron</c>, or the job's default.</param>
/// <param name="Enabled">False when <c>Scheduler:Jobs:&lt;key&gt;:Enabled</c> is false (and <c>health</c> does not check it).</param>
public sealed record JobStatus(string JobKey, bool Enabled, string Cron, DateTimeOffset? LastSuccessAt, JobRunSummary? LastRun, JobRunSummary? LastFailure);

public sealed record JobRunSummary(long RunId, string Status, string Node, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, double? DurationSeconds, string? Error);
