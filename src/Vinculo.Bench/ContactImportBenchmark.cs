using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Data;
using Vinculo.Import;
using Vinculo.Jobs;

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
    public static async Task<int> RunAsync(IServiceProvider configured, Func<string, IServiceProvider> hostFor, int rows, TextWriter output, CancellationToken cancellationToken)
    {
        var dialect = configured.GetRequiredService<SqlDialect>();
        var clock = configured.GetRequiredService<TimeProvider>();
        var name = BenchDatabase.ScratchName("contacts_csv", clock.GetUtcNow());
        var folder = Directory.CreateTempSubdirectory("vinculo-bench-contacts-").FullName;
        var scratch = await dialect.CreateScratchDatabaseAsync(name, cancellationToken);
        await output.WriteLineAsync($"Vinculo bench: importação de um CSV de {rows:N0} contatos, {dialect.Provider}, banco descartável '{name}', {Environment.ProcessorCount} núcleos");
        try
        {
            var services = hostFor(scratch);
            await services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);
            var processor = services.GetRequiredService<InboxProcessor>();
            var feed = services.GetRequiredService<ProgressFeed>();
            var inbox = new InboxFolder(folder);
            var ok = true;
            foreach (var (file, month) in new[] { ("clientes-outubro.csv", 0), ("clientes-novembro.csv", 1) })
            {
                var path = Path.Combine(folder, file);
                var (written, bytes) = Write(path, rows, month);
                using var progress = feed.Begin(ImportChatsJob.Key);
                var watch = Stopwatch.StartNew();
                var report = await processor.ProcessAsync(inbox, path, null, 1, clock.GetUtcNow(), waitForSettle: false, progress, cancellationToken);
                var elapsed = watch.Elapsed;
                var counts = report.Counts;
                await output.WriteLineAsync(
                    $"  {(month == 0 ? "primeira importação" : "exportação do mês seguinte"),-28} {elapsed.TotalSeconds,8:N2} s   " +
                    $"{written / Math.Max(elapsed.TotalSeconds, 1e-9),10:N0} linhas/s   ({written:N0} linhas, {bytes / 1048576.0:N1} MB; " +
                    $"{counts.ContactsCreated:N0} criados, {counts.ContactsUpdated:N0} atualizados, {counts.ConsentsGranted:N0} consentimentos, " +
                    $"{counts.ConsentsRenewed:N0} renovados, {counts.RowsRejected:N0} rejeitadas)");
                ok &= report.Outcome == FileOutcome.Archived;
            }

            using (var process = Process.GetCurrentProcess())
            {
                await output.WriteLineAsync($"  {"pico de memória (working set)",-28} {process.PeakWorkingSet64 / 1048576.0,8:N0} MB");
            }

            return ok ? 0 : 1;
        }
        finally
        {
            await dialect.DropScratchDatabaseAsync(scratch, CancellationToken.None);
            Directory.Delete(folder, recursive: true);
        }
    }

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
