using System.Text.Json;
using Vinculo.Consent;
using Vinculo.Planning;

namespace Vinculo.Dispatch;

/// <summary>
/// Turns a claimed batch's facts into verdicts with <see cref="SendRecheck"/>, message by message in slot order, and
/// builds what to send: the planner's rendered body and template parameters, or (for rows other tools queued) the same
/// rendered now from the contact and the content. Two messages to one number in one batch: the first goes, the cap
/// keeps the second back. Pure: the caller looks time-zone ids up (<c>contacts.time_zone</c>, read in the business's
/// zone when blank or unknown). One instance per run, on the claiming thread.
/// </summary>
/// <param name="zoneOf">A contact's zone from their <c>time_zone</c> as stored (null or blank included), called on this instance's thread.</param>
public sealed class DispatchRecheck(
    SendWindow window, MessageRenderer renderer, Func<string?, TimeZoneInfo> zoneOf, int capDays, int maxIdleDays, bool preferSession)
{
    /// <summary>The language of a content's template when the content does not say.</summary>
    public const string DefaultTemplateLanguage = "pt_BR";

    public ClaimVerdicts Decide(ClaimFacts facts, DateTimeOffset now)
    {
        var verdicts = new ClaimVerdicts();
        var consentsByNumber = facts.Consents.ToLookup(c => c.Number, StringComparer.Ordinal);
        var claimed = facts.Messages.Select(m => m.MessageId).ToHashSet();
        var onTheWay = facts.OnTheWay.Where(m => !claimed.Contains(m.MessageId))
            .GroupBy(m => m.Number, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(m => new CappedMessage(m.Status, m.ScheduledAt, m.SentAt)).ToList(), StringComparer.Ordinal);

        foreach (var row in facts.Messages.OrderBy(m => m.ScheduledAt).ThenBy(m => m.MessageId))
        {
            var lastProduct = facts.LastProducts.TryGetValue(row.ContactId, out var product) ? product.Product : null;
            var text = row.Body ?? (row.ContentBody is null ? null : renderer.Render(row.ContentBody, row.Name, lastProduct) is { IsRendered: true } r ? r.Text : null);
            var templateValues = StoredParameters(row.TemplateParams)
                ?? MessageRenderer.TemplateValues(row.ContentBody, row.Name, lastProduct)?.Select(v => new TemplateParameter(v.Key, v.Value)).ToList();

            var zone = zoneOf(row.TimeZone);
            var capped = row.Number is not null && onTheWay.TryGetValue(row.Number, out var others)
                && !FrequencyCap.IsAllowed(now, capDays, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(others));
            var recheck = new RecheckFacts(
                row.Number,
                row.ContactNumber,
                row.PhoneStatus,
                row.ErasedAt is not null,
                Suppressed(row, facts.SuppressedHashes),
                row.Number is null ? [] : consentsByNumber[row.Number].Select(c => (Consent(c), Activity(c, facts))).ToList(),
                row.ContentFound is null ? null : new RecheckContent(row.Active ?? false, row.PausedAt, row.StartsAt, row.EndsAt, !string.IsNullOrWhiteSpace(row.TemplateName)),
                window.CheckSendTime(row.ScheduledAt, now, zone),
                capped,
                row.Number is not null && facts.WroteRecently.Contains(row.Number),
                !string.IsNullOrWhiteSpace(text),
                templateValues is not null);

            var decision = SendRecheck.Decide(recheck, now, maxIdleDays, preferSession);
            switch (decision.Verdict)
            {
                case RecheckVerdict.Cancel:
                    verdicts.Cancel.Add((row.MessageId, decision.Reason!));
                    continue;
                case RecheckVerdict.Wait:
                    verdicts.Wait.Add((row.MessageId, decision.WaitUntil!.Value));
                    continue;
            }

            var asTemplate = templateValues is not null && !string.IsNullOrWhiteSpace(row.TemplateName)
                ? new OutboundMessage(row.MessageId, row.Number!, SentAs.Template, null, row.TemplateName!.Trim(),
                    string.IsNullOrWhiteSpace(row.TemplateLanguage) ? DefaultTemplateLanguage : row.TemplateLanguage.Trim(), templateValues)
                : null;
            var message = decision.SentAs == SentAs.Session
                ? new OutboundMessage(row.MessageId, row.Number!, SentAs.Session, text, null, null, [])
                : asTemplate!;
            verdicts.Send.Add(new ReadyMessage(
                row, message, decision.SentAs == SentAs.Session ? asTemplate : null, row.Body is null ? text : null,
                row.TemplateParams is null && templateValues is not null ? ParametersJson(templateValues) : null));

            // The next message to this number in the batch meets this one in the cap.
            if (!onTheWay.TryGetValue(row.Number!, out var list))
            {
                onTheWay[row.Number!] = list = [];
            }

            list.Add(new CappedMessage(MessageStatuses.Sending, now, now));
        }

        return verdicts;
    }

    /// <summary>The stored parameters as named pairs (<c>{"first_name":"Carla","product":"…"}</c>), in stored order.</summary>
    internal static List<TemplateParameter>? StoredParameters(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var parameters = new List<TemplateParameter>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Value.ValueKind != JsonValueKind.String)
                {
                    return null;
                }

                parameters.Add(new TemplateParameter(property.Name, property.Value.GetString()!));
            }

            return parameters;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    internal static string ParametersJson(IEnumerable<TemplateParameter> parameters) =>
        TemplateParametersJson.Write(parameters.Select(p => KeyValuePair.Create(p.Name, p.Value)));

    private static bool? Suppressed(ClaimedRow row, HashSet<string> suppressed)
    {
        var hashes = Privacy.PhoneHash.OfEveryForm(row.Number);
        if (hashes.Count == 0)
        {
            return null;
        }

        return hashes.Any(suppressed.Contains) || (row.PhoneHash is { } stored && suppressed.Contains(stored));
    }

    private static ConsentState Consent(ConsentRow row) => new(ConsentStatuses.Granted, row.GrantedAt, row.LastConfirmedAt, row.ExpiresAt);

    private static ContactActivity Activity(ConsentRow row, ClaimFacts facts)
    {
        var last = row.LastInteractionAt;
        if (facts.LastActivity.TryGetValue(row.ContactId, out var interaction) && (last is null || interaction > last))
        {
            last = interaction;
        }

        return new ContactActivity(last, null);
    }
}
