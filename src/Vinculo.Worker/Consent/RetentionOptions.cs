using Microsoft.Extensions.Options;

namespace Vinculo.Consent;

/// <summary>The <c>Retention</c> section: what the weekly <c>retention</c> job anonymises and deletes besides erasure requests.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>
    /// Contacts without granted consent and without any interaction for this many days are anonymised. Unset (the
    /// default) turns the policy off: deleting a business's history is its decision, not a default.
    /// </summary>
    public int? AnonymizeInactiveAfterDays { get; set; }

    /// <summary>Raw webhook bodies, once normalised, are deleted after this many days (their normalised rows stay).</summary>
    public int WebhookPayloadDays { get; set; } = 30;

    /// <summary>
    /// Finished <c>job_runs</c> rows are deleted after this many days; the last run and the last successful run of each
    /// job stay whatever their age, and a run still <c>running</c> is never deleted.
    /// </summary>
    public int JobRunsDays { get; set; } = 90;
}

internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        var failures = new List<string>();
        if (options.AnonymizeInactiveAfterDays is < 30 or > 36_500)
        {
            failures.Add($"Retention:AnonymizeInactiveAfterDays: '{options.AnonymizeInactiveAfterDays}' deve estar entre 30 e 36500 (ou ausente, para desligar).");
        }

        if (options.WebhookPayloadDays is < 1 or > 3_650)
        {
            failures.Add($"Retention:WebhookPayloadDays: '{options.WebhookPayloadDays}' deve estar entre 1 e 3650.");
        }

        if (options.JobRunsDays is < 7 or > 3_650)
        {
            failures.Add($"Retention:JobRunsDays: '{options.JobRunsDays}' deve estar entre 7 e 3650.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
