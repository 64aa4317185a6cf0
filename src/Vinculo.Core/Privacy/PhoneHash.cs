using System.Security.Cryptography;
using System.Text;

namespace Vinculo.Privacy;

/// <summary>
/// The suppression list's key: lower-case hex SHA-256 of the E.164 string with its <c>+</c>. It lets
/// Vinculo recognise a number it must never message again without keeping the number itself.
/// </summary>
public static class PhoneHash
{
    public static string Of(string e164)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        Compute(e164, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The 32 bytes of the hash, for callers that keep many of them (the hex string is their lower-case hex).</summary>
    public static void Compute(string e164, Span<byte> destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(e164);
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(e164.Length)];
        var length = Encoding.UTF8.GetBytes(e164, utf8);
        SHA256.HashData(utf8[..length], destination);
    }
}
