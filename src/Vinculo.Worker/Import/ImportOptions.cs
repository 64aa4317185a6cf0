using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using Vinculo.Hosting;

namespace Vinculo.Import;

/// <summary>The <c>Import</c> section: where files are dropped and what a chat export may decide.</summary>
public sealed class ImportOptions : ISettingsSection, IValidatableObject
{
    public const string Section = "Import";

    /// <summary>The inbox folder, relative to the content root (the folder of <c>appsettings.json</c>) unless absolute.</summary>
    public string InboxPath { get; set; } = "data/inbox";

    /// <summary>Whether the counterpart of an imported 1:1 chat gets consent (source <c>chat</c>). Group members never do.</summary>
    public bool ChatGrantsConsent { get; set; }

    /// <summary>
    /// A file written to less than this long ago (by its last-write time, against the run's "now") may still be being
    /// copied in, and is left for the next run.
    /// </summary>
    [SettingRange(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Files in the inbox's <c>archive/</c> folder last written more than this many days ago are deleted by <c>retention</c>
    /// (with their <c>.report.txt</c>). Unset (the default) keeps them: they are the business's originals, its decision to
    /// drop. <c>quarantine/</c> is never touched.
    /// </summary>
    [SettingRange(7, 3_650, ErrorMessage = "'{0}' deve estar entre {1} e {2} (ou ausente, para guardar o arquivo para sempre).")]
    public int? ArchiveDays { get; set; }

    /// <summary>
    /// A contact CSV or a suppression list commits every this many rows (with its progress in <c>import_files</c>), so that
    /// an opt-out or any other writer waits at most one such batch, and a run after a crash resumes where the last one stopped.
    /// </summary>
    [SettingRange(100, 1_000_000, ErrorMessage = "'{0}' deve estar entre {1} e {2} (linhas por transação).")]
    public int CommitRows { get; set; } = 10_000;

    string ISettingsSection.SectionName => Section;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        const string key = $"{Section}:{nameof(InboxPath)}";
        if (string.IsNullOrWhiteSpace(InboxPath))
        {
            yield return SettingProblem.At(key, "informe a pasta de entrada (ex.: data/inbox).");
        }
        else if (InboxPath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            yield return SettingProblem.At(key, $"'{InboxPath}' não é um caminho válido.");
        }
    }
}

[OptionsValidator]
internal sealed partial class ImportOptionsValidator : IValidateOptions<ImportOptions>;
