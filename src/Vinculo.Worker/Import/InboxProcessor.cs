using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Hosting;
using Vinculo.Jobs;
using Vinculo.Phones;

namespace Vinculo.Import;

/// <summary>
/// Imports one dropped file, whoever asks (the <c>import-chats</c> job or the <c>import</c> verb): decides what it is,
/// imports it in one transaction, and moves it to <c>archive/</c> or <c>quarantine/</c>. A file still being written is
/// left alone; a file that changes while it is read is rolled back and left for the next run; a database that fails
/// rolls the file back and leaves it in place, to be tried again.
/// </summary>
public sealed class InboxProcessor
{
    /// <summary>The files of a run: done are those finished.</summary>
    public static readonly ProgressStep Files = new("importing", "files", "importando", "arquivos");

    /// <summary>What has been read of the file being imported.</summary>
    public static readonly ProgressStep Reading = new("reading", "messages or rows of the current file", "lendo", "mensagens ou linhas do arquivo atual");

    private readonly ImportStore store;
    private readonly ImportOptions options;
    private readonly SchedulerOptions scheduler;
    private readonly ILogger<InboxProcessor> logger;
    private readonly PhoneClassifier phones;
    private readonly ChatImporter chats;
    private readonly ContactCsvImporter contacts;
    private readonly SuppressionImporter suppressions;
    private readonly VCardImporter vcards;

    public InboxProcessor(
        ImportStore store,
        ConsentLedger ledger,
        IOptions<ImportOptions> options,
        PhoneClassifier phones,
        IOptions<SchedulerOptions> scheduler,
        ILogger<InboxProcessor> logger)
    {
        this.store = store;
        this.options = options.Value;
        this.scheduler = scheduler.Value;
        this.logger = logger;
        this.phones = phones;
        chats = new ChatImporter(store, new ChatExportParser(phones), ledger);
        contacts = new ContactCsvImporter(store, ledger);
        suppressions = new SuppressionImporter(store);
        vcards = new VCardImporter(contacts);
    }

    /// <summary>Runs after each batch a contact CSV or suppression list commits, with no transaction open.</summary>
    internal Func<ImportCheckpoint, CancellationToken, Task>? BatchCommitted { get; set; }

