using System.Data.Common;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinculo.Data;

namespace Vinculo.Webhook;

/// <summary>
/// Meta's WhatsApp webhook over HTTP, and nothing more: the verify-token handshake, and for each POST the raw body
/// checked against <c>X-Hub-Signature-256</c> before anything reads it, then handed to <see cref="WebhookInbox"/>.
/// Nothing is parsed while Meta waits for the answer; <see cref="WebhookNormalizer"/> does that later.
/// </summary>
public static class WhatsAppWebhookEndpoints
{
    private const int ReadChunk = 16 * 1024;

    /// <summary>
    /// GET <paramref name="path"/>: the subscription handshake. POST <paramref name="path"/>: a signed payload, kept (200),
    /// or refused with 401 (signature), 413 (size) or 500 (database; Meta delivers it again). Needs
    /// <see cref="IOptions{WebhookOptions}"/> and <see cref="WebhookInbox"/> among the request's services.
    /// </summary>
    public static IEndpointConventionBuilder MapWhatsAppWebhooks(this IEndpointRouteBuilder endpoints, string path) =>
        endpoints.MapMethods(path, [HttpMethods.Get, HttpMethods.Post], http => HttpMethods.IsGet(http.Request.Method) ? VerifyAsync(http) : ReceiveAsync(http));

    /// <summary>GET <paramref name="path"/>: 200 with a small JSON body when the database answers a trivial query, else 503.</summary>
    public static IEndpointConventionBuilder MapDatabaseHealthCheck(this IEndpointRouteBuilder endpoints, string path) =>
        endpoints.MapGet(path, CheckHealthAsync);

    /// <summary>
    /// Meta subscribes the callback URL with <c>hub.mode=subscribe</c>, the verify token typed in the App Dashboard and a
    /// random <c>hub.challenge</c>, which must come back as the plain-text body; anything else is refused with 403.
    /// </summary>
    private static async Task VerifyAsync(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<WebhookOptions>>().Value;
        var logger = Logger(http);
        var query = http.Request.Query;
        var challenge = query["hub.challenge"].ToString();
        var problem = query["hub.mode"].ToString() != "subscribe" ? "hub.mode is not subscribe"
            : string.IsNullOrEmpty(options.VerifyToken) || !WebhookSignature.SameSecret(query["hub.verify_token"].ToString(), options.VerifyToken) ? "the verify token does not match"
            : challenge.Length == 0 ? "no hub.challenge"
            : null;
        if (problem is not null)
        {
            WebhookLog.VerificationRefused(logger, problem);
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        WebhookLog.Verified(logger);
        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "text/plain; charset=utf-8";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        await http.Response.WriteAsync(challenge, http.RequestAborted);
    }

    private static async Task ReceiveAsync(HttpContext http)
    {
        var options = http.RequestServices.GetRequiredService<IOptions<WebhookOptions>>().Value;
        var logger = Logger(http);
        var limit = options.MaxBodyBytes;
        if (http.Request.ContentLength is { } length && length > limit)
        {
            WebhookLog.TooLarge(logger, length, limit);
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        var claimed = WebhookSignature.ParseHeader(http.Request.Headers[WebhookSignature.Header].ToString());
        if (claimed is null)
        {
            WebhookLog.BadSignature(logger, http.Request.Headers.ContainsKey(WebhookSignature.Header) ? "malformed" : "missing");
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        byte[]? body;
        try
        {
            body = await ReadBodyAsync(http.Request, limit, http.RequestAborted);
        }
        catch (BadHttpRequestException e)
        {
            // A malformed body (a broken chunk): Kestrel says how. (Its size limit is answered by ReadBodyAsync.)
            http.Response.StatusCode = e.StatusCode;
            return;
        }
        catch (Exception e) when (e is IOException || (e is OperationCanceledException && http.RequestAborted.IsCancellationRequested))
        {
            // The sender went away before the body was complete; there is no one to answer.
            return;
        }

        if (body is null)
        {
            WebhookLog.TooLarge(logger, limit + 1L, limit);
            http.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        if (string.IsNullOrEmpty(options.AppSecret) || !WebhookSignature.Matches(body, claimed, options.AppSecret))
        {
            WebhookLog.BadSignature(logger, "wrong");
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        try
        {
            // Not cancelled with the request: once a signed body is here, keeping it is quick and safe to repeat.
            var stored = await http.RequestServices.GetRequiredService<WebhookInbox>().AcceptAsync(body, CancellationToken.None);
            WebhookLog.Received(logger, body.Length, stored ? "stored" : "already stored");
            http.Response.StatusCode = StatusCodes.Status200OK;
        }
        catch (Exception e) when (e is DbException or DatabaseUnavailableException or InvalidOperationException or TimeoutException)
        {
            WebhookLog.NotStored(logger, e.GetType().Name);
            http.Response.StatusCode = StatusCodes.Status500InternalServerError;
        }
    }

    /// <summary>The body's bytes, or null when there are more than <paramref name="limit"/> (a chunked body says so only as it comes).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream((int)Math.Min(request.ContentLength ?? ReadChunk, limit));
        var chunk = new byte[ReadChunk];
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own limit (the same Webhook:MaxBodyBytes) stopped it first.
            return null;
        }

        return buffer.ToArray();
    }

    private static async Task CheckHealthAsync(HttpContext http)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
        deadline.CancelAfter(TimeSpan.FromSeconds(5));
        bool healthy;
        try
        {
            await http.RequestServices.GetRequiredService<WebhookStore>().PingAsync(deadline.Token);
            healthy = true;
        }
        catch (Exception e) when (e is DbException or DatabaseUnavailableException or InvalidOperationException or TimeoutException or IOException or UnauthorizedAccessException
                                  || (e is OperationCanceledException && !http.RequestAborted.IsCancellationRequested))
        {
            WebhookLog.Unhealthy(Logger(http), e.GetType().Name);
            healthy = false;
        }

        http.Response.StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        http.Response.ContentType = "application/json";
        await http.Response.WriteAsync(healthy ? """{"status":"ok"}""" : """{"status":"unavailable"}""", http.RequestAborted);
    }

    private static ILogger Logger(HttpContext http) => http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(WhatsAppWebhookEndpoints));
}
