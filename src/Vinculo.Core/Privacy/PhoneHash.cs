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

    /// <summary>
    /// Every hash a number may be suppressed under: each form WhatsApp may know it by (for an older Brazilian mobile, with
    /// and without the ninth digit) and the text itself, so that a check never misses a suppression written in the
    /// other form. Empty only for an empty number.
    /// </summary>
    public static IReadOnlyList<string> OfEveryForm(string? e164)
    {
        if (string.IsNullOrWhiteSpace(e164))
        {
            return [];
        }

        var hashes = new List<string>(3) { Of(e164) };
        foreach (var form in Phones.WhatsAppNumbers.MatchingE164(e164))
        {
            var hash = Of(form);
            if (!hashes.Contains(hash))
            {
                hashes.Add(hash);
            }
        }

        return hashes;
    }

    /// <summary>The 32 bytes of the hash, for callers that keep many of them (the hex string is their lower-case hex).</summary>
    /// <remarks>
    /// Through one hasher per thread, reset after each number: the one-shot call sets up and frees the platform's digest
    /// context every time, a third of the cost of hashing a phone number (a sweep hashes every number of the base).
    /// </remarks>
    public static void Compute(string e164, Span<byte> destination)
    {
        ArgumentException.ThrowIfNullOrEmpty(e164);
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(e164.Length)];
        var length = Encoding.UTF8.GetBytes(e164, utf8);
        var hasher = threadHasher ??= IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hasher.AppendData(utf8[..length]);
        hasher.GetHashAndReset(destination);
    }

    [ThreadStatic]
    private static IncrementalHash? threadHasher;
}
