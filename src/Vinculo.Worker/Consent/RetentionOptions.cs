using Microsoft.Extensions.Options;

namespace Vinculo.Consent;

/// <summary>The <c>Retention</c> section: what the weekly <c>retention</c> job anonymises besides erasure requests.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>
    /// Contacts without granted consent and without any interaction for this many days are anonymised. Unset (the
    /// default) turns the policy off: deleting a business's history is its decision, not a default.
    /// </summary>
    public int? AnonymizeInactiveAfterDays { get; set; }
}

internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options) =>
        options.AnonymizeInactiveAfterDays is < 30 or > 36_500
            ? ValidateOptionsResult.Fail($"Retention:AnonymizeInactiveAfterDays: '{options.AnonymizeInactiveAfterDays}' deve estar entre 30 e 36500 (ou ausente, para desligar).")
            : ValidateOptionsResult.Success;
}
