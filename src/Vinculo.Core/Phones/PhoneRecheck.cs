namespace Vinculo.Phones;

/// <summary>What <c>contacts</c> holds about one number: the classification and the state around it.</summary>
public sealed record StoredPhone(
    string Status,
    string? E164,
    string? Type,
    string? Region,
    string? TimeZone,
    string? Note,
    string? Error,
    long? DuplicateOf,
    int Failures);

/// <summary>
/// Turns a fresh classification of a contact's raw number into what should be stored, keeping what
/// the classifier cannot know: a <c>duplicate</c> mark (the duplicate pass decides those) and an
/// <c>unreachable</c> mark (only a reply or a changed <c>phone_raw</c> clears it).
/// </summary>
public static class PhoneRecheck
{
    /// <param name="stored">What the row holds now.</param>
    /// <param name="fresh">The classifier's result for the row's current <c>phone_raw</c>.</param>
    /// <param name="rawChanged">Whether <c>phone_raw</c> differs from the value last classified.</param>
    /// <param name="fallbackTimeZone">Zone for a number that has no single place (Scheduler:TimeZone).</param>
    public static StoredPhone Apply(StoredPhone stored, PhoneClassification fresh, bool rawChanged, string fallbackTimeZone)
    {
        var hasNumber = fresh.E164 is not null;
        var timeZone = hasNumber ? fresh.TimeZone ?? fallbackTimeZone : null;
        var sameNumber = hasNumber && string.Equals(stored.E164, fresh.E164, StringComparison.Ordinal);
        var status = fresh.Status;
        long? duplicateOf = null;
        if (sameNumber && stored.Status == PhoneStatuses.Duplicate)
        {
            status = PhoneStatuses.Duplicate;
            duplicateOf = stored.DuplicateOf;
        }
        else if (sameNumber && !rawChanged && stored.Status == PhoneStatuses.Unreachable)
        {
            status = PhoneStatuses.Unreachable;
        }

        return new StoredPhone(
            status,
            fresh.E164,
            fresh.Type,
            fresh.Region,
            timeZone,
            fresh.Note,
            fresh.Error,
            duplicateOf,
            rawChanged ? 0 : stored.Failures);
    }
}
