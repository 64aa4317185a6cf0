using System.Text;
using CsvHelper;
using Vinculo.Privacy;

namespace Vinculo.Import;

/// <summary>
/// A list of numbers never to message (SPEC section 4: "Não Me Ligue" lists) into <c>suppression_list</c>: one number per
/// line, or a CSV with a phone column. Each number is classified and only its hash (<see cref="PhoneHash"/>) is stored;
/// one already listed is left as it is.
/// </summary>
internal sealed class SuppressionImporter(ImportStore store)
{
    /// <summary>The <c>suppression_list.reason</c> of an imported list.</summary>
    public const string Reason = "import";

    private const int BatchSize = 10_000;

    /// <summary>No number needs more; anything longer on a line is cut, so a file without line breaks costs no memory.</summary>
    private const int MaxLineLength = 1_000;

    public async Task ImportAsync(ImportRun run, string path, CancellationToken cancellationToken)
    {
        var rows = new List<object?[]>(BatchSize);
        var resumeAfter = run.Batches?.ResumeAfter ?? 0;
        using (var text = ImportText.PlainText(path))
        {
            var (firstLine, first) = FirstLine(text);
            if (first is null)
            {
                throw new UnreadableFileException("A lista de supressão está vazia.");
            }

            var header = Header(first);
            if (header is null)
            {
                if (firstLine > resumeAfter)
                {
                    await AddAsync(run, rows, firstLine, firstLine, first, cancellationToken);
                }

                for (var line = firstLine + 1; ReadLine(text) is { } next; line++)
                {
                    if (line > resumeAfter)
                    {
                        await AddAsync(run, rows, line, line, next, cancellationToken);
                    }
                }
            }
            else
            {
                await ReadCsvAsync(run, rows, path, header.Value, resumeAfter, cancellationToken);
            }
        }

        run.Counts.SuppressionsAdded += await store.InsertSuppressionsAsync(run.Session, rows, cancellationToken);
        if (run.Counts.RowsRead - run.Counts.RowsRejected == 0)
        {
            throw new UnreadableFileException(
                "Nenhum número de telefone válido foi encontrado nesta lista de supressão (esperado: um número por linha, ou um CSV com a coluna phone/telefone).");
        }
    }

    private async Task ReadCsvAsync(ImportRun run, List<object?[]> rows, string path, int phoneColumn, long resumeAfter, CancellationToken cancellationToken)
    {
        using var csv = CsvReader.Create(ImportText.PlainText(path), ContactCsvImporter.ReaderOptions, leaveOpen: false);
        var records = 0L;
        try
        {
            while (csv.Read())
            {
                if (++records > resumeAfter)
                {
                    await AddAsync(run, rows, csv.LineNumber, records, phoneColumn < csv.FieldCount ? csv.GetString(phoneColumn) : "", cancellationToken);
                }
            }
        }
        catch (CsvFormatException)
        {
            throw new UnreadableFileException("A lista de supressão não pôde ser lida como CSV (uma linha passa de 1 MB): está danificada.");
        }
    }

    /// <param name="line">The line, for a rejection's reason.</param>
    /// <param name="position">The record's place in the file, where a resumed run starts again (the line, or the CSV record).</param>
    private async Task AddAsync(ImportRun run, List<object?[]> rows, long line, long position, string text, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        run.Counts.RowsRead++;
        run.Batches?.Count();
        var phone = run.Contacts.Classify(text.Trim());
        if (phone.E164 is null)
        {
            run.Counts.Reject(line, $"não é um número de telefone válido ({phone.Error}).");
        }
        else
        {
            rows.Add([PhoneHash.Of(phone.E164), Reason, run.Now]);
        }

        if (rows.Count == BatchSize || run.Batches is { Due: true })
        {
            run.Counts.SuppressionsAdded += await store.InsertSuppressionsAsync(run.Session, rows, cancellationToken);
            rows.Clear();
            run.ReportRead(run.Counts.RowsRead);
        }

        if (run.Batches is { Due: true } batches)
        {
            await batches.CommitAsync(run.Session, position, cancellationToken);
        }
    }

    /// <summary>The index of the phone column when the first line is a CSV header that names one.</summary>
    private static int? Header(string line)
    {
        if (!line.Any(char.IsLetter))
        {
            return null;
        }

        var columns = CsvHeaders.Map(line.Split([',', ';', '\t', '|']));
        return columns.TryGetValue(CsvHeaders.Phone, out var index) ? index : null;
    }

    private static (long Line, string? Text) FirstLine(TextReader text)
    {
        for (var line = 1L; ReadLine(text) is { } first; line++)
        {
            if (!string.IsNullOrWhiteSpace(first))
            {
                return (line, first);
            }
        }

        return (0, null);
    }

    /// <summary>A line (CR, LF or CRLF) of at most <see cref="MaxLineLength"/> characters; null at the end.</summary>
    private static string? ReadLine(TextReader text)
    {
        var line = new StringBuilder();
        int c;
        while ((c = text.Read()) >= 0)
        {
            if (c == '\n')
            {
                return line.ToString();
            }

            if (c == '\r')
            {
                if (text.Peek() == '\n')
                {
                    text.Read();
                }

                return line.ToString();
            }

            if (line.Length < MaxLineLength)
            {
                line.Append((char)c);
            }
        }

        return line.Length > 0 ? line.ToString() : null;
    }
}
