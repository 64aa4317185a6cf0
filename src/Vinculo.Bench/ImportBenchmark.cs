using System.Globalization;
using System.Text;
using Vinculo.Import;

namespace Vinculo.Bench;

/// <summary>
/// <c>vinculo-bench --import-lines N</c>: a synthetic Android chat export of N lines (a year and more of one customer's
/// messages, the business's replies, multi-line messages, media, numbers mentioned now and then) imported into a scratch
/// database of the configured engine, then imported again (adding nothing), with lines per second and the process's
/// peak working set.
/// </summary>
public static class ImportBenchmark
{
    private const string FileName = "Conversa do WhatsApp com +55 11 98765-4321.txt";

    public static Task<int> RunAsync(IServiceProvider configured, Func<string, IServiceProvider> hostFor, int lines, TextWriter output, CancellationToken cancellationToken) =>
        ImportScratch.RunAsync(configured, hostFor, "import", $"importação de uma conversa de {lines:N0} linhas", output, async scratch =>
        {
            var path = Path.Combine(scratch.Folder, FileName);
            var bytes = Write(path, lines);
            await output.WriteLineAsync($"  {"conversa sintética",-28} {bytes / 1024.0 / 1024.0,8:N1} MB");

            var first = await scratch.ImportAsync(path, cancellationToken);
            await Report(output, "importação", first.Elapsed, lines, $"{first.Report.Counts.InteractionsAdded:N0} interações, {first.Report.Counts.ContactsCreated:N0} contatos");

            File.Move(first.Report.MovedTo!, path);
            var again = await scratch.ImportAsync(path, cancellationToken);
            await Report(output, "reimportação (nada novo)", again.Elapsed, lines, $"{again.Report.Counts.InteractionsAdded:N0} interações novas");
            return first.Report.Outcome == FileOutcome.Archived && again.Report.Outcome == FileOutcome.Archived && again.Report.Counts.InteractionsAdded == 0;
        },
        cancellationToken);

    /// <summary>Writes the export line by line (nothing of it is held in memory); returns its size in bytes.</summary>
    private static long Write(string path, int lines)
    {
        var texts = new[]
        {
            "Bom dia! Vocês ainda têm o bolo de cenoura com chocolate?", "Quero encomendar para sábado, por favor", "Obrigada, estava uma delícia!",
            "Vocês entregam no Tatuapé?", "Pode ser com cobertura dupla?", "Qual o valor da torta de limão inteira?", "Combinado 👍",
            "Chego aí umas 15h", "Tem opção sem lactose?", "Perfeito, pode separar",
        };
        var random = new Random(20261123);
        var time = new DateTime(2024, 1, 2, 8, 0, 0);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16);
        writer.Write(Stamp(time) + "As mensagens e ligações são protegidas com a criptografia de ponta a ponta.\n");
        var written = 1;
        var message = 0;
        while (written < lines)
        {
            time = time.AddSeconds(random.Next(20, 400));
            message++;
            // A 1:1 business chat: the business answers about as often as the customer writes.
            var roll = random.Next(100);
            if (roll < 45)
            {
                writer.Write(Stamp(time) + "Doceria Bela: " + texts[random.Next(texts.Length)] + "\n");
            }
            else if (roll < 50)
            {
                writer.Write(Stamp(time) + "+55 11 98765-4321: <Mídia oculta>\n");
            }
            else if (message % 2_000 == 0)
            {
                writer.Write(Stamp(time) + $"+55 11 98765-4321: o número da minha irmã é (11) 9{random.Next(6000, 9999)}-{random.Next(1000, 9999)}\n");
            }
            else
            {
                writer.Write(Stamp(time) + "+55 11 98765-4321: " + texts[random.Next(texts.Length)] + "\n");
                if (roll >= 85 && written + 1 < lines)
                {
                    // A message of two lines.
                    writer.Write(texts[random.Next(texts.Length)] + "\n");
                    written++;
                }
            }

            written++;
        }

        writer.Flush();
        return writer.BaseStream.Length;
    }

    private static string Stamp(DateTime time) => time.ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture) + " - ";

    private static Task Report(TextWriter output, string what, TimeSpan elapsed, long count, string extra) =>
        output.WriteLineAsync($"  {what,-28} {elapsed.TotalSeconds,8:N2} s   {count / Math.Max(elapsed.TotalSeconds, 1e-9),12:N0} linhas/s   ({extra})");
}