    /// <summary>What a file is, by where it was dropped and its extension; null when it is none of them.</summary>
    public static ImportKind? KindOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".txt" or ".zip" => ImportKind.Chat,
        ".csv" => ImportKind.Contacts,
        ".vcf" or ".vcard" => ImportKind.VCards,
        _ => null,
    };

    /// <param name="kind">What the file is known to be (a suppression list), or null to tell by its extension.</param>
    /// <param name="index">The file's position in the run, for the log (names are not logged).</param>
    /// <param name="waitForSettle">Leave a file written to within <c>Import:SettleTime</c> for later (the job); the verb imports at once.</param>
    /// <param name="progress">Where what is read of the file is reported (<see cref="Reading"/>).</param>
    /// <exception cref="DatabaseUnavailableException">Not thrown: a database failure is a <see cref="FileOutcome.Failed"/> report that carries it.</exception>
    public Task<FileReport> ProcessAsync(
        InboxFolder folder, string path, ImportKind? kind, int index, DateTimeOffset now, bool waitForSettle, JobProgress progress, CancellationToken cancellationToken) =>
        ProcessAsync(folder, path, kind, index, now, waitForSettle, progress, timings: null, cancellationToken);

    /// <inheritdoc cref="ProcessAsync(InboxFolder, string, ImportKind?, int, DateTimeOffset, bool, JobProgress, CancellationToken)"/>
    /// <param name="timings">Where a chat export's reading and writing time goes (the job's <c>timing_ms</c>); null to not measure.</param>
    internal async Task<FileReport> ProcessAsync(
        InboxFolder folder, string path, ImportKind? kind, int index, DateTimeOffset now, bool waitForSettle, JobProgress progress, PhaseTimings? timings,
        CancellationToken cancellationToken)
    {
        var name = Path.GetFileName(path);
        var counts = new ImportCounts();
        ImportLog.FileName(logger, index, path);
        var before = new FileInfo(path);
        if (!before.Exists)
        {
            return new FileReport(name, kind, FileOutcome.Skipped, counts, Reason: "o arquivo não existe mais.");
        }

        if (waitForSettle && !IsSettled(before, now))
        {
            ImportLog.Skipped(logger, index, "still being written");
            return new FileReport(name, kind, FileOutcome.Skipped, counts, Reason: "o arquivo ainda está sendo gravado; fica para a próxima execução.");
        }

        kind ??= KindOf(path);
        if (kind is null)
        {
            return await QuarantineAsync(folder, path, null, index, counts, now,
                $"Tipo de arquivo não reconhecido ('{Path.GetExtension(path)}'). A importação aceita conversas exportadas do WhatsApp (.txt ou .zip), " +
                "planilhas de contatos (.csv, também as exportadas do Google Contatos), contatos do celular (.vcf) e, na pasta suppression/, listas de números que não devem receber mensagens.");
        }

        string sha256;
        try
        {
            sha256 = ImportText.Sha256Of(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ImportLog.Skipped(logger, index, ErrorText.Describe(e));
            return new FileReport(name, kind, FileOutcome.Skipped, counts, Reason: $"o arquivo não pôde ser lido agora ({ErrorText.Describe(e)}); fica para a próxima execução.");
        }

        try
        {
            var report = new FileReport(name, kind, FileOutcome.Archived, counts);
            await using (var session = await store.BeginAsync(cancellationToken))
            {
                ImportBatches? batches = null;
                if (kind is ImportKind.Contacts or ImportKind.Suppression)
                {
                    var pause = store.Dialect.WriterTurn;
                    batches = ImportBatches.Resuming(
                        store, counts, sha256, report.KindName, now, options.CommitRows, BatchCommitted, pause, await store.ProgressAsync(session, sha256, cancellationToken));
                }

                var run = new ImportRun(
                    session, new ContactDirectory(store, session, phones, scheduler.TimeZone, now, counts), counts, now, scheduler.TimeZoneInfo, options.ChatGrantsConsent, progress, sha256)
                {
                    Batches = batches,
                    Timings = timings,
                };
                run.ReportRead(0);
                await ImportAsync(run, path, kind.Value, cancellationToken);
                run.ReportRead(counts.MessagesRead + counts.RowsRead);
                if (HasChanged(before))
                {
                    // Rolled back as the session ends without a commit.
                    ImportLog.Skipped(logger, index, "changed while it was read");
                    return new FileReport(name, kind, FileOutcome.Skipped, new ImportCounts(), Reason: "o arquivo mudou durante a leitura; fica para a próxima execução.");
                }

                await store.RecordFileAsync(session, sha256, report, now, cancellationToken, batches?.ImportId);
                Hosting.Failpoints.Hit("import.before_commit");
                await session.CommitAsync(cancellationToken);
                Hosting.Failpoints.Hit("import.after_commit");
            }

            return report.Counts.ErasedChat ? DeleteErasedChat(path, report, index) : await ArchiveAsync(folder, path, report, sha256, index);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (IsDatabaseFailure(e))
        {
            ImportLog.Failed(logger, index, ErrorText.Describe(e));
            return new FileReport(name, kind, FileOutcome.Failed, new ImportCounts(), Reason: $"falha no banco de dados ({ErrorText.Describe(e)}); o arquivo fica na pasta para nova tentativa.")
            {
                DatabaseFailure = e,
            };
        }
        catch (Exception e) when (e is ChatExportException or UnreadableFileException)
        {
            return await QuarantineAsync(folder, path, kind, index, new ImportCounts(), now, e.Message, sha256);
        }
        catch (DbException e)
        {
            return await QuarantineAsync(folder, path, kind, index, new ImportCounts(), now, $"O banco de dados recusou o conteúdo deste arquivo: {ErrorText.Describe(e)}", sha256);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ImportLog.Skipped(logger, index, ErrorText.Describe(e));
            return new FileReport(name, kind, FileOutcome.Skipped, new ImportCounts(), Reason: $"o arquivo não pôde ser lido até o fim ({ErrorText.Describe(e)}); fica para a próxima execução.");
        }
        catch (Exception e)
        {
            // Whatever the file holds, the run goes on: the file is set aside with what went wrong.
            ImportLog.Unexpected(logger, e, index);
            return await QuarantineAsync(folder, path, kind, index, new ImportCounts(), now, $"Erro inesperado ao importar este arquivo: {ErrorText.Describe(e)}", sha256);
        }
    }

    private async Task ImportAsync(ImportRun run, string path, ImportKind kind, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case ImportKind.Chat:
                await chats.ImportAsync(run, ImportText.ChatText(path), Path.GetFileName(path), cancellationToken);
                break;
            case ImportKind.Contacts:
                await contacts.ImportAsync(run, path, cancellationToken);
                break;
            case ImportKind.VCards:
                await vcards.ImportAsync(run, path, cancellationToken);
                break;
            case ImportKind.Suppression:
                await suppressions.ImportAsync(run, path, cancellationToken);
                break;
        }
    }

    /// <summary>Written to at least <c>Import:SettleTime</c> before the run's "now" (a time far ahead of it is a skewed clock, not a writer).</summary>
    private bool IsSettled(FileInfo file, DateTimeOffset now)
    {
        var age = now - new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero);
        return age >= options.SettleTime || age < -TimeSpan.FromHours(1);
    }

    private static bool HasChanged(FileInfo before)
    {
        var after = new FileInfo(before.FullName);
        return !after.Exists || after.Length != before.Length || after.LastWriteTimeUtc != before.LastWriteTimeUtc;
    }

    private bool IsDatabaseFailure(Exception e) =>
        e is DatabaseUnavailableException || (e is DbException or TimeoutException && store.Dialect.IsTransient(e));

    /// <summary>A 1:1 chat with a person erased at their request (LGPD art. 18): nothing of it was stored, and the file is not kept.</summary>
    private FileReport DeleteErasedChat(string path, FileReport report, int index)
    {
        ImportLog.ErasedChat(logger, index);
        try
        {
            File.Delete(path);
            return report;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The exception's text names the path, and so the person: only its kind is logged.
            ImportLog.NotDeleted(logger, index, e.GetType().Name);
            return report with { Reason = $"O arquivo não pôde ser apagado ({ErrorText.Describe(e)}); apague-o." };
        }
    }

    private async Task<FileReport> ArchiveAsync(InboxFolder folder, string path, FileReport report, string sha256, int index)
    {
        var counts = report.Counts;
        ImportLog.Archived(logger, index, report.KindName, counts.InteractionsAdded, counts.ContactsCreated, counts.ContactsUpdated, counts.ConsentsGranted, counts.SuppressionsAdded, counts.RowsRejected);
        if (counts.UnmatchedChat)
        {
            ImportLog.Unmatched(logger, index);
        }

        try
        {
            var moved = folder.MoveToArchive(path);
            if (counts.CounterpartHash is { } counterpart)
            {
                await RecordArchiveNameAsync(sha256, counterpart, moved, index);
            }

            if (counts.RowsRejected > 0)
            {
                InboxFolder.WriteBeside(moved, ".report.txt", RejectionReport(counts));
            }

            return report with { MovedTo = moved };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ImportLog.NotMoved(logger, index, InboxFolder.Archive, ErrorText.Describe(e));
            return report with { Reason = $"importado, mas não pôde ser movido para {InboxFolder.Archive}/ ({ErrorText.Describe(e)})." };
        }
    }

    /// <summary>Where a 1:1 chat was archived, for its counterpart's erasure; a failure here leaves the file imported and archived.</summary>
    private async Task RecordArchiveNameAsync(string sha256, string counterpartHash, string moved, int index)
    {
        try
        {
            await store.RecordArchiveNameAsync(sha256, counterpartHash, Path.GetFileName(moved), CancellationToken.None);
        }
        catch (Exception e) when (e is DbException or DatabaseUnavailableException)
        {
            ImportLog.Failed(logger, index, ErrorText.Describe(e));
        }
    }

    private async Task<FileReport> QuarantineAsync(InboxFolder folder, string path, ImportKind? kind, int index, ImportCounts counts, DateTimeOffset now, string reason, string? sha256 = null)
    {
        var report = new FileReport(Path.GetFileName(path), kind, FileOutcome.Quarantined, counts, Reason: reason);
        ImportLog.Quarantined(logger, index, report.KindName, reason);
        try
        {
            report = report with { MovedTo = folder.MoveToQuarantine(path, reason, now) };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ImportLog.NotMoved(logger, index, InboxFolder.Quarantine, ErrorText.Describe(e));
        }

        if (sha256 is not null)
        {
            // The record of a quarantined file is for the dashboards: failing to write it does not stop the run.
            try
            {
                await store.RecordFileAsync(null, sha256, report, now, CancellationToken.None);
            }
            catch (Exception e) when (e is DbException or DatabaseUnavailableException)
            {
                ImportLog.Failed(logger, index, ErrorText.Describe(e));
            }
        }

        return report;
    }

    private static string RejectionReport(ImportCounts counts)
    {
        var lines = new List<string> { $"{counts.RowsRejected} linha(s) não importada(s); as demais foram importadas." };
        lines.AddRange(counts.Rejections);
        if (counts.RowsRejected > counts.Rejections.Count)
        {
            lines.Add($"… e mais {counts.RowsRejected - counts.Rejections.Count}.");
        }

        return string.Join(Environment.NewLine, lines) + Environment.NewLine;
    }
}
