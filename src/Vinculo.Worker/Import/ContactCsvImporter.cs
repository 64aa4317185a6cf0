using System.Globalization;
using CsvHelper;
using Vinculo.Consent;

namespace Vinculo.Import;

/// <summary>
/// A contact CSV into the base, a batch of rows at a time (<see cref="ContactChunk"/>): each row upserted by
/// <c>external_ref</c>, else by phone (both Brazilian forms), its consent columns turned into a <c>granted</c> consent with
/// its event. A row that cannot be read is reported with its line number and the others still import. A bad phone is not a bad row: it is stored, classified <c>invalid</c>.
/// Suppression entries are never lifted: a suppressed number re-imported with consent stays suppressed. A row whose number
/// was erased at its owner's request is skipped whole (counted in <see cref="ImportCounts.SkippedErased"/>).
/// </summary>
internal sealed class ContactCsvImporter(ImportStore store, ConsentLedger ledger)
{
    /// <summary>Rows between two progress reports.</summary>
    private const int ReportEvery = 1_000;

    /// <summary>A record longer than this is not a contact: the file is damaged or not a CSV.</summary>
    private const int MaxRecordBytes = 1 << 20;

    public static CsvReaderOptions ReaderOptions => new()
    {
        HasHeader = true,
        TrackLineNumbers = true,
        TrimWhitespace = true,
        // A stray quote must not swallow the rest of the file: every line break ends a record.
        AllowLineBreaksInQuotes = false,
        MaxRecordSize = MaxRecordBytes,
        IncludeValuesInExceptions = false,
    };

    public async Task ImportAsync(ImportRun run, string path, CancellationToken cancellationToken)
    {
        using var csv = CsvReader.Create(ImportText.PlainText(path), ReaderOptions, leaveOpen: false);
        try
        {
            var columns = CsvHeaders.Map(csv.Headers);
            var google = CsvHeaders.GooglePhones(csv.Headers);
            if (!columns.ContainsKey(CsvHeaders.Phone) && !columns.ContainsKey(CsvHeaders.ExternalRef) && google.Count == 0)
            {
                throw new UnreadableFileException(csv.Headers.Count == 0
                    ? "O arquivo CSV está vazio."
                    : "O CSV não tem coluna de telefone (phone) nem de referência externa (external_ref). Cabeçalho esperado: " +
                      "name, phone, external_ref, consent, consent_source, consent_at (separados por vírgula ou ponto e vírgula).");
            }

            var records = 0L;
            var resumeAfter = run.Batches?.ResumeAfter ?? 0;
            var chunk = Chunk(run);
            while (csv.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (++records <= resumeAfter)
                {
                    // Committed by an earlier run of the same bytes, counts included.
                    continue;
                }

                if (run.Batches is { } batches)
                {
                    if (batches.Due)
                    {
                        // Everything before this record is written: it commits with the file's progress.
                        await chunk.FlushAsync(cancellationToken);
                        await batches.CommitAsync(run.Session, records - 1, cancellationToken);
                    }

                    batches.Count();
                }

                if (run.Counts.RowsRead % ReportEvery == 0)
                {
                    run.ReportRead(run.Counts.RowsRead);
                }

                var row = ContactRow.Read(csv, columns, google, run.TimeZone, run.Now, out var problem);
                if (row is null)
                {
                    if (problem is not null)
                    {
                        run.Counts.RowsRead++;
                        await chunk.RejectAsync(csv.LineNumber, problem, cancellationToken);
                    }

                    continue;
                }

                run.Counts.RowsRead++;
                await chunk.AddAsync(row, csv.LineNumber, cancellationToken);
            }

            await chunk.FlushAsync(cancellationToken);
        }
        catch (CsvFormatException)
        {
            throw new UnreadableFileException("O arquivo não pôde ser lido como CSV (uma linha passa de 1 MB): está danificado ou não é um CSV.");
        }
    }

    /// <summary>A batch of contact rows for one file; the caller flushes it before each commit and at the end.</summary>
    public ContactChunk Chunk(ImportRun run) => new(store, ledger, run);
}

/// <summary>One person of a contact file, read and checked: a CSV row, a Google Contacts row or a vCard.</summary>
/// <param name="Phones">Every number of the person, mobiles first (a Google Contacts row or a vCard may hold several).</param>
/// <param name="Phone">The one number being imported.</param>
internal sealed record ContactRow(string? Name, string? Phone, string? ExternalRef, bool? Consent, string ConsentSource, DateTimeOffset? ConsentAt)
{
    public IReadOnlyList<string> Phones { get; init; } = Phone is null ? [] : [Phone];

    private const int MaxNameLength = 400;
    private const int MaxExternalRefLength = 200;

    private static readonly HashSet<string> Yes = new(["sim", "s", "yes", "y", "true", "1", "x", "verdadeiro", "v", "ok"], StringComparer.Ordinal);
    private static readonly HashSet<string> No = new(["nao", "n", "no", "false", "0", "falso", "f"], StringComparer.Ordinal);

    private static readonly Dictionary<string, string> Sources = new(StringComparer.Ordinal)
    {
        ["form"] = ConsentSources.Form, ["formulario"] = ConsentSources.Form,
        ["whatsapp"] = ConsentSources.WhatsApp,
        ["import"] = ConsentSources.Import, ["importacao"] = ConsentSources.Import,
        ["chat"] = ConsentSources.Chat, ["conversa"] = ConsentSources.Chat,
        ["other"] = ConsentSources.Other, ["outro"] = ConsentSources.Other, ["outra"] = ConsentSources.Other,
    };

