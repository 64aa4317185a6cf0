using System.Globalization;
using System.Text;
using Vinculo.Import;

namespace Vinculo.Bench;

/// <summary>
/// <c>vinculo-bench --import-contacts N</c>: a contact CSV of N rows as a business exports it from its own system (the
/// numbers in the shapes people type, with their duplicates and invalid ones; an external reference on most rows; consent
/// yes, no or blank, dated or not) imported into a scratch database of the configured engine; then the next month's export
/// of the same system (a tenth of the names and numbers changed, consents renewed, new customers at the end) imported over
/// it. Rows per second and the process's peak working set for each.
/// </summary>
public static class ContactImportBenchmark
{
    public static Task<int> RunAsync(IServiceProvider configured, Func<string, IServiceProvider> hostFor, int rows, TextWriter output, CancellationToken cancellationToken) =>
        ImportScratch.RunAsync(configured, hostFor, "contacts_csv", $"importação de um CSV de {rows:N0} contatos", output, async scratch =>
        {
            var ok = true;
            foreach (var (file, month) in new[] { ("clientes-outubro.csv", 0), ("clientes-novembro.csv", 1) })
            {
                var path = Path.Combine(scratch.Folder, file);
                var (written, bytes) = Write(path, rows, month);
                var (report, elapsed) = await scratch.ImportAsync(path, cancellationToken);
                var counts = report.Counts;
                await output.WriteLineAsync(
                    $"  {(month == 0 ? "primeira importação" : "exportação do mês seguinte"),-28} {elapsed.TotalSeconds,8:N2} s   " +
                    $"{written / Math.Max(elapsed.TotalSeconds, 1e-9),10:N0} linhas/s   ({written:N0} linhas, {bytes / 1048576.0:N1} MB; " +
                    $"{counts.ContactsCreated:N0} criados, {counts.ContactsUpdated:N0} atualizados, {counts.ConsentsGranted:N0} consentimentos, " +
                    $"{counts.ConsentsRenewed:N0} renovados, {counts.RowsRejected:N0} rejeitadas)");
                ok &= report.Outcome == FileOutcome.Archived;
            }

            return ok;
        },
        cancellationToken);

    /// <summary>
    /// Writes one month's export row by row (nothing of it is held in memory); returns its rows and bytes. The same seed
    /// gives the same people in the same order every month; month 1 changes some of them and adds new ones at the end.
    /// </summary>
    private static (int Rows, long Bytes) Write(string path, int rows, int month)
    {
        var people = new SyntheticContacts().Generate(rows + rows / 20).GetEnumerator();
        var other = new SyntheticContacts(seed: 7).Generate(rows).GetEnumerator();
        var random = new Random(20261207);
        var changes = new Random(20261207 + month);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
        writer.Write("codigo;nome;telefone;consentimento;data_consentimento\n");
        var count = month == 0 ? rows : rows + rows / 20;
        for (var i = 0; i < count; i++)
        {
            people.MoveNext();
            other.MoveNext();
            var person = people.Current;
            var roll = random.Next(100);
            var consent = roll < 55 ? "sim" : roll < 70 ? "não" : "";
            var consentAt = consent == "sim" && roll < 35 ? new DateTime(2025, 1, 1).AddMinutes(random.Next(600_000)) : (DateTime?)null;
            var reference = roll % 10 < 8 ? $"C{i:D8}" : "";
            var personName = person.Name;
            var phone = person.PhoneRaw;
            if (month == 1 && i < rows)
            {
                var change = changes.Next(100);
                if (change < 5)
                {
                    personName += " Jr.";
                }
                else if (change < 10 && reference.Length > 0)
                {
                    phone = other.Current.PhoneRaw;
                }
                else if (change < 30 && consentAt is { } at)
                {
                    consentAt = at.AddDays(30);
                }
            }

            writer.Write(reference);
            writer.Write(';');
            writer.Write(personName);
            writer.Write(';');
            writer.Write(Cell(phone));
            writer.Write(';');
            writer.Write(consent);
            writer.Write(';');
            writer.Write(consentAt?.ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture) ?? "");
            writer.Write('\n');
        }

        writer.Flush();
        return (count, writer.BaseStream.Length);
    }

    /// <summary>A phone cell as a spreadsheet writes it: quoted when it holds the separator or a quote.</summary>
    private static string Cell(string value) =>
        value.AsSpan().IndexOfAny(";\"\n\r") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace("\r", " ", StringComparison.Ordinal) + "\"";
}
