using System.Security.Cryptography;
using System.Text;

namespace Vinculo.Webhook;

/// <summary>
/// Where a webhook body goes once its signature has been checked: kept as it arrived, nothing parsed, so that the answer
/// to Meta is quick and a body the normaliser cannot read is still there to look at. Knows nothing of HTTP.
/// </summary>
public sealed class WebhookInbox(WebhookStore store, TimeProvider timeProvider)
{
    /// <summary>Keeps <paramref name="body"/>; false when the same bytes were kept before (Meta retries for up to 36 hours).</summary>
    public Task<bool> AcceptAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var sha256 = Convert.ToHexStringLower(SHA256.HashData(body.Span));
        var text = Encoding.UTF8.GetString(body.Span);
        // PostgreSQL text cannot hold NUL; a body with one is not JSON anyway, and the hash still names the bytes received.
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            text = text.Replace('\0', '\uFFFD');
        }

        return store.SavePayloadAsync(timeProvider.GetUtcNow(), text, sha256, cancellationToken);
    }
}
