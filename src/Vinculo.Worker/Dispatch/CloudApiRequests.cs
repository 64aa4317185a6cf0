using System.Text.Json;
using System.Text.Json.Nodes;

namespace Vinculo.Dispatch;

/// <summary>
/// The bodies of the WhatsApp Cloud API's <c>POST /{version}/{phone-number-id}/messages</c>: a text message inside the
/// customer-service window, or a template with named body parameters. The <c>Log</c> sender writes the same bodies, so
/// its outbox shows exactly what the Cloud sender would send.
/// </summary>
public static class CloudApiRequests
{
    public static JsonObject Body(OutboundMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var body = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["recipient_type"] = "individual",
            ["to"] = message.To,
        };

        if (message.SentAs == SentAs.Session)
        {
            body["type"] = "text";
            body["text"] = new JsonObject { ["preview_url"] = false, ["body"] = message.Text };
            return body;
        }

        var template = new JsonObject
        {
            ["name"] = message.TemplateName,
            ["language"] = new JsonObject { ["code"] = message.TemplateLanguage },
        };
        if (message.TemplateParameters.Count > 0)
        {
            var parameters = new JsonArray();
            foreach (var parameter in message.TemplateParameters)
            {
                parameters.Add(new JsonObject { ["type"] = "text", ["parameter_name"] = parameter.Name, ["text"] = parameter.Value });
            }

            template["components"] = new JsonArray { new JsonObject { ["type"] = "body", ["parameters"] = parameters } };
        }

        body["type"] = "template";
        body["template"] = template;
        return body;
    }

    /// <summary>The body as UTF-8 JSON.</summary>
    public static byte[] Utf8(OutboundMessage message) => JsonSerializer.SerializeToUtf8Bytes(Body(message));
}

/// <summary>What the Cloud API answered, read from its JSON without trusting its shape.</summary>
internal static class CloudApiResponses
{
    /// <summary><c>messages[0].id</c> and <c>contacts[0].wa_id</c> of a successful send; null id when absent.</summary>
    public static (string? MessageId, string? WaId) ReadAccepted(ReadOnlySpan<byte> json)
    {
        try
        {
            var root = JsonNode.Parse(json);
            var id = root?["messages"] is JsonArray { Count: > 0 } messages ? Text(messages[0]?["id"]) : null;
            var waId = root?["contacts"] is JsonArray { Count: > 0 } contacts ? Text(contacts[0]?["wa_id"]) : null;
            return (string.IsNullOrWhiteSpace(id) ? null : id, string.IsNullOrWhiteSpace(waId) ? null : waId);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary><c>error.code</c> and the title part of <c>error.message</c> ("(#131026) Message Undeliverable" → "Message Undeliverable").</summary>
    public static (int? Code, string? Title) ReadError(ReadOnlySpan<byte> json)
    {
        try
        {
            var error = JsonNode.Parse(json)?["error"];
            int? code = error?["code"] is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;
            var message = Text(error?["message"]);
            if (message is not null && message.StartsWith("(#", StringComparison.Ordinal) && message.IndexOf(')', StringComparison.Ordinal) is > 0 and var close)
            {
                message = message[(close + 1)..].Trim();
            }

            return (code, message is null ? null : Fit(message));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    /// <summary>Titles go to the log and <c>job_runs</c>: short, and never the free-text details (they can echo a number).</summary>
    private static string Fit(string title) => title.Length <= 120 ? title : title[..120];
}
