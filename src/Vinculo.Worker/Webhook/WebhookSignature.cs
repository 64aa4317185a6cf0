using System.Security.Cryptography;
using System.Text;

namespace Vinculo.Webhook;

/// <summary>
/// Meta's <c>X-Hub-Signature-256</c>: <c>sha256=</c> and the lowercase hex HMAC-SHA256 of the raw body bytes, keyed with
/// the app secret. Checked over the bytes exactly as received (re-serialised JSON would not match) and compared in
/// constant time, so that a forger learns nothing from how long a refusal takes.
/// </summary>
public static class WebhookSignature
{
    public const string Header = "X-Hub-Signature-256";

    private const string Prefix = "sha256=";

    /// <summary>The header value Meta would send for <paramref name="body"/>.</summary>
    public static string Sign(ReadOnlySpan<byte> body, string appSecret) =>
        Prefix + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body));

    /// <summary>The 32 bytes a header value claims, or null when it is not <c>sha256=</c> and 64 hex digits.</summary>
    public static byte[]? ParseHeader(string? value)
    {
        if (value is null || value.Length != Prefix.Length + 64 || !value.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var digits = value.AsSpan(Prefix.Length);
        foreach (var c in digits)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return null;
            }
        }

        return Convert.FromHexString(digits);
    }

    /// <summary>Whether <paramref name="claimed"/> (from <see cref="ParseHeader"/>) is the HMAC of <paramref name="body"/> under <paramref name="appSecret"/>.</summary>
    public static bool Matches(ReadOnlySpan<byte> body, byte[] claimed, string appSecret)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body);
        return CryptographicOperations.FixedTimeEquals(expected, claimed);
    }

    /// <summary>
    /// Whether two secrets are equal, in time that depends on neither: both are hashed first, so even their lengths stay
    /// hidden (the verify-token handshake).
    /// </summary>
    public static bool SameSecret(string? given, string expected) =>
        given is not null
        && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected)));
}
