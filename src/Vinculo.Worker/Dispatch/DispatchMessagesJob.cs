using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinculo.Consent;
using Vinculo.Hosting;
using Vinculo.Jobs;
using Vinculo.Phones;
using Vinculo.Planning;

namespace Vinculo.Dispatch;

/// <summary>
/// <c>dispatch-messages</c> (SPEC section 6): sends the due messages through the configured sender, at most once each.
/// First the housekeeping that needs no sender: messages a dead process left <c>sending</c> become <c>interrupted</c>,
/// and queued messages long past their day become <c>missed_window</c>. Then, unless dispatching is halted, due messages
/// are claimed in small batches, re-checked just before sending, sent within <c>Dispatch:MessagesPerSecond</c> and
/// the effective daily limit (<c>Messaging:DailyLimit</c>, lowered by the tier Meta reports and by a FLAGGED number), and
/// their outcomes recorded (<see cref="DispatchRun"/>).
/// </summary>
public sealed class DispatchMessagesJob(
    Data.Database database,
    DispatchStore store,
    SenderHealthStore senderHealth,
    ConsentLedger ledger,
    IMessageSender sender,
    SendThrottle throttle,
    IOptions<DispatchOptions> dispatch,
    IOptions<MessagingOptions> messaging,
    IOptions<ConsentOptions> consent,
    IOptions<PhonesOptions> phones,
    IOptions<SchedulerOptions> scheduler,
    TimeProvider timeProvider,
    ILogger<DispatchMessagesJob> logger) : IVinculoJob
{
    public const string Key = JobCatalog.DispatchMessages;
    public const string DefaultCron = "30 * * * * ?";

    /// <summary>Messages sent so far; how many are due is not counted (the claims find them).</summary>
    public static readonly ProgressStep Sending = new("sending", "messages sent", "enviando", "mensagens enviadas");

    /// <summary>
    /// A queued message this far past its slot is certainly past its send day's window, in any zone: a slot and its
    /// window's close lie on one local day, at most a day (and a daylight-saving hour) apart.
    /// </summary>
    public static readonly TimeSpan LongMissedAfter = TimeSpan.FromHours(25);

    public async Task<JobResult> RunAsync(JobRunContext context, CancellationToken cancellationToken)
    {
        var options = dispatch.Value;
        var plan = messaging.Value;
        var now = context.Now;
        var watch = Stopwatch.StartNew();

        var interrupted = await store.FailInterruptedAsync(now - options.SendingTimeout, now, cancellationToken);
        if (interrupted > 0)
        {
            DispatchLog.Interrupted(logger, interrupted, options.SendingTimeout);
        }

        var missed = await store.CancelLongMissedAsync(now - LongMissedAfter, now, cancellationToken);
        if (missed > 0)
        {
            DispatchLog.MissedWindow(logger, missed);
        }

        var detail = new Dictionary<string, object?>
        {
            ["sender"] = sender.Name,
            ["interrupted_failed"] = interrupted,
            ["missed_window_cancelled"] = missed,
        };

        if (await store.OpenHaltAsync(cancellationToken) is { } open)
        {
            DispatchLog.StillHalted(logger, open.HaltedAt, open.Reason);
            detail["halted"] = true;
            return new JobResult(0, interrupted + missed, detail, HaltedError(open));
        }

        var recipients = await store.CountRecipientsSinceAsync(now.AddHours(-24), cancellationToken);
        var numberState = await senderHealth.StateAsync(cancellationToken);
        var dailyLimit = numberState.EffectiveDailyLimit(plan.DailyLimit, options.FlaggedShare);
        var housekeeping = watch.Elapsed;
        var window = plan.ParseWindow();
        var zones = new ZoneResolver(scheduler.Value.TimeZoneInfo);
        var recheck = new DispatchRecheck(
            window, new MessageRenderer(plan.OptOutFooter), zones.Resolve, plan.FrequencyCapDays, consent.Value.MaxIdleDays, options.PreferSessionMessages);
        var tally = new DispatchTally();
        var failures = new MessageFailures(ledger, zones, window, options.MaxAttempts, phones.Value.UnreachableAfterFailures);
        var recorder = new DispatchRecorder(failures, new DispatchSettings(context.Node, options.MaxAttempts, options.RetryDelay), logger);
        using var run = new DispatchRun(
            store, sender, throttle, recheck, recorder, tally, context.Progress, timeProvider, new RecheckWindow(plan.FrequencyCapDays), context.Node,
            options.MaxConcurrency, database.Dialect.ConcurrentWriters, Math.Max(0, dailyLimit - recipients), logger);
        await run.RunAsync(cancellationToken);
        context.Progress.Report(Sending, tally.Sent);
        cancellationToken.ThrowIfCancellationRequested();

        if (run.DailyLimitReached)
        {
            DispatchLog.DailyLimitReached(logger, recipients + tally.Sent, dailyLimit);
        }

        var counts = tally.Snapshot();
        var cancelled = Group(counts, "cancelled:");
        var failed = Group(counts, "failed:");
        DispatchLog.Dispatched(
            logger, tally.Sent, sender.Name, tally["sent_session"], tally["sent_template"], cancelled.Values.Sum(), tally["retried"], failed.Values.Sum(), watch.Elapsed);

        foreach (var (key, value) in counts.Where(c => !c.Key.Contains(':', StringComparison.Ordinal)))
        {
            detail[key] = value;
        }

        detail["cancelled"] = cancelled;
        detail["failed"] = failed;
        detail["daily_limit"] = dailyLimit;
        detail["configured_daily_limit"] = plan.DailyLimit;
        detail["sender_tier"] = numberState.Tier;
        detail["sender_flagged"] = numberState.Flagged;
        detail["recipients_last_24h_before_run"] = recipients;
        detail["daily_limit_reached"] = run.DailyLimitReached;
        detail["messages_per_second"] = throttle.PerSecond;
        detail["max_concurrency"] = options.MaxConcurrency;
        detail["timing_ms"] = new SortedDictionary<string, long>(StringComparer.Ordinal)
        {
            ["housekeeping"] = (long)housekeeping.TotalMilliseconds,
            ["claim_and_recheck"] = (long)run.ClaimTime.TotalMilliseconds,
            ["record"] = (long)run.RecordTime.TotalMilliseconds,
            ["total"] = (long)watch.Elapsed.TotalMilliseconds,
        };

        string? failure = null;
        if (run.Halted)
        {
            detail["halted"] = true;
            failure = await store.OpenHaltAsync(CancellationToken.None) is { } halt ? HaltedError(halt) : "dispatching halted";
        }
        else if (run.NetworkTrouble)
        {
            detail["network_trouble"] = true;
            failure = string.Create(
                CultureInfo.InvariantCulture,
                $"stopped after {DispatchRun.NetworkFailuresToStop} network failures in a row; the messages not sent stay queued for the next run");
        }

        return new JobResult(tally["claimed"], tally.Sent + cancelled.Values.Sum() + failed.Values.Sum() + interrupted + missed, detail, failure);
    }

    private static string HaltedError(DispatchHalt halt) => string.Create(
        CultureInfo.InvariantCulture,
        $"dispatching halted since {halt.HaltedAt:yyyy-MM-dd HH:mm:ss}Z ({halt.Reason}); messages stay queued until someone runs 'vinculo dispatch resume'");

    private static SortedDictionary<string, long> Group(SortedDictionary<string, long> counts, string prefix) =>
        new(counts.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(c => c.Key[prefix.Length..], c => c.Value), StringComparer.Ordinal);
}