    /// <returns>Null with a <paramref name="problem"/> for a bad row, null without one for a row with nothing in it.</returns>
    public static ContactRow? Read(CsvReader csv, Dictionary<string, int> columns, IReadOnlyList<GooglePhoneColumn> google, TimeZoneInfo zone, DateTimeOffset now, out string? problem)
    {
        problem = null;
        string? Field(string column) => columns.TryGetValue(column, out var index) && index < csv.FieldCount ? Clean(csv.GetString(index)) : null;
        string? At(int index) => index >= 0 && index < csv.FieldCount ? Clean(csv.GetString(index)) : null;

        var name = Field(CsvHeaders.Name) ?? Clean(string.Join(' ', new[] { Field(CsvHeaders.FirstName), Field(CsvHeaders.MiddleName), Field(CsvHeaders.LastName) }.OfType<string>()));
        var phones = google.Count == 0
            ? (Field(CsvHeaders.Phone) is { } single ? [single] : [])
            : GooglePhoneColumn.Numbers(google, At);
        var phone = phones.Count == 0 ? null : phones[0];
        var externalRef = Field(CsvHeaders.ExternalRef);
        var consentText = Field(CsvHeaders.Consent);
        var sourceText = Field(CsvHeaders.ConsentSource);
        var atText = Field(CsvHeaders.ConsentAt);
        if (name is null && phone is null && externalRef is null && consentText is null && sourceText is null && atText is null)
        {
            return null;
        }

        problem =
            phone is null && externalRef is null ? "sem telefone (phone) e sem external_ref: não há como identificar o contato." :
            externalRef is { Length: > MaxExternalRefLength } ? $"external_ref tem mais de {MaxExternalRefLength} caracteres." :
            name is { Length: > MaxNameLength } ? $"o nome tem mais de {MaxNameLength} caracteres." :
            null;
        bool? consent = null;
        if (problem is null && consentText is not null)
        {
            var folded = ChatNames.Fold(consentText);
            consent = Yes.Contains(folded) ? true : No.Contains(folded) ? false : null;
            problem = consent is null ? $"consent '{Quote(consentText)}' não é reconhecido (use sim ou não)." : null;
        }

        var source = ConsentSources.Import;
        if (problem is null && sourceText is not null && !Sources.TryGetValue(ChatNames.Fold(sourceText), out source!))
        {
            problem = $"consent_source '{Quote(sourceText)}' não é reconhecido (use form, whatsapp, import, chat ou other).";
        }

        DateTimeOffset? at = null;
        if (problem is null && atText is not null)
        {
            at = ConsentTime.Parse(atText, zone);
            problem = at is null
                ? $"consent_at '{Quote(atText)}' não é uma data (use 2026-11-23T14:30:00-03:00 ou 23/11/2026 14:30)."
                : at > now.AddDays(1) ? $"consent_at '{Quote(atText)}' está no futuro." : null;
        }

        return problem is null ? new ContactRow(name, phone, externalRef, consent, source, at) { Phones = phones } : null;
    }

    /// <summary>Trimmed; null when blank; without NUL characters, which PostgreSQL text refuses.</summary>
    private static string? Clean(string? value)
    {
        var text = value?.Replace("\0", "", StringComparison.Ordinal).Trim();
        return string.IsNullOrEmpty(text) ? null : text;
    }

    /// <summary>Values quoted in a reason are cut short: a reason is no place for a cell full of data.</summary>
    private static string Quote(string value) => value.Length <= 40 ? value : value[..40] + "…";
}

/// <summary>The consent times a spreadsheet holds: ISO-8601 (with or without a zone) or Brazilian dd/MM/yyyy [HH:mm[:ss]].</summary>
internal static class ConsentTime
{
    private static readonly string[] Brazilian =
        ["dd/MM/yyyy", "d/M/yyyy", "dd/MM/yyyy HH:mm", "d/M/yyyy H:mm", "dd/MM/yyyy HH:mm:ss", "d/M/yyyy H:mm:ss"];

    /// <summary>A time without a zone is local time in <paramref name="zone"/> (<c>Scheduler:TimeZone</c>), read as <see cref="LocalToUtc.Recorded"/>.</summary>
    public static DateTimeOffset? Parse(string text, TimeZoneInfo zone)
    {
        var culture = CultureInfo.InvariantCulture;
        if (DateTime.TryParseExact(text, Brazilian, culture, DateTimeStyles.None, out var local))
        {
            return LocalToUtc.Recorded(local, zone);
        }

        if (text.Length < 10 || !char.IsAsciiDigit(text[0]) || text[4] != '-')
        {
            return null;
        }

        var hasZone = text.EndsWith('Z') || text.EndsWith('z') || (text.Length > 16 && text[^6] is '+' or '-' && text[^3] == ':');
        if (hasZone)
        {
            return DateTimeOffset.TryParse(text, culture, DateTimeStyles.AdjustToUniversal, out var instant) ? instant.ToUniversalTime() : null;
        }

        return DateTime.TryParse(text, culture, DateTimeStyles.None, out local) ? LocalToUtc.Recorded(local, zone) : null;
    }
}
