using System.Net.Http.Headers;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Vinculo.Jobs;

namespace Vinculo.Dispatch;

/// <summary>
/// Meta's WhatsApp Cloud API: one POST per message to <c>{Dispatch:BaseUrl}/{Dispatch:ApiVersion}/{Dispatch:PhoneNumberId}/messages</c>
/// with the bearer token. A typed <see cref="HttpClient"/> with no resilience handler at all: Meta has no idempotency
/// key, so a send is tried once here and only the dispatcher decides, from what this returns, whether it may be tried
/// again. A request that never left (no connection) is <see cref="SendStatus.NotSent"/>; one that may have arrived and got
/// no readable answer (a timeout, a reset) is <see cref="SendStatus.Unknown"/>.
/// </summary>
public sealed class WhatsAppCloudSender(HttpClient http, IOptions<DispatchOptions> options) : IMessageSender
{
    public string Name => nameof(SenderKind.WhatsAppCloud);

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var settings = options.Value;
        using var request = new HttpRequestMessage(HttpMethod.Post, settings.MessagesUri)
        {
            Content = new ByteArrayContent(CloudApiRequests.Utf8(message)) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.AccessToken);

        HttpResponseMessage response;
        byte[] body;
        try
        {
            // Not the caller's token: a request in flight is let finish (or time out), so that its outcome is known.
            response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, CancellationToken.None);
            body = await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.ProxyTunnelError)
        {
            return new SendResult(SendStatus.NotSent, Problem: $"no connection ({e.HttpRequestError})");
        }
        catch (HttpRequestException e)
        {
            return new SendResult(SendStatus.Unknown, Problem: $"connection lost ({e.HttpRequestError})");
        }
        catch (OperationCanceledException)
        {
            return new SendResult(SendStatus.Unknown, Problem: $"no answer within {settings.RequestTimeout}");
        }
        catch (IOException e)
        {
            return new SendResult(SendStatus.Unknown, Problem: $"connection lost ({e.GetType().Name})");
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                var (id, waId) = CloudApiResponses.ReadAccepted(body);
                return id is null
                    ? new SendResult(SendStatus.Unknown, HttpStatus: status, Problem: "accepted without a message id")
                    : SendResult.Accepted(id, waId);
            }

            var (code, title) = CloudApiResponses.ReadError(body);
            return new SendResult(SendStatus.Refused, HttpStatus: status, ErrorCode: code, ErrorTitle: title is null ? null : ErrorText.Mask(title));
        }
    }

    /// <summary>
    /// The handler behind the typed client. A connection that cannot be made within <paramref name="connectTimeout"/> fails
    /// as a connection error (the request never left), not as the overall timeout, which would make its outcome unknown.
    /// </summary>
    internal static SocketsHttpHandler Handler(TimeSpan connectTimeout, int maxConnections) => new()
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        MaxConnectionsPerServer = maxConnections,
        ConnectCallback = async (context, cancellationToken) =>
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(connectTimeout);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, timeout.Token);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                socket.Dispose();
                throw new SocketException((int)SocketError.TimedOut);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
}
