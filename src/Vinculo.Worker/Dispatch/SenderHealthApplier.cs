using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinculo.Data;
using Vinculo.Jobs;
using Vinculo.Planning;

namespace Vinculo.Dispatch;

/// <summary>What one <see cref="SenderHealthApplier.ApplyAsync"/> call did.</summary>
/// <param name="Applied">Signals applied (marked <c>applied_at</c>), whatever they did.</param>
/// <param name="LimitChanges">Tier, FLAGGED and UNFLAGGED signals: the effective daily limit was worked out again.</param>
/// <param name="ContentsPaused">Contents paused by template signals.</param>
/// <param name="ContentsResumed">Contents resumed by APPROVED (or REINSTATED) after a pause Meta's signals made.</param>
/// <param name="Cancelled">Queued messages cancelled as <c>template_paused</c>.</param>
/// <param name="Halts">Halts opened by account signals.</param>
/// <param name="Recorded">Signals stored only: an event Vinculo does not act on, or does not know.</param>
/// <param name="Failed">1 when a signal could not be applied: it and the later ones wait for the next run.</param>
public sealed record SenderHealthTally(int Applied, int LimitChanges, int ContentsPaused, int ContentsResumed, int Cancelled, int Halts, int Recorded, int Failed = 0);

/// <summary>
/// Applies Meta's signals about the business's sender (<c>sender_health</c>), each exactly once, in the order Meta says
/// they happened: a tier or a flag changes the effective daily limit (read by planning and dispatch, nothing to write);
/// a paused, disabled or rejected template pauses the contents that send it and cancels their queue, and an APPROVED after
/// such a pause resumes them; an account restriction halts dispatching until <c>dispatch resume</c>. Each signal is
/// claimed, acted on and marked with what Vinculo did in one transaction. Every change is logged as a warning saying
/// what was done and how to undo it.
/// </summary>
public sealed class SenderHealthApplier(
    Database database,
    SenderHealthStore store,
    IOptions<MessagingOptions> messaging,
    IOptions<DispatchOptions> dispatch,
    ILogger<SenderHealthApplier> logger)
{
    /// <summary>Signals read per round; Meta sends a handful a month.</summary>
    public const int BatchSize = 100;

    public async Task<SenderHealthTally> ApplyAsync(DateTimeOffset now, string node, CancellationToken cancellationToken)
    {
        var tally = new Tally();
        while (true)
        {
            var batch = await store.PendingAsync(BatchSize, cancellationToken);
            foreach (var signal in batch)
            {
                try
                {
                    await ApplyAsync(signal, now, node, tally, cancellationToken);
                }
                catch (Exception e) when ((e is DbException or InvalidOperationException or TimeoutException) && !cancellationToken.IsCancellationRequested)
                {
                    // Rolled back; the signal and those after it wait for the next run, in order, and the run goes on to
                    // apply opt-outs: a signal that cannot be applied must never hold those back.
                    DispatchLog.SignalNotApplied(logger, signal.HealthId, ErrorText.Describe(e));
                    return tally.Result() with { Failed = 1 };
                }
            }

            if (batch.Count < BatchSize)
            {
                return tally.Result();
            }
        }
    }

    private async Task ApplyAsync(PendingSignal signal, DateTimeOffset now, string node, Tally tally, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await store.ClaimAsync(connection, transaction, signal.HealthId, now, cancellationToken))
        {
            return;
        }

        var effect = SenderSignals.Effect(signal.Field, signal.Event, signal.Tier, signal.BanState);
        var action = effect switch
        {
            SenderSignalEffect.Tier or SenderSignalEffect.Flagged or SenderSignalEffect.Unflagged => await LimitAsync(connection, transaction, signal, effect, tally, cancellationToken),
            SenderSignalEffect.PauseTemplate => await PauseAsync(connection, transaction, signal, now, tally, cancellationToken),
            SenderSignalEffect.ResumeTemplate => await ResumeAsync(connection, transaction, signal, now, tally, cancellationToken),
            SenderSignalEffect.Halt => await HaltAsync(connection, transaction, signal, now, node, tally, cancellationToken),
            _ => Recorded(signal, tally),
        };
        await store.SetActionAsync(connection, transaction, signal.HealthId, action, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        tally.Applied++;
    }

    private async Task<string> LimitAsync(
        DbConnection connection, DbTransaction transaction, PendingSignal signal, SenderSignalEffect effect, Tally tally, CancellationToken cancellationToken)
    {
        // The state with this signal in it (it is claimed: applied_at is set), in Meta's order: a late, older signal
        // does not undo a newer one.
        var state = await store.StateAsync(connection, transaction, cancellationToken);
        var configured = messaging.Value.DailyLimit;
        var share = dispatch.Value.FlaggedShare;
        var limit = state.EffectiveDailyLimit(configured, share);
        var action = string.Create(
            CultureInfo.InvariantCulture,
            $"daily limit now {limit} (Messaging:DailyLimit {configured}, tier {state.Tier ?? "not reported"}{(state.Flagged ? $", flagged: {share:0.##} of it" : "")})");
        tally.LimitChanges++;
        switch (effect)
        {
            case SenderSignalEffect.Flagged:
                DispatchLog.NumberFlagged(logger, limit, configured, state.Tier ?? "not reported");
                break;
            case SenderSignalEffect.Unflagged:
                DispatchLog.NumberUnflagged(logger, limit);
                break;
            default:
                DispatchLog.TierReported(logger, signal.Tier ?? "", signal.Event ?? "", limit, configured);
                break;
        }

        return action;
    }

    private async Task<string> PauseAsync(
        DbConnection connection, DbTransaction transaction, PendingSignal signal, DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
    {
        if (signal.TemplateName is null || signal.TemplateLanguage is null)
        {
            return Recorded(signal, tally);
        }

        var why = signal.Field == SenderSignalFields.TemplateQuality ? "quality " + signal.Event : signal.Event;
        var reason = $"{SenderHealthStore.PausedReasonPrefix}: Meta {why}{(signal.Reason is null ? "" : $" ({signal.Reason})")}";
        var (paused, cancelled) = await store.PauseTemplateAsync(connection, transaction, signal.TemplateName, signal.TemplateLanguage, reason, now, cancellationToken);
        tally.ContentsPaused += paused;
        tally.Cancelled += cancelled;
        DispatchLog.TemplatePaused(logger, signal.TemplateName, signal.TemplateLanguage, why ?? "", ErrorText.Mask(signal.Reason ?? "-"), paused, cancelled);
        return string.Create(CultureInfo.InvariantCulture, $"paused {paused} content(s), cancelled {cancelled} queued message(s) as template_paused");
    }

    private async Task<string> ResumeAsync(
        DbConnection connection, DbTransaction transaction, PendingSignal signal, DateTimeOffset now, Tally tally, CancellationToken cancellationToken)
    {
        if (signal.TemplateName is null || signal.TemplateLanguage is null)
        {
            return Recorded(signal, tally);
        }

        var resumed = await store.ResumeTemplateAsync(connection, transaction, signal.TemplateName, signal.TemplateLanguage, now, cancellationToken);
        tally.ContentsResumed += resumed;
        if (resumed > 0)
        {
            DispatchLog.TemplateResumed(logger, signal.TemplateName, signal.TemplateLanguage, signal.Event ?? "", resumed);
        }

        return string.Create(CultureInfo.InvariantCulture, $"resumed {resumed} content(s) paused by Meta's template signals");
    }

    private async Task<string> HaltAsync(
        DbConnection connection, DbTransaction transaction, PendingSignal signal, DateTimeOffset now, string node, Tally tally, CancellationToken cancellationToken)
    {
        var reason = $"account_update {signal.Event}{(signal.Reason is null ? "" : $": {signal.Reason}")}";
        if (!await store.HaltAsync(connection, transaction, reason, node, now, cancellationToken))
        {
            DispatchLog.AccountSignalWhileHalted(logger, signal.Event ?? "");
            return "dispatching was already halted";
        }

        tally.Halts++;
        DispatchLog.AccountHalted(logger, signal.Event ?? "", ErrorText.Mask(signal.Reason ?? "-"));
        return "dispatching halted until 'vinculo dispatch resume'";
    }

    private string Recorded(PendingSignal signal, Tally tally)
    {
        tally.Recorded++;
        DispatchLog.SignalRecorded(logger, signal.Field, signal.Event ?? "-");
        return "recorded only";
    }

    private sealed class Tally
    {
        public int Applied { get; set; }

        public int LimitChanges { get; set; }

        public int ContentsPaused { get; set; }

        public int ContentsResumed { get; set; }

        public int Cancelled { get; set; }

        public int Halts { get; set; }

        public int Recorded { get; set; }

        public SenderHealthTally Result() => new(Applied, LimitChanges, ContentsPaused, ContentsResumed, Cancelled, Halts, Recorded);
    }
}
