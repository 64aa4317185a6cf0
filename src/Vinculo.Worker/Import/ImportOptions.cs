using Microsoft.Extensions.Options;

namespace Vinculo.Import;

/// <summary>The <c>Import</c> section: where files are dropped and what a chat export may decide.</summary>
public sealed class ImportOptions
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
    public TimeSpan SettleTime { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Files in the inbox's <c>archive/</c> folder last written more than this many days ago are deleted by <c>retention</c>
    /// (with their <c>.report.txt</c>). Unset (the default) keeps them: they are the business's originals, its decision to
    /// drop. <c>quarantine/</c> is never touched.
    /// </summary>
    public int? ArchiveDays { get; set; }

    /// <summary>
    /// A contact CSV or a suppression list commits every this many rows (with its progress in <c>import_files</c>), so that
    /// an opt-out or any other writer waits at most one such batch, and a run after a crash resumes where the last one stopped.
    /// </summary>
    public int CommitRows { get; set; } = 10_000;
}

internal sealed class ImportOptionsValidator : IValidateOptions<ImportOptions>
{
    public ValidateOptionsResult Validate(string? name, ImportOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.InboxPath))
        {
            failures.Add("Import:InboxPath: informe a pasta de entrada (ex.: data/inbox).");
        }
        else if (options.InboxPath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"Import:InboxPath: '{options.InboxPath}' não é um caminho válido.");
        }

        if (options.ArchiveDays is < 7 or > 3_650)
        {
            failures.Add($"Import:ArchiveDays: '{options.ArchiveDays}' deve estar entre 7 e 3650 (ou ausente, para guardar o arquivo para sempre).");
        }

        if (options.SettleTime < TimeSpan.Zero || options.SettleTime > TimeSpan.FromHours(1))
        {
            failures.Add($"Import:SettleTime: '{options.SettleTime}' deve estar entre 00:00:00 e 01:00:00.");
        }

        if (options.CommitRows is < 100 or > 1_000_000)
        {
            failures.Add($"Import:CommitRows: '{options.CommitRows}' deve estar entre 100 e 1000000 (linhas por transação).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
