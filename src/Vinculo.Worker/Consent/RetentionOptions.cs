using Microsoft.Extensions.Options;
using Vinculo.Hosting;

namespace Vinculo.Consent;

/// <summary>The <c>Retention</c> section: what the weekly <c>retention</c> job anonymises and deletes besides erasure requests.</summary>
public sealed class RetentionOptions : ISettingsSection
{
    public const string Section = "Retention";

    /// <summary>
    /// Contacts without granted consent and without any interaction for this many days are anonymised. Unset (the
    /// default) turns the policy off: deleting a business's history is its decision, not a default.
    /// </summary>
    [SettingRange(30, 36_500, ErrorMessage = "'{0}' deve estar entre {1} e {2} (ou ausente, para desligar).")]
    public int? AnonymizeInactiveAfterDays { get; set; }

    /// <summary>Raw webhook bodies, once normalised, are deleted after this many days (their normalised rows stay).</summary>
    [SettingRange(1, 3_650)]
    public int WebhookPayloadDays { get; set; } = 30;

    /// <summary>
    /// Finished <c>job_runs</c> rows are deleted after this many days; the last run and the last successful run of each
    /// job stay whatever their age, and a run still <c>running</c> is never deleted.
    /// </summary>
    [SettingRange(7, 3_650)]
    public int JobRunsDays { get; set; } = 90;

    string ISettingsSection.SectionName => Section;
}

[OptionsValidator]
internal sealed partial class RetentionOptionsValidator : IValidateOptions<RetentionOptions>;
