using Vinculo.Consent;

namespace Vinculo.Import;

/// <summary>
/// Contacts exported from a phone or Google as a <c>.vcf</c> (<see cref="VCardReader"/>): each card is a person, each of
/// its numbers a contact row of that person (mobiles first), matched and written as a contact CSV row is, without consent
/// (a card says nothing about it). A card that cannot be read is reported by its line and the other cards import.
/// </summary>
internal sealed class VCardImporter(ContactCsvImporter contacts)
{
    private const int MaxNameLength = 400;

    /// <summary>Cards between two progress reports.</summary>
    private const int ReportEvery = 1_000;

    public async Task ImportAsync(ImportRun run, string path, CancellationToken cancellationToken)
    {
        using (var probe = ImportText.PlainText(path))
        {
            if (!VCardReader.LooksLikeVCard(probe))
            {
                throw new UnreadableFileException("O arquivo .vcf não começa com BEGIN:VCARD: não é um arquivo de contatos vCard.");
            }
        }

        using var reader = ImportText.PlainText(path);
        var chunk = contacts.Chunk(run);
        foreach (var (card, problem) in VCardReader.Read(reader))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (run.Counts.RowsRead % ReportEvery == 0)
            {
                run.ReportRead(run.Counts.RowsRead);
            }

            run.Counts.RowsRead++;
            if (problem is not null)
            {
                await chunk.RejectAsync(problem.Line, problem.Reason, cancellationToken);
                continue;
            }

            if (card!.Name is { Length: > MaxNameLength })
            {
                await chunk.RejectAsync(card.Line, $"o nome tem mais de {MaxNameLength} caracteres.", cancellationToken);
                continue;
            }

            var row = new ContactRow(card.Name, card.Phones[0].Number, null, null, ConsentSources.Import, null) { Phones = [.. card.Phones.Select(p => p.Number)] };
            await chunk.AddAsync(row, card.Line, cancellationToken);
        }

        await chunk.FlushAsync(cancellationToken);
    }
}
