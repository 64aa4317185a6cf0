using Microsoft.Extensions.Logging;

namespace Vinculo.Dispatch;

/// <summary>
/// The log lines of <c>dispatch-messages</c>. Numbers are masked (+55 11 9****-4321), bodies and names never logged, the
/// access token never anywhere.
/// </summary>
internal static partial class DispatchLog
{
    [LoggerMessage(7000, LogLevel.Information, "Dispatched {Sent} message(s) through {Sender} ({Session} session, {Template} template); {Cancelled} cancelled by the re-check, {Retried} to retry, {Failed} failed, in {Elapsed}")]
    public static partial void Dispatched(ILogger logger, long sent, string sender, long session, long template, long cancelled, long retried, long failed, TimeSpan elapsed);

    [LoggerMessage(7001, LogLevel.Information, "Message {MessageId} to {Number} written to the outbox ({SentAs})")]
    public static partial void WrittenToOutbox(ILogger logger, long messageId, string number, string sentAs);

    [LoggerMessage(7002, LogLevel.Error, "Dispatching halted by WhatsApp error {ErrorCode} (HTTP {HttpStatus}) on message {MessageId}: nothing more is sent until someone runs 'vinculo dispatch resume'")]
    public static partial void Halted(ILogger logger, int? errorCode, int? httpStatus, long messageId);

    [LoggerMessage(7003, LogLevel.Warning, "Dispatching is halted since {HaltedAt:o} ({Reason}); run 'vinculo dispatch resume' once the cause is fixed")]
    public static partial void StillHalted(ILogger logger, DateTimeOffset haltedAt, string reason);

    [LoggerMessage(7004, LogLevel.Warning, "Message {MessageId} may or may not have reached WhatsApp ({Problem}); failed as unknown_outcome, never sent again automatically")]
    public static partial void OutcomeUnknown(ILogger logger, long messageId, string? problem);

    [LoggerMessage(7005, LogLevel.Information, "Message {MessageId} will be tried again (attempt {Attempts}, error {ErrorCode}: {Problem}) in {Delay}")]
    public static partial void WillRetry(ILogger logger, long messageId, int attempts, int? errorCode, string? problem, TimeSpan delay);

    [LoggerMessage(7006, LogLevel.Warning, "Message {MessageId} refused by WhatsApp (HTTP {HttpStatus}, error {ErrorCode}: {Title}); failed")]
    public static partial void Refused(ILogger logger, long messageId, int? httpStatus, int? errorCode, string? title);

    [LoggerMessage(7007, LogLevel.Warning, "Content {ContentId} paused: WhatsApp refused its template (error {ErrorCode}); fix the template and run 'vinculo content resume {ContentId}'")]
    public static partial void ContentPaused(ILogger logger, long contentId, int? errorCode);

    [LoggerMessage(7008, LogLevel.Warning, "Stopped sending after {Failures} network failures in a row ({Problem}); the messages not sent stay queued for the next run")]
    public static partial void NetworkTrouble(ILogger logger, int failures, string? problem);

    [LoggerMessage(7009, LogLevel.Error, "The {Sender} sender failed on message {MessageId}; failed as unknown_outcome")]
    public static partial void SenderFailed(ILogger logger, Exception exception, long messageId, string sender);

    [LoggerMessage(7010, LogLevel.Warning, "Recording {Count} send result(s) failed ({Error}); recording them one by one")]
    public static partial void RecordRetry(ILogger logger, int count, string error);

    [LoggerMessage(7011, LogLevel.Error, "The result of message {MessageId} could not be recorded; it stays 'sending' and will be failed as interrupted, never sent twice")]
    public static partial void NotRecorded(ILogger logger, Exception exception, long messageId);

    [LoggerMessage(7012, LogLevel.Warning, "Failed {Count} message(s) left 'sending' for over {Timeout} by a process that stopped (interrupted: never sent again blindly)")]
    public static partial void Interrupted(ILogger logger, int count, TimeSpan timeout);

    [LoggerMessage(7013, LogLevel.Information, "Cancelled {Count} queued message(s) whose send day passed unsent (missed_window)")]
    public static partial void MissedWindow(ILogger logger, int count);

