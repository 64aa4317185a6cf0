using Vinculo.Phones;
using Vinculo.Privacy;

namespace Vinculo.Consent;

/// <summary>Which numbers an inbound sender may be stored under, and the hashes an opt-out or opt-in from them touches. Pure.</summary>
public static class SenderNumbers
{
    /// <summary>
    /// The E.164 forms the sender's number may be stored under: a WhatsApp id (international digits) in both Brazilian
    /// forms, or, when a provider wrote the number in national form, what the phone classifier makes of it.
    /// </summary>
    public static IReadOnlyList<string> Forms(string? fromPhone, PhoneClassifier numbers)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        if (string.IsNullOrWhiteSpace(fromPhone))
        {
            return [];
        }

        var forms = WhatsAppNumbers.MatchingE164(fromPhone);
        if (forms.Count > 0)
        {
            return forms;
        }

        return numbers.Classify(fromPhone).E164 is { } e164 ? WhatsAppNumbers.MatchingE164(e164) : [];
    }

    /// <summary>The number as suppression stores it: for a Brazilian mobile, the current 13-digit form.</summary>
    public static string? Canonical(IReadOnlyList<string> forms)
    {
        ArgumentNullException.ThrowIfNull(forms);
        return forms.Count == 0 ? null : forms.MaxBy(f => f.Length);
    }

    /// <summary>The sender's canonical form and every matched contact's stored number, hashed, each once.</summary>
    /// <param name="storedNumbers">The matched contacts' <c>phone_e164</c> (null where a row has none).</param>
    public static SortedSet<string> Hashes(IReadOnlyList<string> forms, IEnumerable<string?> storedNumbers)
    {
        ArgumentNullException.ThrowIfNull(storedNumbers);
        var hashes = new SortedSet<string>(StringComparer.Ordinal);
        if (Canonical(forms) is { } canonical)
        {
            hashes.Add(PhoneHash.Of(canonical));
        }

        foreach (var number in storedNumbers)
        {
            if (number is not null)
            {
                hashes.Add(PhoneHash.Of(number));
            }
        }

        return hashes;
    }
}
