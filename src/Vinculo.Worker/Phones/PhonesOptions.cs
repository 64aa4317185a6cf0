using Microsoft.Extensions.Options;

namespace Vinculo.Phones;

/// <summary>The <c>Phones</c> section: how raw numbers are read and how often they are checked again.</summary>
public sealed class PhonesOptions
{
    public const string Section = "Phones";

    /// <summary>Region assumed for numbers written without a country code (ISO 3166 code).</summary>
    public string DefaultRegion { get; set; } = "BR";

    /// <summary>Area code (DDD) given to Brazilian numbers written without one; unset means such numbers are invalid.</summary>
    public string? DefaultAreaCode { get; set; }

    /// <summary>A classification older than this is done again.</summary>
    public int RevalidateAfterDays { get; set; } = 30;

    /// <summary>Undeliverable reports (WhatsApp error 131026) after which a number is <c>unreachable</c>.</summary>
    public int UnreachableAfterFailures { get; set; } = 2;

    /// <summary>Contacts read, classified and written per batch.</summary>
    public int BatchSize { get; set; } = 20_000;

    /// <summary>
    /// A sweep that rewrites at least this many contacts, and <see cref="RevalidatePhonesJob.LargeRewriteShare"/> of the
    /// base, rebuilds the number index rather than updating it. Not a setting (internal, so configuration never binds it):
    /// tests lower it to reach that path with a small base.
    /// </summary>
    internal long LargeRewriteRows { get; set; } = RevalidatePhonesJob.LargeRewriteRows;
}

internal sealed class PhonesOptionsValidator : IValidateOptions<PhonesOptions>
{
    public ValidateOptionsResult Validate(string? name, PhonesOptions options)
    {
        var failures = new List<string>();
        try
        {
            _ = new PhoneClassifier(new PhoneOptions { DefaultRegion = options.DefaultRegion });
        }
        catch (ArgumentException)
        {
            failures.Add($"Phones:DefaultRegion: '{options.DefaultRegion}' não é uma região reconhecida (use um código ISO como BR).");
        }

        if (options.DefaultAreaCode is not null)
        {
            try
            {
                _ = new PhoneClassifier(new PhoneOptions { DefaultRegion = options.DefaultRegion, DefaultAreaCode = options.DefaultAreaCode });
            }
            catch (ArgumentException)
            {
                failures.Add(string.Equals(options.DefaultRegion, "BR", StringComparison.OrdinalIgnoreCase)
                    ? $"Phones:DefaultAreaCode: '{options.DefaultAreaCode}' não é um DDD válido (ex.: 11)."
                    : $"Phones:DefaultAreaCode: '{options.DefaultAreaCode}' só se aplica quando Phones:DefaultRegion é BR.");
            }
        }

        if (options.RevalidateAfterDays is < 1 or > 3650)
        {
            failures.Add($"Phones:RevalidateAfterDays: '{options.RevalidateAfterDays}' deve estar entre 1 e 3650.");
        }

        if (options.UnreachableAfterFailures is < 1 or > 100)
        {
            failures.Add($"Phones:UnreachableAfterFailures: '{options.UnreachableAfterFailures}' deve estar entre 1 e 100.");
        }

        if (options.BatchSize is < 100 or > 200_000)
        {
            failures.Add($"Phones:BatchSize: '{options.BatchSize}' deve estar entre 100 e 200000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
