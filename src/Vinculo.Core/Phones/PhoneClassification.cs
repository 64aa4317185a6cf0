namespace Vinculo.Phones;

/// <summary>
/// Result of classifying one raw string. <see cref="Status"/> is one of valid, repaired, landline or invalid
/// (<see cref="PhoneStatuses"/>).
/// </summary>
/// <param name="Status">valid (can hold WhatsApp), repaired (valid after a sure repair), landline (valid, cannot hold WhatsApp) or invalid.</param>
/// <param name="E164">"+5511987654321"; set, like <paramref name="Type"/> and <paramref name="Region"/>, exactly when the status is valid, repaired or landline.</param>
/// <param name="Type">libphonenumber's number type in snake_case: mobile, fixed_line, fixed_line_or_mobile, toll_free, shared_cost, premium_rate, voip, …</param>
/// <param name="Region">libphonenumber's region of the number ("BR", "PT"; "001" for international non-geographic numbers).</param>
/// <param name="TimeZone">
/// IANA zone where the person most likely is: by DDD in Brazil (<see cref="BrazilAreaCodes"/>); elsewhere libphonenumber's
/// zone when it names exactly one, or the zone nearly all of the country lives in when it names several (Portugal, Spain,
/// United Kingdom …). Null when the number has no single place (0800 and 4004 numbers, a mobile of a country whose zones
/// are far apart, such as Russia or Australia): the caller then applies <c>Scheduler:TimeZone</c>
/// (see <see cref="PhoneRecheck"/>), so that changing that setting needs no reclassification.
/// </param>
/// <param name="Note">Set only when repaired: a <see cref="PhoneNotes"/> value.</param>
/// <param name="Error">Set only when invalid: exactly one <see cref="PhoneErrors"/> value.</param>
public readonly record struct PhoneClassification(string Status, string? E164, string? Type, string? Region, string? TimeZone, string? Note, string? Error)
{
    internal static PhoneClassification Invalid(string error) => new(PhoneStatuses.Invalid, null, null, null, null, null, error);

    internal bool HasNumber => E164 is not null;
}
