using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Vinculo.Webhook;

/// <summary>An inbound message, as <c>inbound_messages</c> stores it.</summary>
/// <param name="FromPhone">The sender's <c>wa_id</c> digits; absent for a username adopter who never shared a number.</param>
/// <param name="WaUserId">The business-scoped user id (<c>BR.…</c>), when the payload carries one.</param>
/// <param name="Body">The text the person wrote or tapped, or a placeholder such as <c>[image]</c> that no rule reads as a request.</param>
/// <param name="Kind">Meta's message <c>type</c>.</param>
/// <param name="ContextId">The wamid of the message this one answers.</param>
/// <param name="ReceivedAt">When the person sent it (the message's own timestamp).</param>
public sealed record InboundMessageRow(
    string ProviderMessageId, string? FromPhone, string? WaUserId, string Body, string? Kind, string? ContextId, DateTimeOffset ReceivedAt);

/// <summary>A delivery status of one of our sends, as <c>message_status_events</c> stores it.</summary>
public sealed record StatusEventRow(
    string ProviderMessageId, string Status, int? ErrorCode, string? ErrorTitle, DateTimeOffset OccurredAt, string? RecipientId, string? RecipientUserId);

/// <summary>A WhatsApp "stop/resume marketing messages" choice, as <c>preference_events</c> stores it.</summary>
/// <param name="EventKey">Lowercase hex SHA-256 of <c>wa_id|user_id|category|value|timestamp</c>: the same choice in two payloads is one event.</param>
public sealed record PreferenceEventRow(string? FromPhone, string? WaUserId, string? Category, string Value, DateTimeOffset OccurredAt, string EventKey);

/// <summary>One of Meta's signals about the business's own sender, as <c>sender_health</c> stores it.</summary>
/// <param name="Field">The webhook field (<see cref="Dispatch.SenderSignalFields"/>).</param>
/// <param name="Event">Meta's <c>event</c>; for a template's quality, its <c>new_quality_score</c>.</param>
/// <param name="Tier">The messaging tier: <c>max_daily_conversations_per_business</c>, or the older <c>current_limit</c>.</param>
/// <param name="BanState"><c>ban_info.waba_ban_state</c> of an account update.</param>
/// <param name="Reason">Meta's words on why: the template's <c>reason</c> and <c>other_info</c>, an account's restriction types or violation.</param>
/// <param name="OccurredAt">The entry's <c>time</c>.</param>
/// <param name="EventKey">Lowercase hex SHA-256 of <c>field|entry id|entry time|value as sent</c>: the same signal twice is one row.</param>
public sealed record SenderSignalRow(
    string Field, string? Event, string? Tier, string? TemplateName, string? TemplateLanguage, string? BanState, string? Reason, DateTimeOffset OccurredAt, string EventKey);

/// <summary>What one webhook body holds, or why it could not be read.</summary>
/// <param name="Unparseable">Why the body is not a WhatsApp webhook (never quoting it), or null when it is one.</param>
/// <param name="IgnoredFields">The <c>changes[].field</c> values kept raw only (fields Vinculo does not apply).</param>
/// <param name="Skipped">Items of known fields that carry nothing to store: a status or preference value Vinculo does not record, an item without its id.</param>
public sealed record WhatsAppPayload(
    IReadOnlyList<InboundMessageRow> Messages,
    IReadOnlyList<StatusEventRow> Statuses,
    IReadOnlyList<PreferenceEventRow> Preferences,
    IReadOnlyList<SenderSignalRow> Signals,
    IReadOnlyList<string> IgnoredFields,
    int Skipped,
    string? Unparseable)
{
    public static WhatsAppPayload NotReadable(string reason) => new([], [], [], [], [], 0, reason);

    /// <summary>A WhatsApp payload made only of fields Vinculo keeps raw only.</summary>
    public bool OnlyIgnoredFields => IgnoredFields.Count > 0 && Messages.Count + Statuses.Count + Preferences.Count + Signals.Count + Skipped == 0;
}

/// <summary>
/// Reads Meta's WhatsApp webhook bodies (<c>object: whatsapp_business_account</c>, <c>entry[].changes[]</c>) into the rows
/// of the normalised tables. Pure and total: whatever the bytes, it returns a result and never throws, since a payload
/// it threw on would be retried for ever. Values longer than the columns that hold them on every engine are dropped
/// (an item without its id is skipped), so a strange payload cannot make its own insert fail.
/// </summary>
public static class WhatsAppPayloadReader
{
    public const string MessagesField = "messages";
    public const string UserPreferencesField = "user_preferences";

