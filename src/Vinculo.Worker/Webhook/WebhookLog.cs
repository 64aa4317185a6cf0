using Microsoft.Extensions.Logging;

namespace Vinculo.Webhook;

/// <summary>
/// The log lines of the webhook. No body, number, name, signature, verify token or app secret is ever passed to any of
/// them: a payload is named by its <c>payload_id</c> only.
/// </summary>
internal static partial class WebhookLog
{
    [LoggerMessage(8000, LogLevel.Information, "Webhook listening on {Urls}, path {Path} (health check at {HealthPath})")]
    public static partial void Listening(ILogger logger, string urls, string path, string healthPath);

    [LoggerMessage(8001, LogLevel.Warning, "Webhook POST refused: {Problem} X-Hub-Signature-256 (check Webhook:AppSecret against the app's App secret)")]
    public static partial void BadSignature(ILogger logger, string problem);

    [LoggerMessage(8002, LogLevel.Warning, "Webhook POST refused: body of {Bytes} byte(s) or more, over Webhook:MaxBodyBytes ({Limit})")]
    public static partial void TooLarge(ILogger logger, long bytes, int limit);

    [LoggerMessage(8003, LogLevel.Error, "Webhook payload not stored ({Error}); answered 500 so that Meta delivers it again")]
    public static partial void NotStored(ILogger logger, string error);

    [LoggerMessage(8004, LogLevel.Debug, "Webhook payload of {Bytes} byte(s) received ({Outcome})")]
    public static partial void Received(ILogger logger, int bytes, string outcome);

    [LoggerMessage(8005, LogLevel.Information, "Webhook subscription verified (hub.mode=subscribe, verify token matched)")]
    public static partial void Verified(ILogger logger);

    [LoggerMessage(8006, LogLevel.Warning, "Webhook verification refused: {Problem} (check Webhook:VerifyToken against the token typed in Meta's App Dashboard)")]
    public static partial void VerificationRefused(ILogger logger, string problem);

    [LoggerMessage(8007, LogLevel.Warning, "Webhook health check: the database did not answer ({Error})")]
    public static partial void Unhealthy(ILogger logger, string error);

    [LoggerMessage(8010, LogLevel.Information, "Normalised {Payloads} webhook payload(s): {Messages} message(s), {Statuses} status(es), {Preferences} preference event(s), {Signals} sender signal(s) new, {Duplicates} already stored; {Unparseable} unparseable, {Ignored} ignored, {Failed} failed")]
    public static partial void Normalised(ILogger logger, int payloads, int messages, int statuses, int preferences, int signals, int duplicates, int unparseable, int ignored, int failed);

    [LoggerMessage(8011, LogLevel.Warning, "Webhook payload {PayloadId} is not a WhatsApp webhook ({Reason}); kept as it came and marked unparseable")]
    public static partial void Unparseable(ILogger logger, long payloadId, string reason);

    [LoggerMessage(8012, LogLevel.Warning, "Webhook payload {PayloadId} could not be normalised ({Error}); rolled back, tried again on the next run")]
    public static partial void NormaliseFailed(ILogger logger, long payloadId, string error);
}
