using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Vinculo.Data;
using Vinculo.Jobs;

namespace Vinculo.Dispatch;

/// <summary>Counters of one <c>dispatch-messages</c> run, safe to bump from every send.</summary>
internal sealed class DispatchTally
{
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);

    public void Count(string key, long by = 1) => counts.AddOrUpdate(key, by, (_, n) => n + by);

    public long this[string key] => counts.GetValueOrDefault(key);

    public long Sent => this["sent_session"] + this["sent_template"];

    public SortedDictionary<string, long> Snapshot() => new(counts, StringComparer.Ordinal);
}

/// <summary>
/// One run's sending, as three cooperating parts joined by channels: the claimer claims small batches of due messages
/// (re-checked in the claim's transaction) only as fast as the senders take them, so few messages are ever claimed and
/// not yet sent; <c>Dispatch:MaxConcurrency</c> senders each wait for the shared throttle's turn, send, and pass the
/// answer on; the recorder writes answers in batches. A halt stops every sender at once: messages not yet sent go back
/// to the queue. So does a stop request, and so does a run of network failures (the next run tries again).
/// </summary>
internal sealed class DispatchRun(
    DispatchStore store,
    IMessageSender sender,
    SendThrottle throttle,
    DispatchRecheck recheck,
    DispatchRecorder recorder,
    DispatchTally tally,
    JobProgress progress,
    TimeProvider timeProvider,
    RecheckWindow window,
    string node,
    int concurrency,
    int writers,
    long dailyRemaining,
    ILogger logger) : IDisposable
{
    /// <summary>Network failures in a row (no connection, no answer) after which a run stops sending.</summary>
    public const int NetworkFailuresToStop = 5;

    /// <summary>Answers written per transaction.</summary>
    private const int RecordBatch = 100;

    private readonly CancellationTokenSource halt = new();
    private readonly System.Diagnostics.Stopwatch claiming = new();
    private long recordingTicks;
    private int networkFailuresInARow;

    /// <summary>Time spent claiming and re-checking (the claimer's database work).</summary>
    public TimeSpan ClaimTime => claiming.Elapsed;

    /// <summary>Time spent writing answers (summed over the recorders).</summary>
    public TimeSpan RecordTime => TimeSpan.FromTicks(Interlocked.Read(ref recordingTicks));

    /// <summary>Whether a send was answered with a halting error, or another node halted dispatching meanwhile.</summary>
    public bool Halted => halt.IsCancellationRequested;

    /// <summary>Whether the run stopped early because the network failed repeatedly.</summary>
    public bool NetworkTrouble { get; private set; }

    public bool DailyLimitReached { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        // Each claim takes what the senders will start within about a second (the rate), at most 100: a claim costs the
        // same handful of statements whatever its size, and a crash leaves at most two claims unsent ('interrupted').
        var batchSize = Math.Clamp((int)Math.Ceiling(throttle.PerSecond), 1, 100);
        var ready = Channel.CreateBounded<ReadyMessage>(new BoundedChannelOptions(batchSize) { SingleWriter = true });
        // Bounded: when the database falls behind, senders wait rather than pile up answers in memory (or in doubt, should
        // the process die): the run goes as fast as its slowest part, and memory stays flat whatever the queue's length.
        var answers = Channel.CreateBounded<SendOutcome>(new BoundedChannelOptions(2 * RecordBatch));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, halt.Token);
        var senders = Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => SendAllAsync(ready.Reader, answers.Writer, stop.Token), CancellationToken.None)).ToArray();
        // Answers touch disjoint rows: where the engine takes several writers at once, several recorders keep up with the senders.
        var recording = Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(() => RecordAllAsync(answers.Reader), CancellationToken.None)));
        try
        {
            await ClaimAllAsync(ready.Writer, batchSize, stop.Token);
        }
        finally
        {
            ready.Writer.TryComplete();
            await Task.WhenAll(senders);
            answers.Writer.TryComplete();
            await recording;
        }
    }

    public void Dispose() => halt.Dispose();

    private async Task ClaimAllAsync(ChannelWriter<ReadyMessage> ready, int batchSize, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested && !NetworkTrouble)
        {
            // Database work is never cancelled half-way: a claim that committed must reach the senders, who give back what
            // they will not send. The stop is only looked at between claims.
            if (await store.OpenHaltAsync(CancellationToken.None) is not null)
            {
                await halt.CancelAsync();
                return;
            }

            var limit = (int)Math.Min(batchSize, dailyRemaining);
            if (limit <= 0)
            {
                DailyLimitReached = true;
                return;
            }

            progress.Report(DispatchMessagesJob.Sending, tally.Sent);
            var now = timeProvider.GetUtcNow();
            claiming.Start();
            var batch = await store.ClaimAsync(node, now, limit, window, facts => recheck.Decide(facts, now), CancellationToken.None);
            claiming.Stop();
            Hosting.Failpoints.Hit("dispatch.after_claim");
            if (batch.Claimed == 0)
            {
                return;
            }

            tally.Count("claimed", batch.Claimed);
            foreach (var (_, reason) in batch.Verdicts.Cancel)
            {
                tally.Count("cancelled:" + reason);
            }

            tally.Count("waiting_for_window", batch.Verdicts.Wait.Count);
            dailyRemaining -= batch.Verdicts.Send.Count;
            foreach (var message in batch.Verdicts.Send)
            {
                // Claimed messages are always handed on, even when stopping: the senders give back what they do not send.
                await ready.WriteAsync(message, CancellationToken.None);
            }
        }
    }

    private async Task SendAllAsync(ChannelReader<ReadyMessage> ready, ChannelWriter<SendOutcome> answers, CancellationToken stop)
    {
        await foreach (var message in ready.ReadAllAsync(CancellationToken.None))
        {
            SendOutcome outcome;
            try
            {
                outcome = await SendOneAsync(message, stop);
            }
            catch (OperationCanceledException)
            {
                outcome = new SendOutcome(message, message.Message, null, timeProvider.GetUtcNow());
            }

            await answers.WriteAsync(outcome, CancellationToken.None);
        }
    }

    private async Task<SendOutcome> SendOneAsync(ReadyMessage message, CancellationToken stop)
    {
        stop.ThrowIfCancellationRequested();
        if (NetworkTrouble)
        {
            throw new OperationCanceledException();
        }

        await throttle.WaitTurnAsync(stop);
        var sent = message.Message;
        Hosting.Failpoints.Hit("dispatch.before_send");
        var result = await SendAsync(sent, stop);
        Hosting.Failpoints.Hit("dispatch.after_send");
        if (result.Status == SendStatus.Refused
            && SendErrorPolicy.Classify(result.HttpStatus ?? 0, result.ErrorCode) == SendErrorAction.RetryAsTemplate
            && message.AsTemplate is { } template)
        {
            // The 24-hour window closed since the person last wrote: the approved template may still start the conversation.
            tally.Count("window_closed_sent_as_template");
            await throttle.WaitTurnAsync(CancellationToken.None);
            sent = template;
            result = await SendAsync(sent, CancellationToken.None);
        }

        if (result.Status == SendStatus.Refused && SendErrorPolicy.Halts(SendErrorPolicy.Classify(result.HttpStatus ?? 0, result.ErrorCode)))
        {
            await halt.CancelAsync();
        }

        if (result.Status is SendStatus.NotSent or SendStatus.Unknown)
        {
            if (Interlocked.Increment(ref networkFailuresInARow) >= NetworkFailuresToStop && !NetworkTrouble)
            {
                NetworkTrouble = true;
                DispatchLog.NetworkTrouble(logger, NetworkFailuresToStop, result.Problem);
            }
        }
        else
        {
            Interlocked.Exchange(ref networkFailuresInARow, 0);
        }

        return new SendOutcome(message, sent, result, timeProvider.GetUtcNow());
    }

    private async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken stop)
    {
        try
        {
            return await sender.SendAsync(message, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            // A sender that fails in an unforeseen way may have sent: the message is not sent again (fail closed).
            DispatchLog.SenderFailed(logger, e, message.MessageId, sender.Name);
            return new SendResult(SendStatus.Unknown, Problem: e.GetType().Name);
        }
    }

    private async Task RecordAllAsync(ChannelReader<SendOutcome> answers)
    {
        var batch = new List<SendOutcome>(RecordBatch);
        while (await answers.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < RecordBatch && answers.TryRead(out var outcome))
            {
                batch.Add(outcome);
            }

            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            await RecordAsync(batch);
            Interlocked.Add(ref recordingTicks, System.Diagnostics.Stopwatch.GetElapsedTime(started).Ticks);
            batch.Clear();
        }
    }

    private void Add(List<(string Key, long Count)> counts)
    {
        foreach (var (key, count) in counts)
        {
            tally.Count(key, count);
        }
    }

    /// <summary>
    /// Writes a batch of answers, retried as a unit after a transient fault (<see cref="DispatchStore.RecordAsync"/>); when one
    /// answer the database refuses fails the batch, each answer on its own. An answer that cannot be written (the database
    /// stayed away past the retries) leaves its message <c>sending</c>, which a later run fails as <c>interrupted</c>: never
    /// sent twice.
    /// </summary>
    private async Task RecordAsync(List<SendOutcome> batch)
    {
        try
        {
            Add(await store.RecordAsync(batch, recorder, CancellationToken.None));
            return;
        }
        catch (Exception e) when (e is DatabaseUnavailableException || store.IsTransient(e))
        {
            // The database is gone (after the unit's retries): these messages stay 'sending' and end 'interrupted', never sent twice.
            tally.Count("not_recorded", batch.Count);
            foreach (var outcome in batch)
            {
                DispatchLog.NotRecorded(logger, e, outcome.Ready.Row.MessageId);
            }

            return;
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
        {
            DispatchLog.RecordRetry(logger, batch.Count, e.GetType().Name);
        }

        foreach (var outcome in batch)
        {
            try
            {
                Add(await store.RecordAsync([outcome], recorder, CancellationToken.None));
            }
            catch (Exception e) when (e is System.Data.Common.DbException or DatabaseUnavailableException or TimeoutException or InvalidOperationException)
            {
                tally.Count("not_recorded");
                DispatchLog.NotRecorded(logger, e, outcome.Ready.Row.MessageId);
            }
        }
    }
}