    /// <summary>The widths of the narrowest engine's columns (SQL Server's nvarchar sizes).</summary>
    private const int IdWidth = 200;
    private const int PhoneWidth = 64;
    private const int UserIdWidth = 200;
    private const int KindWidth = 40;
    private const int CategoryWidth = 100;
    private const int FieldWidth = 60;
    private const int EventWidth = 60;
    private const int TierWidth = 40;
    private const int TemplateNameWidth = 512;
    private const int TemplateLanguageWidth = 20;
    private const int ReasonWidth = 400;

    /// <summary>The largest Unix time (in seconds) the tables can hold: 9999-12-31T23:59:59Z.</summary>
    private const long LastStorableSecond = 253_402_300_799;

    private static readonly HashSet<string> Statuses = new(["sent", "delivered", "read", "failed"], StringComparer.Ordinal);

    private static readonly HashSet<string> PreferenceValues = new(["stop", "resume"], StringComparer.Ordinal);

    /// <summary>
    /// Meta's message types whose placeholder is <c>[type]</c>; any other type reads <c>[other]</c>. None of these words is,
    /// or normalises into, an opt-out or opt-in keyword, so a photo is never read as "stop".
    /// </summary>
    private static readonly HashSet<string> KnownTypes = new(
        ["text", "image", "audio", "video", "document", "sticker", "location", "contacts", "reaction", "button", "interactive", "order", "system", "unsupported"],
        StringComparer.Ordinal);

    public const string OtherPlaceholder = "[other]";

