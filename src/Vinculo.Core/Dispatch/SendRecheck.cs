using Vinculo.Consent;
using Vinculo.Phones;
using Vinculo.Planning;

namespace Vinculo.Dispatch;

/// <summary>The values of <c>message_queue.status_reason</c> the dispatcher writes. Dashboards group by them.</summary>
public static class DispatchReasons
{
    // Cancelled by the re-check just before sending.
    public const string ContactErased = "contact_erased";
    public const string NoNumber = "no_number";
    public const string PhoneChanged = "phone_changed";
    public const string PhoneNotValid = "phone_not_valid";
    public const string Suppressed = "suppressed";
    public const string NoConsent = "no_consent";
    public const string ConsentNotFresh = "consent_not_fresh";
    public const string ContentInactive = "content_inactive";
    public const string ContentPaused = "content_paused";
    public const string ContentNotValid = "content_not_valid_now";
    public const string MissedWindow = "missed_window";
    public const string ClosedWeekday = "closed_weekday";
    public const string Holiday = "holiday";
    public const string BlockedDate = "blocked_date";
    public const string FrequencyCap = "frequency_cap";
    public const string NoTemplate = "no_template";
    public const string NotRenderable = "not_renderable";

    // Failed after (or while) sending.
    public const string Interrupted = "interrupted";
    public const string UnknownOutcome = "unknown_outcome";
    public const string Undeliverable = "undeliverable";
    public const string MarketingStopped = "marketing_opt_out";
    public const string MarketingLimit = "marketing_limit";
    public const string MaxAttempts = "max_attempts";
    public const string TemplateRejected = "template_rejected";
    public const string Rejected = "rejected";
}

/// <summary>How a message goes out: <c>message_queue.sent_as</c>.</summary>
public static class SentAs
{
    /// <summary>Plain text inside the 24-hour customer-service window.</summary>
    public const string Session = "session";

    /// <summary>The content's approved template.</summary>
    public const string Template = "template";
}

/// <summary>The content a message was planned from, as far as the re-check goes.</summary>
/// <param name="HasTemplate">Whether the content names an approved template (<c>template_name</c>).</param>
public sealed record RecheckContent(bool Active, DateTimeOffset? PausedAt, DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, bool HasTemplate);

/// <summary>Everything known about one claimed message just before it is sent.</summary>
/// <param name="MessageNumber">The number the message is queued for (<c>message_queue.phone_e164</c>).</param>
/// <param name="ContactNumber">The contact row's number now (<c>contacts.phone_e164</c>).</param>
/// <param name="ContactStatus">The contact row's <c>phone_status</c>.</param>
/// <param name="ContactErased">Whether the contact row was anonymised.</param>
/// <param name="Suppressed">Whether any form of the number is on <c>suppression_list</c>; null when no hash could be computed.</param>
/// <param name="Consents">The granted consents of every live row of the number, with each row's last signs of life.</param>
/// <param name="Content">The content, or null when it no longer exists.</param>
/// <param name="SendTime">Where now stands against the message's send day in the contact's zone.</param>
/// <param name="Capped">Whether another message to the number went out (or is going out) within the frequency cap.</param>
/// <param name="SessionOpen">Whether the person wrote to the business in the last 24 hours.</param>
/// <param name="HasText">Whether a text body is available for a session message.</param>
/// <param name="HasTemplateValues">Whether the template's parameters are available for this person.</param>
public sealed record RecheckFacts(
    string? MessageNumber,
    string? ContactNumber,
    string ContactStatus,
    bool ContactErased,
    bool? Suppressed,
    IReadOnlyList<(ConsentState Consent, ContactActivity Activity)> Consents,
    RecheckContent? Content,
    SendTimeCheck SendTime,
    bool Capped,
    bool SessionOpen,
    bool HasText,
    bool HasTemplateValues);

/// <summary>What the re-check decided.</summary>
public enum RecheckVerdict
{
    /// <summary>Send now, as <see cref="RecheckDecision.SentAs"/>.</summary>
    Send,

    /// <summary>Cancel, with <see cref="RecheckDecision.Reason"/>.</summary>
    Cancel,

    /// <summary>Back to the queue until <see cref="RecheckDecision.WaitUntil"/> (the window has not opened yet).</summary>
    Wait,
}

