namespace Vinculo.Phones;

/// <summary>How raw numbers are read: the <c>Phones</c> settings the classifier needs.</summary>
public sealed record PhoneOptions
{
    /// <summary><c>Phones:DefaultRegion</c>: ISO 3166 region assumed for numbers written without a country code.</summary>
    public string DefaultRegion { get; init; } = "BR";

    /// <summary>
    /// <c>Phones:DefaultAreaCode</c>: Brazilian DDD (e.g. "11") given to numbers written without one. Null, empty
    /// or blank means no such repair: those numbers are <c>invalid</c> with <c>missing_area_code</c>.
    /// Only meaningful when <see cref="DefaultRegion"/> is BR.
    /// </summary>
    public string? DefaultAreaCode { get; init; }
}

/// <summary>Why <see cref="PhoneOptions"/> cannot be used (<see cref="PhoneClassifier.Check"/>).</summary>
public enum PhoneOptionsProblem
{
    /// <summary><see cref="PhoneOptions.DefaultRegion"/> is not a region libphonenumber knows.</summary>
    UnknownRegion,

    /// <summary><see cref="PhoneOptions.DefaultAreaCode"/> is set while the region is not Brazil.</summary>
    AreaCodeOutsideBrazil,

    /// <summary><see cref="PhoneOptions.DefaultAreaCode"/> is not a Brazilian DDD.</summary>
    NotAnAreaCode,
}
