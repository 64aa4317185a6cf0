using System.Data.Common;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinculo.Data;
using Vinculo.Dispatch;
using Vinculo.Hosting;
using Vinculo.Jobs;
using Vinculo.Phones;
using Vinculo.Planning;
using Vinculo.Privacy;

namespace Vinculo.Consent;

/// <summary>
/// <c>process-inbound</c> (SPEC sections 4 and 6): applies inbound messages and WhatsApp preference events in arrival
/// order. An opt-out revokes consent for every contact with the number, cancels their queued messages and suppresses
/// the number; an opt-in grants or renews consent and lifts the suppression; anything else is an interaction that keeps
/// consent fresh. Each batch commits together with the rows it marks processed, so a row is applied exactly once,
/// whatever crashes or retries happen. Before them, Meta's signals about the sender (<see cref="SenderHealthApplier"/>);
/// after them, delivery statuses and the content circuit breaker.
/// </summary>
public sealed class ProcessInboundJob(
    Database database,
    InboundStore store,
    ConsentLedger ledger,
    DeliveryStatusStore statuses,
    DispatchStore queue,
    ContentBreaker breaker,
    Webhook.WebhookNormalizer webhooks,
    SenderHealthApplier senderHealth,
    PhoneClassifier numbers,
    IOptions<ConsentOptions> consent,
    IOptions<PhonesOptions> phones,
    IOptions<DispatchOptions> dispatch,
    IOptions<MessagingOptions> messaging,
    IOptions<SchedulerOptions> scheduler,
    ILogger<ProcessInboundJob> logger) : IVinculoJob
{
    public const string Key = JobCatalog.ProcessInbound;
    public const string DefaultCron = "0 * * * * ?";

    /// <summary><c>message_queue.status_reason</c> of messages cancelled by an opt-out.</summary>
    public const string OptedOutReason = "opted_out";

    /// <summary>Inbound messages and preference events applied; how many wait is not counted.</summary>
    public static readonly ProgressStep Applying = new("applying", "inbound messages and preference events", "aplicando", "mensagens recebidas e preferências");
    public async Task<JobResult> RunAsync(JobRunContext context, CancellationToken cancellationToken)
    {
        var classifier = new InboundIntentClassifier(consent.Value.IntentOptions);
        var tally = new InboundTally();

        // What the webhook stored since the last run becomes rows of the tables below first: an opt-out that arrived by
        // webhook is applied in this same run.
        var normalised = await webhooks.NormalizePendingAsync(context.Now, cancellationToken);
        // Meta's signals about the sender next: a paused template's queue is cancelled, an account restriction halts
        // dispatching, before anything else this run does.
        var signals = await senderHealth.ApplyAsync(context.Now, context.Node, cancellationToken);
        // Each batch is a unit: read, decided and written in one transaction that also marks its rows processed, so a batch
        // retried after a transient fault (or one whose commit landed unseen) never applies a row twice.
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var before = tally.Counters();
            var more = await database.RunUnitAsync(
                "process-inbound batch",
                async token =>
                {
                    tally.Restore(before);
                    return await ApplyBatchAsync(context, classifier, numbers, tally, token);
                },
                cancellationToken);
            if (!more)
            {
                break;
            }

            context.Progress.Report(Applying, tally.Messages + tally.Preferences);
        }

        if (tally.Revoked > 0 || tally.Granted > 0)
        {
            Log.InboundApplied(logger, tally.Messages + tally.Preferences, tally.Revoked, tally.Granted);
        }

        var delivery = await ApplyStatusesAsync(context.Now, context.Progress, cancellationToken);
        var (paused, cancelled) = await breaker.CheckAsync(context.Now, cancellationToken);
        var detail = tally.Detail();
        detail["webhook_payloads"] = normalised;
        detail["sender_signals"] = signals;
        detail["delivery_statuses"] = delivery.Detail();
        detail["contents_paused"] = paused;
        detail["cancelled_by_pause"] = cancelled;
        return new JobResult(
            tally.Messages + tally.Preferences + delivery.Read + signals.Applied,
            tally.Changed + delivery.Applied + delivery.GivenUp + signals.ContentsPaused + signals.ContentsResumed + signals.Cancelled + signals.Halts,
            detail);
    }

    /// <summary>One batch of inbound messages and preference events, applied in one transaction; false when none was waiting.</summary>
    private async Task<bool> ApplyBatchAsync(
        JobRunContext context, InboundIntentClassifier classifier, PhoneClassifier numbers, InboundTally tally, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var limit = consent.Value.InboundBatchSize;
        var phase = System.Diagnostics.Stopwatch.StartNew();
        var messages = await store.ReadInboundAsync(connection, transaction, limit, cancellationToken);
        var preferences = await store.ReadPreferencesAsync(connection, transaction, limit, cancellationToken);
        tally.Phase("read", phase);
        if (messages.Count == 0 && preferences.Count == 0)
        {
            return false;
        }

        // Both tables in one arrival order, up to where one table's unread rows could interleave with the other's.
        var work = InboundArrivals.InOrder(messages, preferences, limit);

        // Every sender of the batch is matched in one query; what a plain message does (an interaction, a sign of life,
        // an unreachable mark cleared, ids learned, the row marked) is written in bulk at the end of the batch, while
        // consent changes are applied one by one in arrival order, as they depend on each other.
        // Reading each sender's number and each text is pure work, the bulk of a batch's time: both cores share it.
        var read = new (IReadOnlyList<string> Forms, InboundIntent? Intent)[work.Count];
        Parallel.For(0, work.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var item = work[i];
            read[i] = item.Message is { } m
                ? (SenderNumbers.Forms(m.FromPhone, numbers), classifier.Classify(m.Body))
                : (SenderNumbers.Forms(item.Preference!.FromPhone, numbers), null);
        });
        var forms = Enumerable.Range(0, work.Count).ToDictionary(i => (work[i].Order, work[i].Id), i => read[i].Forms);
        var intents = Enumerable.Range(0, work.Count).Where(i => read[i].Intent is not null).ToDictionary(i => work[i].Id, i => read[i].Intent!.Value);
        var userIds = work.Select(w => Trim(w.Message is { } m ? m.WaUserId : w.Preference!.WaUserId)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        tally.Phase("read_numbers", phase);
        var allForms = forms.Values.SelectMany(f => f).ToHashSet(StringComparer.Ordinal);
        var directory = new InboundDirectory(await store.MatchAllAsync(connection, transaction, allForms, userIds, cancellationToken));
        var erased = await store.ErasedAmongAsync(connection, transaction, allForms.Select(PhoneHash.Of).ToList(), cancellationToken);
        tally.Phase("match", phase);
        var effects = new InboundEffects(context.Now);
        // Opt-outs and opt-ins are decided in arrival order against the batch's own view of each consent, read up front
        // in one query, and written with the plain effects: a burst of "sair" costs a few statements, not a few per row.
        var consents = new ConsentBatch(database, ledger);
        var relevant = work
            .Where(w => w.Message is { } m ? intents[m.Id].Kind != InboundIntentKind.Interaction : w.Preference!.Value == "stop")
            .SelectMany(w => directory.Match(forms[(w.Order, w.Id)], Trim(w.Message is { } m ? m.WaUserId : w.Preference!.WaUserId)))
            .Select(c => c.ContactId);
        await consents.LoadAsync(connection, transaction, relevant, cancellationToken);
        foreach (var item in work)
        {
            var itemForms = forms[(item.Order, item.Id)];
            if (item.Message is { } message)
            {
                await ApplyMessageAsync(connection, transaction, message, itemForms, intents[message.Id], directory, erased, effects, consents, context.Now, tally, cancellationToken);
            }
            else
            {
                await ApplyPreferenceAsync(connection, transaction, item.Preference!, itemForms, directory, erased, effects, consents, context.Now, tally, cancellationToken);
            }
        }

        tally.Phase("decide_and_consent", phase);
        await consents.WriteAsync(connection, transaction, OptedOutReason, context.Now, cancellationToken);
        await store.WriteEffectsAsync(connection, transaction, effects, cancellationToken);
        Hosting.Failpoints.Hit("inbound.before_commit");
        await transaction.CommitAsync(cancellationToken);
        Hosting.Failpoints.Hit("inbound.after_commit");
        tally.Phase("write", phase);
        return true;
    }

    /// <summary>Delivery statuses (<see cref="DeliveryStatusApplier"/>), after the inbound messages: an opt-out is never held back by them.</summary>
    private async Task<StatusTally> ApplyStatusesAsync(DateTimeOffset now, JobProgress progress, CancellationToken cancellationToken)
    {
        var options = dispatch.Value;
        var window = messaging.Value.ParseWindow();
        var failures = new MessageFailures(
            ledger, new ZoneResolver(scheduler.Value.TimeZoneInfo), window, options.MaxAttempts, phones.Value.UnreachableAfterFailures);
        var applier = new DeliveryStatusApplier(database, statuses, queue, failures);
        var tally = await applier.ApplyAsync(now, options.StatusBatchSize, progress, cancellationToken);
        if (tally.Read > 0)
        {
            DispatchLog.StatusesApplied(logger, tally.Applied, tally.Read, tally.ReadsRecorded, tally.ReachableAgain, tally.Waiting);
        }

        return tally;
    }

    private async Task ApplyMessageAsync(
        DbConnection connection, DbTransaction transaction, PendingInbound message, IReadOnlyList<string> forms, InboundIntent intent, InboundDirectory directory,
        HashSet<string> erased, InboundEffects effects, ConsentBatch consents, DateTimeOffset now, InboundTally tally, CancellationToken cancellationToken)
    {
        tally.Messages++;
        var contacts = directory.Match(forms, Trim(message.WaUserId));
        var erasedHashes = contacts.Count == 0 ? forms.Select(PhoneHash.Of).Where(erased.Contains).ToList() : [];
        if (erasedHashes.Count > 0)
        {
            await ApplyErasedAsync(connection, transaction, message, forms, intent, erased, erasedHashes, effects, consents, now, tally, cancellationToken);
            return;
        }

        var ids = contacts.Select(c => c.ContactId).ToList();
        var at = message.ReceivedAt;
        var changed = 0;
        string? extra = null;

        if (contacts.Count > 0)
        {
            effects.Wrote(contacts, at, forms.Count > 0 ? forms[0].TrimStart('+') : null, Trim(message.WaUserId));
            directory.Learned(contacts, Trim(message.WaUserId), effects);
            tally.Interactions++;
        }
        else
        {
            tally.Unmatched++;
        }

        var detail = new Dictionary<string, object?> { ["rule"] = intent.Rule, ["inbound_id"] = message.Id };
        switch (intent.Kind)
        {
            case InboundIntentKind.OptOut:
                changed = await consents.RevokeAsync(connection, transaction, ids, Hashes(contacts, forms), at, intent.Rule, detail, cancellationToken);
                tally.OptOuts++;
                tally.Revoked += changed;
                if (intent.Rule == InboundRules.EraseData && (forms.Count > 0 || contacts.Count > 0))
                {
                    await store.RequestErasureAsync(connection, transaction, SenderNumbers.Canonical(forms) ?? contacts[0].PhoneE164, contacts.Count > 0 ? ids[0] : null, at, cancellationToken);
                    tally.ErasureRequests++;
                    extra = " erasure=requested";
                }

                break;
            case InboundIntentKind.OptIn when contacts.Count > 0:
                changed = await consents.GrantAsync(connection, transaction, ids, Hashes(contacts, forms), at, detail, cancellationToken);
                tally.OptIns++;
                tally.Granted += changed;
                break;
            case InboundIntentKind.OptIn:
                // SPEC section 4: only a known number can opt in; a stranger's "sim" has nobody to attach consent to.
                tally.OptIns++;
                break;
        }

        // A known sender's message is an interaction; an opt-out suppresses the number even when nobody holds it.
        if (contacts.Count > 0 || changed > 0 || extra is not null || (intent.Kind == InboundIntentKind.OptOut && forms.Count > 0))
        {
            tally.Changed++;
        }

        var outcome = string.Create(
            CultureInfo.InvariantCulture,
            $"intent={Intent(intent.Kind)} rule={intent.Rule} contacts={contacts.Count} changed={changed}{extra}");
        effects.MarkProcessed(message.Id, Fit(outcome), contacts.Count > 0 ? ids[0] : null);
    }

    /// <summary>
    /// A message from a number erased at its owner's request (a tombstone, LGPD art. 18). Only an opt-in keyword from the
    /// number itself brings the person back, as a new contact with consent (source <c>whatsapp</c>); anything else is
    /// stored as nothing: the row keeps no body, number or id, only its outcome.
    /// </summary>
    private async Task ApplyErasedAsync(
        DbConnection connection, DbTransaction transaction, PendingInbound message, IReadOnlyList<string> forms, InboundIntent intent, HashSet<string> erased,
        List<string> erasedHashes, InboundEffects effects, ConsentBatch consents, DateTimeOffset now, InboundTally tally, CancellationToken cancellationToken)
    {
        if (intent.Kind == InboundIntentKind.OptIn)
        {
            var hashes = forms.Select(PhoneHash.Of).ToList();
            var contactId = await store.BringBackAsync(connection, transaction, SenderNumbers.Canonical(forms)!, hashes, now, cancellationToken);
            erased.ExceptWith(hashes);
            var returning = new InboundContact { ContactId = contactId, PhoneE164 = SenderNumbers.Canonical(forms) };
            var detail = new Dictionary<string, object?> { ["rule"] = intent.Rule, ["inbound_id"] = message.Id, ["after_erasure"] = true };
            var changed = await consents.GrantAsync(connection, transaction, [contactId], Hashes([returning], forms), message.ReceivedAt, detail, cancellationToken);
            tally.OptIns++;
            tally.Granted += changed;
            tally.ReturnedAfterErasure++;
            tally.Changed++;
            effects.MarkProcessed(message.Id, Fit($"intent=opt_in rule={intent.Rule} contacts=1 changed={changed} erased=returned"), contactId);
            return;
        }

        await store.ScrubErasedAsync(connection, transaction, message.Id, preference: false, forms, now, cancellationToken);
        tally.Unmatched++;
        tally.SkippedErased++;
        effects.MarkProcessed(message.Id, $"intent={Intent(intent.Kind)} contacts=0 changed=0 skipped_erased={erasedHashes.Count}", null);
    }

    private async Task ApplyPreferenceAsync(
        DbConnection connection, DbTransaction transaction, PendingPreference preference, IReadOnlyList<string> forms, InboundDirectory directory,
        HashSet<string> erased, InboundEffects effects, ConsentBatch consents, DateTimeOffset now, InboundTally tally, CancellationToken cancellationToken)
    {
        tally.Preferences++;
        var contacts = directory.Match(forms, Trim(preference.WaUserId));
        if (contacts.Count == 0 && forms.Any(form => erased.Contains(PhoneHash.Of(form))))
        {
            // An erased number's preference changes nothing (it stays suppressed) and keeps nothing of the person.
            await store.ScrubErasedAsync(connection, transaction, preference.Id, preference: true, forms, now, cancellationToken);
            tally.SkippedErased++;
            effects.MarkPreference(preference.Id, $"preference={preference.Value} contacts=0 changed=0 skipped_erased", null);
            return;
        }

        var changed = 0;
        if (preference.Value == "stop")
        {
            var detail = new Dictionary<string, object?> { ["rule"] = "whatsapp:marketing-stop", ["preference_id"] = preference.Id };
            changed = await consents.RevokeAsync(
                connection, transaction, contacts.Select(c => c.ContactId).ToList(), Hashes(contacts, forms), preference.ReceivedAt, "whatsapp:marketing-stop", detail, cancellationToken);
            tally.Revoked += changed;
            if (changed > 0 || forms.Count > 0)
            {
                tally.Changed++;
            }
        }

        // "resume" is recorded and nothing more: SPEC section 4, it does not grant consent by itself.
        var outcome = string.Create(CultureInfo.InvariantCulture, $"preference={preference.Value} contacts={contacts.Count} changed={changed}");
        effects.MarkPreference(preference.Id, outcome, contacts.Count > 0 ? contacts[0].ContactId : null);
    }

    private static SortedSet<string> Hashes(List<InboundContact> contacts, IReadOnlyList<string> forms) =>
        SenderNumbers.Hashes(forms, contacts.Select(c => c.PhoneE164));

    private static string? Trim(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Intent(InboundIntentKind kind) => kind switch
    {
        InboundIntentKind.OptOut => "opt_out",
        InboundIntentKind.OptIn => "opt_in",
        _ => "interaction",
    };

    /// <summary>Outcome columns are 400 characters on SQL Server; a long custom keyword must not fail the batch.</summary>
    private static string Fit(string outcome) => outcome.Length <= 400 ? outcome : outcome[..400];
}

