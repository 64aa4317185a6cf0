using System.Globalization;
using System.Net;
using System.Text;

namespace Vinculo.Webhook;

/// <summary>
/// Meta's sender signals as its webhook reference shows them (developers.facebook.com/documentation/business-messaging/
/// whatsapp/webhooks/reference/…: phone_number_quality_update, message_template_status_update,
/// message_template_quality_update, account_update), for the fixtures' business (WABA 248613579024681), signed with the
/// fixtures' app secret and POSTed to the real host.
/// </summary>
internal static class SenderSignalPayloads
{
    public const string Waba = "248613579024681";

    /// <summary>
    /// <paramref name="tier"/> goes in <c>current_limit</c> (the older field, still sent until Meta removes it) or, with
    /// <paramref name="portfolioField"/>, in <c>max_daily_conversations_per_business</c>, the field Meta's reference names
    /// since November 2025.
    /// </summary>
    public static string Quality(string @event, string? tier, DateTimeOffset at, bool portfolioField = false, string? oldLimit = null)
    {
        var limits = tier is null ? "" : portfolioField ? $",\"max_daily_conversations_per_business\":\"{tier}\"" : $",\"current_limit\":\"{tier}\"";
        var old = oldLimit is null ? "" : $",\"old_limit\":\"{oldLimit}\"";
        return Envelope("phone_number_quality_update", $"{{\"display_phone_number\":\"5511940001234\",\"event\":\"{@event}\"{old}{limits}}}", at);
    }

    public static string TemplateStatus(string @event, string name, string language, DateTimeOffset at, string reason = "NONE", string? pauseTitle = null)
    {
        var other = pauseTitle is null
            ? ""
            : $",\"other_info\":{{\"title\":\"{pauseTitle}\",\"description\":\"Your WhatsApp message template has been paused for 3 hours because it had issues.\"}}";
        return Envelope(
            "message_template_status_update",
            $"{{\"event\":\"{@event}\",\"message_template_id\":1689556908129832,\"message_template_name\":\"{name}\",\"message_template_language\":\"{language}\"," +
            $"\"reason\":\"{reason}\",\"message_template_category\":\"MARKETING\"{other}}}",
            at);
    }

    public static string TemplateQuality(string newScore, string previousScore, string name, string language, DateTimeOffset at) =>
        Envelope(
            "message_template_quality_update",
            $"{{\"previous_quality_score\":\"{previousScore}\",\"new_quality_score\":\"{newScore}\",\"message_template_id\":806312974732579," +
            $"\"message_template_name\":\"{name}\",\"message_template_language\":\"{language}\"}}",
            at);

    public static string AccountRestriction(string restrictionType, DateTimeOffset at, DateTimeOffset expiration) =>
        Envelope(
            "account_update",
            $"{{\"event\":\"ACCOUNT_RESTRICTION\",\"restriction_info\":[{{\"restriction_type\":\"{restrictionType}\",\"expiration\":{expiration.ToUnixTimeSeconds()}}}]}}",
            at);

    public static string AccountEvent(string @event, DateTimeOffset at) => Envelope("account_update", $"{{\"event\":\"{@event}\"}}", at);

    /// <summary>One entry, one change: as Meta sends each of these fields.</summary>
    public static string Envelope(string field, string value, DateTimeOffset at) =>
        $"{{\"entry\":[{{\"id\":\"{Waba}\",\"time\":{at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)},\"changes\":[{{\"value\":{value},\"field\":\"{field}\"}}]}}],\"object\":\"whatsapp_business_account\"}}";

    /// <summary>POSTs <paramref name="body"/> signed as Meta would, and checks the host took it.</summary>
    public static async Task PostAsync(WebhookServerTests.Worker worker, string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        using var response = await worker.Client.SendAsync(WebhookKit.Post(worker.Address, bytes, WebhookSignature.Sign(bytes, WebhookKit.AppSecret)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
