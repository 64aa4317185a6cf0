using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Vinculo.Hosting;

namespace Vinculo.Phones;

/// <summary>The <c>Phones</c> section: how raw numbers are read and how often they are checked again.</summary>
public sealed class PhonesOptions : ISettingsSection, IValidatableObject
{
    public const string Section = "Phones";

    /// <summary>Region assumed for numbers written without a country code (ISO 3166 code).</summary>
    public string DefaultRegion { get; set; } = "BR";

    /// <summary>Area code (DDD) given to Brazilian numbers written without one; unset means such numbers are invalid.</summary>
    public string? DefaultAreaCode { get; set; }

    /// <summary>A classification older than this is done again.</summary>
    [SettingRange(1, 3650)]
    public int RevalidateAfterDays { get; set; } = 30;

    /// <summary>Undeliverable reports (WhatsApp error 131026) after which a number is <c>unreachable</c>.</summary>
    [SettingRange(1, 100)]
    public int UnreachableAfterFailures { get; set; } = 2;

    /// <summary>Contacts read, classified and written per batch.</summary>
    [SettingRange(100, 200_000)]
    public int BatchSize { get; set; } = 20_000;

    /// <summary>
    /// A sweep that rewrites at least this many contacts, and <see cref="RevalidatePhonesJob.LargeRewriteShare"/> of the
    /// base, rebuilds the number index rather than updating it. Not a setting (internal, so configuration never binds it):
    /// tests lower it to reach that path with a small base.
    /// </summary>
    internal long LargeRewriteRows { get; set; } = RevalidatePhonesJob.LargeRewriteRows;

    string ISettingsSection.SectionName => Section;

    /// <summary>What the classifier needs of this section.</summary>
    public PhoneOptions ClassifierOptions => new() { DefaultRegion = DefaultRegion, DefaultAreaCode = DefaultAreaCode };

    /// <summary>The region and the area code, as the classifier would read them.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var problems = PhoneClassifier.Check(ClassifierOptions);
        if (problems.Contains(PhoneOptionsProblem.UnknownRegion))
        {
            yield return SettingProblem.At($"{Section}:{nameof(DefaultRegion)}", $"'{DefaultRegion}' não é uma região reconhecida (use um código ISO como BR).");
        }

        if (problems.Contains(PhoneOptionsProblem.NotAnAreaCode))
        {
            yield return SettingProblem.At($"{Section}:{nameof(DefaultAreaCode)}", $"'{DefaultAreaCode}' não é um DDD válido (ex.: 11).");
        }
        else if (problems.Contains(PhoneOptionsProblem.AreaCodeOutsideBrazil))
        {
            yield return SettingProblem.At($"{Section}:{nameof(DefaultAreaCode)}", $"'{DefaultAreaCode}' só se aplica quando Phones:DefaultRegion é BR.");
        }
    }
}

/// <summary>The <c>Phones</c> rules: the ranges on <see cref="PhonesOptions"/>' settings and its own checks.</summary>
[OptionsValidator]
internal sealed partial class PhonesOptionsValidator : IValidateOptions<PhonesOptions>;