    [LoggerMessage(7014, LogLevel.Information, "Daily limit reached: {Recipients} number(s) messaged in the last 24 hours, limit {Limit}; the rest waits")]
    public static partial void DailyLimitReached(ILogger logger, long recipients, int limit);

    [LoggerMessage(7015, LogLevel.Warning, "Dispatching resumed by {By}: {Count} halt(s) lifted")]
    public static partial void Resumed(ILogger logger, string by, int count);

    [LoggerMessage(7016, LogLevel.Warning, "Content {ContentId} paused by the circuit breaker: {OptedOut} of {Recipients} recipients of the last 24 hours opted out; {Cancelled} queued message(s) cancelled. Review it, then run 'vinculo content resume {ContentId}'")]
    public static partial void ContentTripped(ILogger logger, long contentId, long optedOut, long recipients, int cancelled);

    [LoggerMessage(7017, LogLevel.Information, "Applied {Applied} of {Read} delivery status(es): {Reads} read, {Reachable} number(s) reachable again, {Waiting} waiting for their message")]
    public static partial void StatusesApplied(ILogger logger, long applied, long read, long reads, long reachable, long waiting);

    [LoggerMessage(7018, LogLevel.Warning, "Content {ContentId} resumed by {By}")]
    public static partial void ContentResumed(ILogger logger, long contentId, string by);

    [LoggerMessage(7019, LogLevel.Warning, "Meta reported messaging tier {Tier} ({Event}) for the business number: the daily limit is now {Limit} (Messaging:DailyLimit {Configured}); planning and dispatch use the lower of the two")]
    public static partial void TierReported(ILogger logger, string tier, string @event, int limit, int configured);

    [LoggerMessage(7020, LogLevel.Warning, "Meta FLAGGED the business number's quality: the day's sends drop to {Limit} (Dispatch:FlaggedShare of Messaging:DailyLimit {Configured}, tier {Tier}) until Meta sends UNFLAGGED; review the contents people opt out of")]
    public static partial void NumberFlagged(ILogger logger, int limit, int configured, string tier);

    [LoggerMessage(7021, LogLevel.Warning, "Meta UNFLAGGED the business number: the daily limit is back to {Limit}")]
    public static partial void NumberUnflagged(ILogger logger, int limit);

    [LoggerMessage(7022, LogLevel.Warning, "Meta reported template {Template} ({Language}) {Event} ({Reason}): {Paused} content(s) paused, {Cancelled} queued message(s) cancelled as template_paused. An APPROVED from Meta resumes them; or fix the template and run 'vinculo content resume <id>'")]
    public static partial void TemplatePaused(ILogger logger, string template, string language, string @event, string reason, int paused, int cancelled);

    [LoggerMessage(7023, LogLevel.Warning, "Meta reported template {Template} ({Language}) {Event}: {Resumed} content(s) paused by Meta's signals resumed; the planner queues them again from its next night")]
    public static partial void TemplateResumed(ILogger logger, string template, string language, string @event, int resumed);

    [LoggerMessage(7024, LogLevel.Error, "Meta reported an account restriction ({Event}: {Reason}): dispatching halted; nothing more is sent until someone runs 'vinculo dispatch resume' once the account is clear")]
    public static partial void AccountHalted(ILogger logger, string @event, string reason);

    [LoggerMessage(7025, LogLevel.Warning, "Meta reported {Event} on the account while dispatching was already halted; it stays halted until 'vinculo dispatch resume'")]
    public static partial void AccountSignalWhileHalted(ILogger logger, string @event);

    [LoggerMessage(7026, LogLevel.Information, "Meta signal {Field} {Event} stored in sender_health; Vinculo does not act on it")]
    public static partial void SignalRecorded(ILogger logger, string field, string @event);

    [LoggerMessage(7027, LogLevel.Warning, "Meta signal {HealthId} of sender_health could not be applied ({Error}); rolled back, it and the later ones are tried again on the next run")]
    public static partial void SignalNotApplied(ILogger logger, long healthId, string error);
}