/// <summary>Counters of one <c>process-inbound</c> run.</summary>
internal sealed class InboundTally
{
    public long Messages { get; set; }

    public long Preferences { get; set; }

    public long Interactions { get; set; }

    public long Unmatched { get; set; }

    public long OptOuts { get; set; }

    public long OptIns { get; set; }

    public long Revoked { get; set; }

    public long Granted { get; set; }

    public long ErasureRequests { get; set; }

    /// <summary>Messages from erased numbers, stored as nothing.</summary>
    public long SkippedErased { get; set; }

    /// <summary>Erased numbers that opted in again, and came back as new contacts.</summary>
    public long ReturnedAfterErasure { get; set; }

    private readonly SortedDictionary<string, long> timings = new(StringComparer.Ordinal);

    /// <summary>Adds the time since the stopwatch's last restart to the phase, and restarts it.</summary>
    public void Phase(string name, System.Diagnostics.Stopwatch watch)
    {
        timings[name] = timings.GetValueOrDefault(name) + (long)watch.Elapsed.TotalMilliseconds;
        watch.Restart();
    }

    /// <summary>
    /// Rows (messages and preference events) whose application changed the base: a message from a known number (its
    /// interaction), a consent granted, renewed or revoked, a number suppressed by an opt-out, an erasure requested, a
    /// person back after erasure. A stranger's plain message, a "resume", a row from an erased number change nothing.
    /// </summary>
    public long Changed { get; set; }

    /// <summary>The counters as they stand, for <see cref="Restore"/>.</summary>
    public long[] Counters() => [Messages, Preferences, Interactions, Unmatched, OptOuts, OptIns, Revoked, Granted, ErasureRequests, SkippedErased, ReturnedAfterErasure, Changed];

    /// <summary>Puts the counters back as <see cref="Counters"/> read them: a batch retried after a transient fault counts once.</summary>
    public void Restore(long[] c) =>
        (Messages, Preferences, Interactions, Unmatched, OptOuts, OptIns, Revoked, Granted, ErasureRequests, SkippedErased, ReturnedAfterErasure, Changed) =
        (c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11]);

    public Dictionary<string, object?> Detail() => new()
    {
        ["messages"] = Messages,
        ["preference_events"] = Preferences,
        ["interactions"] = Interactions,
        ["unmatched"] = Unmatched,
        ["opt_outs"] = OptOuts,
        ["opt_ins"] = OptIns,
        ["consents_revoked"] = Revoked,
        ["consents_granted_or_renewed"] = Granted,
        ["erasure_requests"] = ErasureRequests,
        ["skipped_erased"] = SkippedErased,
        ["returned_after_erasure"] = ReturnedAfterErasure,
        ["timing_ms"] = timings,
    };
}
