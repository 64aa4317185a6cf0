using System.Globalization;
using Microsoft.Extensions.Logging;
using Vinculo.Planning;

namespace Vinculo.Dispatch;

/// <summary>What became of one claimed message: the message as last sent, and the sender's answer; no answer when it was not sent.</summary>
/// <param name="Result">Null when the message was released unsent (a halt, or the worker stopping).</param>
/// <param name="At">When the answer came.</param>
public sealed record SendOutcome(ReadyMessage Ready, OutboundMessage Sent, SendResult? Result, DateTimeOffset At);

/// <summary>
/// Records each outcome as SPEC section 6 says (<see cref="SendErrorPolicy"/>): sent with its provider id; retried with
/// backoff; re-queued for a later day (131049); failed, with the number moving towards <c>unreachable</c> (131026), or
/// marketing consent revoked (131050), or the content paused (a refused template); back to the queue untouched under a halt.
/// </summary>
internal sealed class DispatchRecorder(MessageFailures failures, DispatchSettings settings, ILogger logger)
{
    /// <summary>No backoff is longer than this, however many attempts were made.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromHours(1);

    public async Task<int> ApplyAsync(RecordContext c, SendOutcome outcome)
    {
        var row = outcome.Ready.Row;
        var id = row.MessageId;
        var now = outcome.At;
        if (outcome.Result is not { } result)
        {
            c.Count("released_unsent");
            return await c.Store.ReleaseAsync(c, id, null, now);
        }

        switch (result.Status)
        {
            case SendStatus.Accepted:
                c.Count(outcome.Sent.SentAs == SentAs.Session ? "sent_session" : "sent_template");
                var changed = await c.Store.MarkSentAsync(c, id, outcome.Sent.SentAs, now, result.ProviderMessageId!, outcome.Ready.RenderedBody, outcome.Ready.TemplateParamsJson, now);
                // WhatsApp names the person by a number of its own only for some older accounts (no ninth digit): that is worth keeping.
                if (result.WaId is { } waId && changed > 0 && !string.Equals(waId, row.Number?.TrimStart('+'), StringComparison.Ordinal))
                {
                    await c.Store.LearnWaIdAsync(c, row.ContactId, waId, now);
                }

                return changed;
            case SendStatus.NotSent:
                return await RetryAsync(c, row, null, now, result.Problem);
            case SendStatus.Unknown:
                DispatchLog.OutcomeUnknown(logger, id, result.Problem);
                return await FailAsync(c, row, DispatchReasons.UnknownOutcome, null, now);
        }

        var code = result.ErrorCode;
        var action = SendErrorPolicy.Classify(result.HttpStatus ?? 0, code);
        switch (action)
        {
            case SendErrorAction.Retry:
                return await RetryAsync(c, row, code, now, result.ErrorTitle);
            case SendErrorAction.RequeueLater:
                return await failures.RequeueLaterAsync(c, row, code, now, MessageStatuses.Sending);
            case SendErrorAction.Undeliverable:
                return await failures.UndeliverableAsync(c, row, code, now, MessageStatuses.Sending);
            case SendErrorAction.MarketingStopped:
                return await failures.MarketingStoppedAsync(c, row, code, now, MessageStatuses.Sending);
            case SendErrorAction.Halt:
                var reason = Fit(string.Create(
                    CultureInfo.InvariantCulture, $"WhatsApp error {code?.ToString(CultureInfo.InvariantCulture) ?? "(none)"}, HTTP {result.HttpStatus}: {result.ErrorTitle ?? "no description"}"));
                if (await c.Store.HaltAsync(c, code, reason, settings.Node, id, now) > 0)
                {
                    DispatchLog.Halted(logger, code, result.HttpStatus, id);
                }

                c.Count("released_by_halt");
                return await c.Store.ReleaseAsync(c, id, code, now);
            case SendErrorAction.TemplateRejected:
                if (await c.Store.PauseContentAsync(c, row.ContentId, Fit($"{DispatchReasons.TemplateRejected}: WhatsApp error {code} ({result.ErrorTitle ?? "no description"})"), now) > 0)
                {
                    DispatchLog.ContentPaused(logger, row.ContentId, code);
                }

                return await FailAsync(c, row, DispatchReasons.TemplateRejected, code, now);
            case SendErrorAction.RetryAsTemplate:
                // Reached only when there was no template to fall back to (or the template itself got it).
                return await FailAsync(c, row, outcome.Sent.SentAs == SentAs.Session ? DispatchReasons.NoTemplate : DispatchReasons.Rejected, code, now);
            default:
                DispatchLog.Refused(logger, id, result.HttpStatus, code, result.ErrorTitle);
                return await FailAsync(c, row, DispatchReasons.Rejected, code, now);
        }
    }

    private async Task<int> RetryAsync(RecordContext c, ClaimedRow row, int? code, DateTimeOffset now, string? problem)
    {
        if (row.Attempts >= settings.MaxAttempts)
        {
            return await FailAsync(c, row, DispatchReasons.MaxAttempts, code, now);
        }

        c.Count("retried");
        var delay = RetryBackoff.Delay(row.Attempts, settings.RetryDelay, MaxRetryDelay, Random.Shared.NextDouble());
        DispatchLog.WillRetry(logger, row.MessageId, row.Attempts, code, problem, delay);
        return await c.Store.RetryAsync(c, row.MessageId, now + delay, code, now);
    }

    private static Task<int> FailAsync(RecordContext c, ClaimedRow row, string reason, int? code, DateTimeOffset now) =>
        MessageFailures.FailAsync(c, row, reason, code, now, MessageStatuses.Sending);

    private static string Fit(string text) => text.Length <= 400 ? text : text[..400];
}

/// <summary>The settings a run works with, read once.</summary>
internal sealed record DispatchSettings(string Node, int MaxAttempts, TimeSpan RetryDelay);
