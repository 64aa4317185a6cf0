using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Data;
using Vinculo.Import;
using Vinculo.Jobs;

namespace Vinculo.Cli;

/// <summary>
/// <c>import &lt;file or folder&gt; [--suppression]</c>: imports now, as the <c>import-chats</c> job would, and says what
/// became of each file. Files go to <c>archive/</c> or <c>quarantine/</c> beside them. Exit codes: 0 every file imported,
/// 1 a file was quarantined or could not be imported, 2 the path does not exist.
/// </summary>
internal static class ImportCommand
{
    public static Command Create(IReadOnlyList<string> configurationArgs, CommandLineContext context)
    {
        var path = new Argument<string>("caminho") { Description = "Arquivo ou pasta a importar (conversas .txt/.zip, contatos .csv)." };
        var suppression = new Option<bool>("--suppression")
        {
            Description = "Os arquivos são listas de números que nunca devem receber mensagens (ex.: \"Não Me Ligue\").",
        };
        var command = new Command(
            "import",
            "Importa agora conversas do WhatsApp ou planilhas de contatos; cada arquivo vai para archive/ (importado) ou quarantine/ (com o motivo).")
        { path, suppression };
        command.SetAction((parse, ct) => VinculoCommandLine.Guard(
            context, () => RunAsync(parse.GetValue(path)!, parse.GetValue(suppression), configurationArgs, context, ct)));
        return command;
    }

    private static async Task<int> RunAsync(string path, bool suppression, IReadOnlyList<string> configurationArgs, CommandLineContext context, CancellationToken ct)
    {
        var full = Path.GetFullPath(path);
        var isFolder = Directory.Exists(full);
        if (!isFolder && !File.Exists(full))
        {
            await context.Error.WriteLineAsync($"Caminho não encontrado: {path}");
            return VinculoCommandLine.BadUsage;
        }

        await using var progress = VinculoCommandLine.ProgressFor(context);
        using var host = VinculoCommandLine.BuildHost(configurationArgs, context, TimeProvider.System);
        progress.Start(host.Services);
        await VinculoCommandLine.PrepareDatabaseAsync(host, ct);
        var database = host.Services.GetRequiredService<Database>();
        // The job's own lease: a file is never imported by the job and the verb at the same time.
        await using var lease = await database.Dialect.TryAcquireLeaseAsync(database, JobRunner.LeaseName(JobCatalog.ImportChats), ct);
        if (lease is null)
        {
            await context.Error.WriteLineAsync("Outra importação (o job import-chats ou outro 'vinculo import') está em andamento; tente de novo em instantes.");
            return VinculoCommandLine.JobFailed;
        }

        var folder = new InboxFolder(isFolder ? full : Path.GetDirectoryName(full)!);
        var forced = suppression ? ImportKind.Suppression : (ImportKind?)null;
        var files = isFolder
            ? folder.Pending().Select(file => (file.Path, Kind: forced ?? file.Kind)).ToList()
            : [(full, forced)];
        if (files.Count == 0)
        {
            await progress.Output.WriteLineAsync($"Nenhum arquivo a importar em {full}.");
            return VinculoCommandLine.Success;
        }

        var processor = host.Services.GetRequiredService<InboxProcessor>();
        var clock = host.Services.GetRequiredService<TimeProvider>();
        var tally = new ImportTally();
        var index = 0;
        // The job's work, under the job's lease: shown and logged as the job.
        using (var run = context.Progress.Begin(JobCatalog.ImportChats))
        {
            foreach (var (file, kind) in files)
            {
                run.Report(InboxProcessor.Files, index, files.Count);
                var report = await processor.ProcessAsync(folder, file, kind, ++index, clock.GetUtcNow(), waitForSettle: false, run, ct);
                tally.Add(report);
                await progress.Output.WriteLineAsync(Describe(report, folder.Root));
                if (report.Outcome == FileOutcome.Failed)
                {
                    break;
                }
            }
        }

        await progress.Output.WriteLineAsync(
            $"Total: {tally.Archived} importado(s), {tally.Quarantined} em quarentena, {tally.Skipped + tally.Failed} não processado(s); " +
            $"{tally.InteractionsAdded} interação(ões) nova(s), {tally.ContactsCreated} contato(s) criado(s), {tally.ContactsUpdated} atualizado(s).");
        return tally.Quarantined + tally.Failed + tally.Skipped == 0 ? VinculoCommandLine.Success : VinculoCommandLine.JobFailed;
    }

    private static string Describe(FileReport report, string root)
    {
        var c = report.Counts;
        var where = report.MovedTo is null ? "" : $" → {Path.GetRelativePath(root, report.MovedTo)}";
        return report.Outcome switch
        {
            FileOutcome.Archived => $"{report.Name}: importado{where}. " + report.Kind switch
            {
                ImportKind.Chat when c.ErasedChat =>
                    $"Conversa com um titular que pediu a exclusão dos seus dados (LGPD): nada importado ({c.SkippedErased} mensagem(ns) ignorada(s)); arquivo apagado.",
                ImportKind.Chat when c.UnmatchedChat =>
                    $"Conversa com um contato salvo cujo nome não corresponde a exatamente um contato da base: nenhuma interação registrada ({c.MessagesRead} mensagem(ns) lida(s)).",
                ImportKind.Chat when c.GroupChat =>
                    $"Grupo: {c.MessagesRead} mensagem(ns) de membros identificados pelo número, {c.InteractionsAdded} interação(ões) nova(s), " +
                    $"{c.ContactsCreated} contato(s) criado(s); membros de grupo não recebem consentimento.",
                ImportKind.Chat =>
                    $"Conversa: {c.MessagesRead} mensagem(ns) do contato, {c.InteractionsAdded} interação(ões) nova(s), {c.ContactsCreated} contato(s) criado(s) " +
                    $"({c.MentionedContactsCreated} de números citados), {c.ConsentsGranted} consentimento(s) concedido(s).",
                ImportKind.Contacts =>
                    $"Contatos: {c.RowsRead} linha(s), {c.ContactsCreated} criado(s), {c.ContactsUpdated} atualizado(s), " +
                    $"{c.ConsentsGranted} consentimento(s) concedido(s), {c.ConsentsRenewed} renovado(s), {c.RowsRejected} linha(s) rejeitada(s)" +
                    (c.SkippedErased > 0 ? $", {c.SkippedErased} ignorada(s) por serem de titulares que pediram a exclusão dos dados (LGPD)." : "."),
                ImportKind.VCards =>
                    $"Contatos (vCard): {c.RowsRead} cartão(ões), {c.ContactsCreated} contato(s) criado(s), {c.ContactsUpdated} atualizado(s), {c.RowsRejected} cartão(ões) rejeitado(s)" +
                    (c.SkippedErased > 0 ? $", {c.SkippedErased} número(s) ignorado(s) por serem de titulares que pediram a exclusão dos dados (LGPD)." : "."),
                _ => $"Lista de supressão: {c.RowsRead} número(s) lido(s), {c.SuppressionsAdded} novo(s) na lista, {c.RowsRejected} linha(s) rejeitada(s).",
            } + string.Concat(c.Rejections.Select(r => Environment.NewLine + "  " + r)) + (report.Reason is null ? "" : " " + report.Reason),
            FileOutcome.Quarantined => $"{report.Name}: em quarentena{where}. Motivo: {report.Reason}",
            FileOutcome.Skipped => $"{report.Name}: não processado: {report.Reason}",
            _ => $"{report.Name}: não importado: {report.Reason}",
        };
    }
}
