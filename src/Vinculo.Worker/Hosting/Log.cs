using Microsoft.Extensions.Logging;
using Vinculo.Data;

namespace Vinculo.Hosting;

/// <summary>
/// Every log line the worker writes, with stable event ids. Nothing here takes a phone number, a
/// name, a message body or a connection string.
/// </summary>
internal static partial class Log
{
    [LoggerMessage(1000, LogLevel.Information, "Job {JobKey} started (run {RunId}, as of {Now:o})")]
    public static partial void JobStarted(ILogger logger, string jobKey, long runId, DateTimeOffset now);

    [LoggerMessage(1001, LogLevel.Information, "Job {JobKey} {Status} (run {RunId}): scanned {Scanned}, changed {Changed} in {Elapsed}")]
    public static partial void JobFinished(ILogger logger, string jobKey, long runId, string status, long scanned, long changed, TimeSpan elapsed);

    [LoggerMessage(1002, LogLevel.Error, "Job {JobKey} failed (run {RunId}): {Error}")]
    public static partial void JobFailed(ILogger logger, string jobKey, long runId, string error);

    /// <summary>The full exception, whose message may quote data (a duplicate key's value): Debug only.</summary>
    [LoggerMessage(1006, LogLevel.Debug, "Job {JobKey} failed (run {RunId}), exception detail")]
    public static partial void JobFailedDetail(ILogger logger, Exception exception, string jobKey, long runId);

    /// <summary>What a long run has done so far (<see cref="ProgressDisplay"/>): steps and counts only.</summary>
    [LoggerMessage(1007, LogLevel.Information, "Job {JobKey}: {Progress}, {Elapsed} s")]
    public static partial void JobInProgress(ILogger logger, string jobKey, string progress, long elapsed);

    [LoggerMessage(1008, LogLevel.Information, "Job {JobKey} still running, {Elapsed} s")]
    public static partial void JobStillRunning(ILogger logger, string jobKey, long elapsed);

    [LoggerMessage(1003, LogLevel.Warning, "Job {JobKey} was not started: another run of it is in progress")]
    public static partial void JobAlreadyRunning(ILogger logger, string jobKey);

    [LoggerMessage(1004, LogLevel.Warning, "Closed {Count} run(s) of job {JobKey} left running by a process that stopped")]
    public static partial void AbandonedRunsClosed(ILogger logger, string jobKey, int count);

    [LoggerMessage(1005, LogLevel.Error, "Could not record the end of job {JobKey} (run {RunId}); the next run will record it")]
    public static partial void RunNotRecorded(ILogger logger, Exception exception, string jobKey, long runId);

    [LoggerMessage(1010, LogLevel.Warning, "Could not refresh the database's statistics after job {JobKey}; the next run tries again")]
    public static partial void StatisticsNotRefreshed(ILogger logger, Exception exception, string jobKey);

    [LoggerMessage(1009, LogLevel.Information, "Recorded the end of job {JobKey} (run {RunId}) that the database missed when it finished")]
    public static partial void RunRecordedLate(ILogger logger, string jobKey, long runId);

    [LoggerMessage(2000, LogLevel.Warning, "{Provider} database unreachable, retry {Attempt} in {Delay} ({Error})")]
    public static partial void DatabaseRetry(ILogger logger, DatabaseProvider provider, int attempt, TimeSpan delay, string? error);

    [LoggerMessage(2004, LogLevel.Warning, "Transient database fault in {Unit}, retry {Attempt} in {Delay} ({Error})")]
    public static partial void UnitRetry(ILogger logger, string unit, int attempt, TimeSpan delay, string? error);

    [LoggerMessage(2001, LogLevel.Error, "Giving up on the {Target} ({Error})")]
    public static partial void DatabaseUnavailable(ILogger logger, string target, string error);

    [LoggerMessage(2002, LogLevel.Debug, "Evolve: {Message}")]
    public static partial void Migration(ILogger logger, string message);

    [LoggerMessage(2003, LogLevel.Information, "Schema of the {Target} is at version {Version}")]
    public static partial void SchemaReady(ILogger logger, string target, string version);

    [LoggerMessage(3000, LogLevel.Information, "Scheduler starting on node {Node} ({Jobs} job(s) scheduled, clustered: {Clustered})")]
    public static partial void SchedulerStarting(ILogger logger, string node, int jobs, bool clustered);

    [LoggerMessage(3001, LogLevel.Information, "Removed job {JobKey} from the schedule (disabled or no longer built)")]
    public static partial void JobUnscheduled(ILogger logger, string jobKey);

    [LoggerMessage(3002, LogLevel.Information, "Stopping: waiting up to {Grace} for {Count} running job(s)")]
    public static partial void WaitingForJobs(ILogger logger, TimeSpan grace, int count);

    [LoggerMessage(3003, LogLevel.Warning, "Stopping: interrupting {Count} job(s) still running after the grace period")]
    public static partial void InterruptingJobs(ILogger logger, int count);

    [LoggerMessage(3004, LogLevel.Error, "Stopping without waiting further: {Count} job(s) did not stop when interrupted")]
    public static partial void ShutdownTimedOut(ILogger logger, int count);

    [LoggerMessage(3005, LogLevel.Warning, "Job {JobKey}'s trigger was in Quartz's ERROR state (the job store failed while firing it, e.g. during a database outage); it is scheduled again")]
    public static partial void TriggerRecovered(ILogger logger, string jobKey);

    [LoggerMessage(3006, LogLevel.Warning, "Could not check the schedule for triggers in the ERROR state; will try again: {Error}")]
    public static partial void TriggerCheckFailed(ILogger logger, string error);

    [LoggerMessage(4000, LogLevel.Information, "Applied {Count} inbound row(s): {Revoked} consent(s) revoked, {Granted} granted or renewed")]
    public static partial void InboundApplied(ILogger logger, long count, long revoked, long granted);

    [LoggerMessage(4001, LogLevel.Information, "Erased {Contacts} contact(s) for request {RequestId} (number {Number})")]
    public static partial void Erased(ILogger logger, long requestId, int contacts, string number);
}
