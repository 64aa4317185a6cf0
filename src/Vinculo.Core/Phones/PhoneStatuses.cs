namespace Vinculo.Phones;

/// <summary>The values of <c>contacts.phone_status</c> (SPEC section 3). Users and dashboards rely on these strings.</summary>
public static class PhoneStatuses
{
    public const string Unchecked = "unchecked";
    public const string Valid = "valid";
    public const string Repaired = "repaired";
    public const string Landline = "landline";
    public const string Invalid = "invalid";
    public const string Duplicate = "duplicate";
    public const string Unreachable = "unreachable";
}