    /// <summary>Every placeholder body the reader can write.</summary>
    public static IEnumerable<string> Placeholders => KnownTypes.Select(Placeholder).Append(OtherPlaceholder);

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 64, CommentHandling = JsonCommentHandling.Disallow, AllowTrailingCommas = false };

    /// <param name="now">Stands in for a timestamp that is missing or cannot be stored.</param>
    public static WhatsAppPayload Read(string body, DateTimeOffset now)
    {
        try
        {
            using var document = JsonDocument.Parse(body, Options);
            return Read(document.RootElement, now);
        }
        catch (JsonException e)
        {
            return WhatsAppPayload.NotReadable($"not JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1})");
        }
        catch (InvalidOperationException)
        {
            // A string that is not valid UTF-16 once unescaped (a lone surrogate).
            return WhatsAppPayload.NotReadable("a string is not valid text");
        }
    }

    private static WhatsAppPayload Read(JsonElement root, DateTimeOffset now)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return WhatsAppPayload.NotReadable($"not an object but {Describe(root.ValueKind)}");
        }

        var kind = Text(root, "object");
        if (kind != "whatsapp_business_account")
        {
            return WhatsAppPayload.NotReadable(kind is null ? "no object field" : "object is not whatsapp_business_account");
        }

        if (!root.TryGetProperty("entry", out var entries) || entries.ValueKind != JsonValueKind.Array)
        {
            return WhatsAppPayload.NotReadable("no entry array");
        }

        var messages = new List<InboundMessageRow>();
        var statuses = new List<StatusEventRow>();
        var preferences = new List<PreferenceEventRow>();
        var signals = new List<SenderSignalRow>();
        var ignored = new List<string>();
        var skipped = 0;
        foreach (var entry in entries.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object || !entry.TryGetProperty("changes", out var changes) || changes.ValueKind != JsonValueKind.Array)
            {
                skipped++;
                continue;
            }

            var entryId = Text(entry, "id");
            var entryTime = Timestamp(entry, "time");
            foreach (var change in changes.EnumerateArray())
            {
                var field = Text(change, "field");
                if (field is null || Child(change, "value") is not { } value)
                {
                    skipped++;
                    continue;
                }

                switch (field)
                {
                    case MessagesField:
                        skipped += ReadMessages(value, now, messages);
                        skipped += ReadStatuses(value, now, statuses);
                        break;
                    case UserPreferencesField:
                        skipped += ReadPreferences(value, now, preferences);
                        break;
                    case var signal when Dispatch.SenderSignalFields.All.Contains(signal):
                        signals.Add(ReadSignal(signal, value, entryId, entryTime, now));
                        break;
                    default:
                        var name = field.Length <= FieldWidth ? field : field[..FieldWidth];
                        if (!ignored.Contains(name, StringComparer.Ordinal))
                        {
                            ignored.Add(name);
                        }

                        break;
                }
            }
        }

        return new WhatsAppPayload(messages, statuses, preferences, signals, ignored, skipped, null);
    }

    /// <summary>
    /// One signal of Meta's about the sender, whatever its event: an unknown value is stored as it came and does nothing
    /// (<see cref="Dispatch.SenderSignals.Effect"/>). Shapes from Meta's webhook reference (phone_number_quality_update,
    /// message_template_status_update, message_template_quality_update, account_update), older ones included.
    /// </summary>
    private static SenderSignalRow ReadSignal(string field, JsonElement value, string? entryId, string? entryTime, DateTimeOffset now)
    {
        var quality = field == Dispatch.SenderSignalFields.TemplateQuality;
        var @event = quality ? Text(value, "new_quality_score") : Text(value, "event");
        var tier = Text(value, "max_daily_conversations_per_business") ?? Text(value, "current_limit");
        var reason = field switch
        {
            Dispatch.SenderSignalFields.TemplateStatus => Join(
                Text(value, "reason") is { } r && r != "NONE" ? r : null,
                Text(Child(value, "other_info"), "title"),
                Text(Child(value, "other_info"), "description"),
                Text(Child(value, "rejection_info"), "reason")),
            Dispatch.SenderSignalFields.TemplateQuality => Text(value, "previous_quality_score") is { } previous ? "previous " + previous : null,
            Dispatch.SenderSignalFields.Account => Join(
                Join(Restrictions(value).ToArray()),
                Text(Child(value, "violation_info"), "violation_type"),
                Text(Child(value, "ban_info"), "waba_ban_date") is { } date ? "ban date " + date : null),
            _ => Text(value, "old_limit") is { } old ? "old limit " + old : null,
        };
        return new SenderSignalRow(
            field,
            Fit(@event, EventWidth),
            Fit(tier, TierWidth),
            Fit(Text(value, "message_template_name"), TemplateNameWidth),
            Fit(Text(value, "message_template_language"), TemplateLanguageWidth),
            Fit(Text(Child(value, "ban_info"), "waba_ban_state"), TierWidth),
            reason is null ? null : reason.Length <= ReasonWidth ? reason : reason[..ReasonWidth],
            Instant(entryTime, now),
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{field}|{entryId}|{entryTime}|{value.GetRawText()}"))));
    }

    /// <summary><c>restriction_info</c> (an array in Meta's reference, an object in some copies): each type, with its expiration.</summary>
    private static IEnumerable<string?> Restrictions(JsonElement value)
    {
        IEnumerable<JsonElement> restrictions = Child(value, "restriction_info") is { } single ? [single] : Items(value, "restriction_info");
        foreach (var restriction in restrictions)
        {
            var type = Text(restriction, "restriction_type");
            // Unix seconds in Meta's reference; written so that the masking of number-like runs in reports leaves it readable.
            var expiration = Text(restriction, "expiration")
                ?? (restriction.TryGetProperty("expiration", out var e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out var seconds)
                    && seconds is > 0 and <= LastStorableSecond
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds).ToString("yyyy'/'MM'/'dd HH:mm 'UTC'", CultureInfo.InvariantCulture)
                    : null);
            yield return type is null ? null : expiration is null ? type : $"{type} until {expiration}";
        }
    }

    private static string? Join(params string?[] parts) =>
        parts.Where(p => p is not null).ToList() is { Count: > 0 } present ? string.Join("; ", present) : null;

    private static int ReadMessages(JsonElement value, DateTimeOffset now, List<InboundMessageRow> rows)
    {
        var skipped = 0;
        var contacts = Items(value, "contacts").ToList();
        foreach (var message in Items(value, "messages"))
        {
            var id = Fit(Text(message, "id"), IdWidth);
            if (id is null)
            {
                skipped++;
                continue;
            }

            var from = Fit(Text(message, "from"), PhoneWidth);
            var type = Text(message, "type");
            var userId = Text(message, "from_user_id") ?? ContactUserId(contacts, from);
            rows.Add(new InboundMessageRow(
                id,
                from,
                Fit(userId, UserIdWidth),
                BodyOf(message, type),
                Fit(type, KindWidth),
                Fit(Text(Child(message, "context"), "id"), IdWidth),
                Instant(Timestamp(message), now)));
        }

        return skipped;
    }

    /// <summary>
    /// The user id of the contact the message came from: the one with its <c>wa_id</c>; for a sender without a number,
    /// the only contact there is (never a guess between several).
    /// </summary>
    private static string? ContactUserId(List<JsonElement> contacts, string? from)
    {
        if (from is null)
        {
            return contacts.Count == 1 ? Text(contacts[0], "user_id") : null;
        }

        foreach (var contact in contacts)
        {
            if (Text(contact, "wa_id") == from)
            {
                return Text(contact, "user_id");
            }
        }

        return null;
    }

    private static string BodyOf(JsonElement message, string? type)
    {
        var text = type switch
        {
            "text" => Text(Child(message, "text"), "body"),
            "button" => Text(Child(message, "button"), "text") ?? Text(Child(message, "button"), "payload"),
            "interactive" => Text(Child(Child(message, "interactive"), "button_reply"), "title")
                ?? Text(Child(Child(message, "interactive"), "list_reply"), "title"),
            _ => null,
        };
        return text ?? (type is not null && KnownTypes.Contains(type) ? Placeholder(type) : OtherPlaceholder);
    }

    private static string Placeholder(string type) => "[" + type + "]";

    private static int ReadStatuses(JsonElement value, DateTimeOffset now, List<StatusEventRow> rows)
    {
        var skipped = 0;
        foreach (var status in Items(value, "statuses"))
        {
            var id = Fit(Text(status, "id"), IdWidth);
            var name = Text(status, "status");
            if (id is null || name is null || !Statuses.Contains(name))
            {
                skipped++;
                continue;
            }

            var error = Items(status, "errors").Cast<JsonElement?>().FirstOrDefault();
            rows.Add(new StatusEventRow(
                id,
                name,
                error is { } e ? Integer(e, "code") : null,
                error is { } f ? Text(f, "title") ?? Text(f, "message") : null,
                Instant(Timestamp(status), now),
                Fit(Text(status, "recipient_id"), PhoneWidth),
                Fit(Text(status, "recipient_user_id"), IdWidth)));
        }

        return skipped;
    }

    private static int ReadPreferences(JsonElement value, DateTimeOffset now, List<PreferenceEventRow> rows)
    {
        var skipped = 0;
        foreach (var preference in Items(value, "user_preferences"))
        {
            var choice = Text(preference, "value");
            if (choice is null || !PreferenceValues.Contains(choice))
            {
                skipped++;
                continue;
            }

            var waId = Text(preference, "wa_id");
            var userId = Text(preference, "user_id");
            var category = Text(preference, "category");
            var timestamp = Timestamp(preference);
            rows.Add(new PreferenceEventRow(
                Fit(waId, PhoneWidth),
                Fit(userId, UserIdWidth),
                Fit(category, CategoryWidth),
                choice,
                Instant(timestamp, now),
                EventKey(waId, userId, category, choice, timestamp)));
        }

        return skipped;
    }

    public static string EventKey(string? waId, string? userId, string? category, string value, string? timestamp) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{waId}|{userId}|{category}|{value}|{timestamp}")));

    /// <summary>Unix seconds: a string in messages and statuses, an integer in user preferences; its text either way.</summary>
    private static string? Timestamp(JsonElement item, string name = "timestamp") =>
        item.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => Clean(value.GetString()),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static DateTimeOffset Instant(string? unixSeconds, DateTimeOffset now) =>
        long.TryParse(unixSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= LastStorableSecond
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : now;

    private static int? Integer(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) switch
        {
            true when value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) => number,
            true when value.ValueKind == JsonValueKind.String && int.TryParse(value.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) => number,
            _ => null,
        };

    private static JsonElement? Child(JsonElement? item, string name) =>
        item is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Object ? value : null;

    private static IEnumerable<JsonElement> Items(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
            : [];

    /// <summary>A string property, or null when absent, not a string, or empty (Meta may send <c>wa_id: ""</c> for a withheld number).</summary>
    private static string? Text(JsonElement? item, string name) =>
        item is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? Clean(value.GetString())
            : null;

    /// <summary>NUL cannot be stored in PostgreSQL text; an empty string says nothing.</summary>
    private static string? Clean(string? text) =>
        string.IsNullOrEmpty(text) ? null : text.Contains('\0', StringComparison.Ordinal) ? text.Replace('\0', '\uFFFD') : text;

    private static string? Fit(string? text, int width) => text is not null && text.Length <= width ? text : null;

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };
}