public readonly record struct RecheckDecision(RecheckVerdict Verdict, string? Reason, string? SentAs, DateTimeOffset? WaitUntil)
{
    public static RecheckDecision Cancel(string reason) => new(RecheckVerdict.Cancel, reason, null, null);
}

/// <summary>
/// The re-check made just before each send (SPEC sections 6 and 10): nothing goes to a person whose contact was erased,
/// whose number changed or is no longer valid, who is suppressed, or who holds no fresh consent; nothing from a content
/// that was switched off, paused or is out of its validity; nothing outside the send day's window, and nothing within the
/// frequency cap of another message. Every missing fact counts against sending (fail closed). Pure.
/// </summary>
public static class SendRecheck
{
    /// <param name="maxIdleDays"><c>Consent:MaxIdleDays</c>.</param>
    /// <param name="preferSession"><c>Dispatch:PreferSessionMessages</c>.</param>
    public static RecheckDecision Decide(RecheckFacts facts, DateTimeOffset now, int maxIdleDays, bool preferSession)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (facts.ContactErased)
        {
            return RecheckDecision.Cancel(DispatchReasons.ContactErased);
        }

        if (string.IsNullOrEmpty(facts.MessageNumber))
        {
            // Another tool queued it for a contact that has no number.
            return RecheckDecision.Cancel(DispatchReasons.NoNumber);
        }

        if (!string.Equals(facts.MessageNumber, facts.ContactNumber, StringComparison.Ordinal))
        {
            return RecheckDecision.Cancel(DispatchReasons.PhoneChanged);
        }

        if (facts.ContactStatus is not (PhoneStatuses.Valid or PhoneStatuses.Repaired))
        {
            return RecheckDecision.Cancel(DispatchReasons.PhoneNotValid);
        }

        if (facts.Suppressed != false)
        {
            return RecheckDecision.Cancel(DispatchReasons.Suppressed);
        }

        if (facts.Consents.Count == 0)
        {
            return RecheckDecision.Cancel(DispatchReasons.NoConsent);
        }

        if (!facts.Consents.Any(c => ConsentFreshness.Evaluate(c.Consent, c.Activity, maxIdleDays, now).IsFresh))
        {
            return RecheckDecision.Cancel(DispatchReasons.ConsentNotFresh);
        }

        if (facts.Content is not { } content || !content.Active)
        {
            return RecheckDecision.Cancel(DispatchReasons.ContentInactive);
        }

        if (content.PausedAt is not null)
        {
            return RecheckDecision.Cancel(DispatchReasons.ContentPaused);
        }

        if ((content.StartsAt is { } starts && now < starts) || (content.EndsAt is { } ends && now >= ends))
        {
            return RecheckDecision.Cancel(DispatchReasons.ContentNotValid);
        }

        switch (facts.SendTime.Status)
        {
            case SendTimeStatus.Missed:
                return RecheckDecision.Cancel(DispatchReasons.MissedWindow);
            case SendTimeStatus.ClosedDay:
                return RecheckDecision.Cancel(facts.SendTime.Day switch
                {
                    SendDayStatus.NationalHoliday => DispatchReasons.Holiday,
                    SendDayStatus.BlockedDate => DispatchReasons.BlockedDate,
                    SendDayStatus.NoLocalTime => DispatchReasons.MissedWindow,
                    _ => DispatchReasons.ClosedWeekday,
                });
            case SendTimeStatus.NotYetOpen:
                return new RecheckDecision(RecheckVerdict.Wait, null, null, facts.SendTime.OpensAt);
        }

        if (facts.Capped)
        {
            return RecheckDecision.Cancel(DispatchReasons.FrequencyCap);
        }

        var session = facts.SessionOpen && facts.HasText;
        var template = content.HasTemplate && facts.HasTemplateValues;
        var sentAs = (session && (preferSession || !template)) ? SentAs.Session : template ? SentAs.Template : null;
        if (sentAs is not null)
        {
            return new RecheckDecision(RecheckVerdict.Send, null, sentAs, null);
        }

        // Outside the window only an approved template may start a conversation; without one there is nothing lawful to send.
        return RecheckDecision.Cancel(!content.HasTemplate && !facts.SessionOpen ? DispatchReasons.NoTemplate : DispatchReasons.NotRenderable);
    }
}
