using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Dispatch;
using Vinculo.Import;
using Vinculo.Jobs;
using Vinculo.Phones;
using Vinculo.Planning;

namespace Vinculo.Demo;

/// <summary>What the people of the demo do, at a given simulated instant.</summary>
internal enum ReactionKind
{
    Delivered,
    Read,
    Undeliverable,
    Reply,
    OptOut,
    StopMarketing,
    Writes,
}

internal sealed record Reaction(ReactionKind Kind, DateTimeOffset At, string? ProviderMessageId, string? WaId, string? Text);

/// <summary>Counters of the simulated two weeks, for the day lines and the closing summary.</summary>
internal sealed class DemoTally
{
    public long Reads { get; set; }

    public long Replies { get; set; }

    public long OptOutsWritten { get; set; }

    public long StopsTapped { get; set; }

    public long Undeliverable { get; set; }

    public long Spontaneous { get; set; }
}

/// <summary>
/// The demo's two weeks: the real jobs, through the real job runner, on a simulated clock, against a database of the demo's
/// own. Each night revalidate-phones, expire-consents and plan-messages; every half hour of the day process-inbound (the
/// replies, reads and opt-outs the people produced since) and dispatch-messages with the <c>Log</c> sender. What people do
/// with what they receive is derived from the seed, written to the inbound tables as a WhatsApp integration would write
/// it, and applied by process-inbound like any real reply.
/// </summary>
internal sealed class DemoRun(IServiceProvider services, SimulatedClock clock, DemoBusiness business, string inbox, TextWriter output)
{
    private static readonly TimeZoneInfo SaoPaulo = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");

    private static readonly CultureInfo Br = CultureInfo.GetCultureInfo("pt-BR");

    private static readonly string[] OptOutTexts = ["SAIR", "Sair 🙏", "pode me tirar da lista", "não quero mais receber", "PARE", "sair por favor", "me remove dessa lista"];

    private static readonly string[] ReplyTexts = ["Quero sim! Pode separar", "Qual o valor?", "Tem em outra cor?", "Obrigada, vou dar uma olhada", "Entrega em qual prazo?"];

    private static readonly string[] SpontaneousTexts = ["Oi, vocês abrem amanhã?", "Chegou meu pedido, obrigado!", "Bom dia! Tem novidade?", "Qual o endereço da loja?"];

    private readonly Database database = services.GetRequiredService<Database>();
    private readonly JobRunner runner = services.GetRequiredService<JobRunner>();
    private readonly ProgressFeed progress = services.GetRequiredService<ProgressFeed>();
    private readonly PriorityQueue<Reaction, DateTimeOffset> pending = new();
    private readonly DemoTally tally = new();
    private readonly Dictionary<long, double> contentOptOut = [];
    private int days;

    public DemoTally Tally => tally;

    public async Task<bool> RunAsync(int days, CancellationToken cancellationToken)
    {
        this.days = days;
        var watch = Stopwatch.StartNew();
        await SeedAsync(cancellationToken);
        await output.WriteLineAsync(string.Create(Br, $"  base montada em {watch.Elapsed.TotalSeconds:N1} s: {business.People:N0} pessoas, {DemoBusiness.Contents.Count} conteúdos, histórico de compras e conversas"));
        var ok = true;
        for (var day = 0; day < days; day++)
        {
            ok &= await DayAsync(day, cancellationToken);
        }

        clock.Now = LocalTime(days, 0, 5);
        Show(days - 1, "últimas respostas");
        ok &= (await RunAsync(ProcessInboundJob.Key, cancellationToken)).Status == JobRunStatus.Succeeded;
        progress.Caption = null;
        await output.WriteLineAsync(string.Create(Br, $"  {days} dias simulados em {watch.Elapsed.TotalSeconds:N1} s"));
        return ok;
    }

    /// <summary>The shop's contents, the contact spreadsheet, WhatsApp chats and a do-not-call list taken through the real import, then the ERP's purchase history.</summary>
    private async Task SeedAsync(CancellationToken cancellationToken)
    {
        clock.Now = LocalTime(0, 0, 10);
        Show(0, "os arquivos da loja");
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            foreach (var content in DemoBusiness.Contents)
            {
                var id = await connection.ExecuteScalarAsync<long>(database.Command(
                    database.Dialect.InsertReturningKey(
                        "contents", "name, category, body, template_name, template_language, priority, created_at, updated_at",
                        "@Name, @category, @Body, @Template, 'pt_BR', @Priority, @at, @at", "content_id"),
                    new { content.Name, category = content.Category.Length == 0 ? null : content.Category, content.Body, content.Template, content.Priority, at = clock.Now.AddDays(-60) },
                    cancellationToken));
                contentOptOut[id] = content.OptOutEffect;
            }
        }

        Directory.CreateDirectory(inbox);
        Directory.CreateDirectory(Path.Combine(inbox, "suppression"));
        // The spreadsheet first (files are taken in name order), as a shop would start: then the chats match its people.
        await business.WriteContactsCsvAsync(Path.Combine(inbox, "0-clientes-do-erp.csv"), cancellationToken);
        var chats = await business.WriteChatsAsync(inbox, Math.Min(500, Math.Max(50, business.People / 8)), cancellationToken);
        var doNotCall = await business.WriteDoNotCallAsync(Path.Combine(inbox, "suppression", "nao-me-ligue.txt"), cancellationToken);
        foreach (var file in Directory.EnumerateFiles(inbox, "*", SearchOption.AllDirectories))
        {
            File.SetLastWriteTimeUtc(file, clock.Now.AddHours(-2).UtcDateTime);
        }

        clock.Now = LocalTime(0, 0, 30);
        Show(0, "importação dos arquivos");
        var watch = Stopwatch.StartNew();
        var import = await RunAsync(ImportChatsJob.Key, cancellationToken);
        var importTime = watch.Elapsed;
        await output.WriteLineAsync(string.Create(
            Br, $"  importação: planilha de {business.People:N0} contatos, {chats:N0} conversas exportadas do WhatsApp, lista \"Não Me Ligue\" com {doNotCall:N0} números ({Describe(import)}, {importTime.TotalSeconds:N1} s)"));
        watch.Restart();
        Show(0, "histórico de compras do ERP");
        await InsertPurchasesAsync(cancellationToken);
        await output.WriteLineAsync(string.Create(Br, $"  histórico de compras do ERP gravado em {watch.Elapsed.TotalSeconds:N1} s"));
    }

    /// <summary>The ERP's purchases, for each contact the spreadsheet created, streamed in batches.</summary>
    private async Task InsertPurchasesAsync(CancellationToken cancellationToken)
    {
        var write = new BulkWrite(
            "interactions",
            null,
            [
                new("contact_id", BulkType.Identifier), new("kind", BulkType.Text), new("occurred_at", BulkType.Timestamp), new("product", BulkType.Text),
                new("category", BulkType.Text), new("amount", BulkType.Fraction), new("source", BulkType.Text),
            ]);
        long after = 0;
        while (true)
        {
            List<(long ContactId, string ExternalRef)> page;
            await using (var connection = await database.OpenAsync(cancellationToken))
            {
                page = (await connection.QueryAsync<ContactRef>(database.Command(
                    "SELECT contact_id AS ContactId, external_ref AS ExternalRef FROM contacts WHERE contact_id > @after AND external_ref IS NOT NULL ORDER BY contact_id LIMIT 5000",
                    new { after },
                    cancellationToken))).Select(r => (r.ContactId, r.ExternalRef)).ToList();
            }

            if (page.Count == 0)
            {
                return;
            }

            var rows = new List<object?[]>();
            foreach (var (contactId, externalRef) in page)
            {
                foreach (var (at, product, category, amount) in business.Purchases(business.Person(IndexOf(externalRef))))
                {
                    rows.Add([contactId, "purchase", at, product, category, (double)amount, "erp"]);
                }
            }

            await database.BulkWriteAsync(write, rows, cancellationToken);
            after = page[^1].ContactId;
        }
    }

    private async Task<bool> DayAsync(int day, CancellationToken cancellationToken)
    {
        var ok = true;
        var planned = 0L;
        var results = new List<JobRunOutcome>();
        foreach (var (hour, minute, job) in new[] { (2, 0, RevalidatePhonesJob.Key), (2, 30, ExpireConsentsJob.Key), (3, 0, PlanMessagesJob.Key) })
        {
            clock.Now = LocalTime(day, hour, minute);
            Show(day, job);
            var run = await RunAsync(job, cancellationToken);
            ok &= run.Status == JobRunStatus.Succeeded;
            if (job == PlanMessagesJob.Key)
            {
                planned = run.Result?.Changed ?? 0;
            }
        }

        if (LocalTime(day, 4, 0).DayOfWeek == DayOfWeek.Sunday)
        {
            clock.Now = LocalTime(day, 4, 0);
            Show(day, RetentionJob.Key);
            ok &= (await RunAsync(RetentionJob.Key, cancellationToken)).Status == JobRunStatus.Succeeded;
        }

        ScheduleSpontaneous(day);
        var before = new DemoTally { Reads = tally.Reads, Replies = tally.Replies, OptOutsWritten = tally.OptOutsWritten };
        long sent = 0, cancelled = 0;
        for (var slot = 0; slot < 28; slot++)
        {
            var tick = LocalTime(day, 8, 0).AddMinutes(30 * slot);
            clock.Now = tick;
            Show(day, "respostas e envios");
            await FlushReactionsAsync(tick, cancellationToken);
            var inbound = await RunAsync(ProcessInboundJob.Key, cancellationToken);
            var dispatch = await RunAsync(DispatchMessagesJob.Key, cancellationToken);
            ok &= inbound.Status == JobRunStatus.Succeeded && dispatch.Status == JobRunStatus.Succeeded;
            sent += Count(dispatch, "sent_session") + Count(dispatch, "sent_template");
            cancelled += Group(dispatch, "cancelled");
            await ReactAsync(tick.AddMinutes(-30), tick, cancellationToken);
        }

        var date = LocalTime(day, 12, 0);
        await output.WriteLineAsync(string.Create(
            Br,
            $"  dia {day + 1,2} {date.ToString("ddd dd/MM", Br),-10} planejadas {planned,4}  enviadas {sent,4}  canceladas na hora {cancelled,3}  " +
            $"lidas {tally.Reads - before.Reads,4}  respostas {tally.Replies - before.Replies,3}  pedidos de saída {tally.OptOutsWritten - before.OptOutsWritten,3}"));
        return ok;
    }

    /// <summary>What the people who got a message between <paramref name="from"/> and <paramref name="to"/> will do with it.</summary>
    private async Task ReactAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        List<SentRow> sent;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            sent = (await connection.QueryAsync<SentRow>(database.Command(
                "SELECT q.message_id AS MessageId, q.content_id AS ContentId, q.phone_e164 AS Number, q.provider_message_id AS ProviderId, q.sent_at AS SentAt, " +
                "k.external_ref AS ExternalRef FROM message_queue q " +
                "JOIN contacts k ON k.contact_id = q.contact_id WHERE q.sent_at > @from AND q.sent_at <= @to AND q.provider_message_id IS NOT NULL AND k.external_ref IS NOT NULL",
                new { from, to },
                cancellationToken))).AsList();
        }

        foreach (var (messageId, contentId, number, providerId, sentAt, externalRef) in sent.Select(r => (r.MessageId, r.ContentId, r.Number, r.ProviderId, r.SentAt, r.ExternalRef)))
        {
            var person = business.Person(IndexOf(externalRef));
            var random = DemoRandom.For(business.Seed, 2_000_000_000L + messageId);
            var waId = number.TrimStart('+');
            if (person.NotOnWhatsApp)
            {
                Push(new Reaction(ReactionKind.Undeliverable, sentAt.AddMinutes(1), providerId, waId, null));
                continue;
            }

            var delivered = sentAt.AddMinutes(random.Next(1, 4));
            Push(new Reaction(ReactionKind.Delivered, delivered, providerId, waId, null));
            var read = random.Chance(person.Engagement);
            var readAt = delivered.AddMinutes(random.Next(5, 240));
            if (read)
            {
                Push(new Reaction(ReactionKind.Read, readAt, providerId, waId, null));
            }

            var after = read ? readAt : delivered.AddMinutes(random.Next(30, 300));
            if (random.Chance(person.OptOutProneness + contentOptOut.GetValueOrDefault(contentId)))
            {
                Push(random.Chance(0.15)
                    ? new Reaction(ReactionKind.StopMarketing, after.AddMinutes(random.Next(1, 30)), null, waId, null)
                    : new Reaction(ReactionKind.OptOut, after.AddMinutes(random.Next(1, 30)), null, waId, random.Pick(OptOutTexts)));
            }
            else if (read && random.Chance(0.12))
            {
                Push(new Reaction(ReactionKind.Reply, readAt.AddMinutes(random.Next(1, 60)), null, waId, random.Pick(ReplyTexts)));
            }
        }
    }

    /// <summary>People who write to the shop on their own, at their usual hour: a few in a hundred each day, some saying "sim".</summary>
    private void ScheduleSpontaneous(int day)
    {
        var random = DemoRandom.For(business.Seed, 3_000_000_000L + day);
        var count = Math.Max(1, business.People * 15 / 1000);
        for (var k = 0; k < count; k++)
        {
            var person = business.Person(random.Next(1, business.People + 1));
            if (person.E164 is null || person.Shape is NumberShape.Landline)
            {
                continue;
            }

            var text = person.Consent is null && random.Chance(0.3) ? "Sim" : random.Pick(SpontaneousTexts);
            var at = LocalTime(day, person.HabitHour, random.Next(0, 60));
            Push(new Reaction(ReactionKind.Writes, at, null, person.E164.TrimStart('+'), text));
        }
    }

    private void Push(Reaction reaction) => pending.Enqueue(reaction, reaction.At);

    /// <summary>Writes what happened up to <paramref name="until"/> into the inbound tables, as a WhatsApp integration would.</summary>
    private async Task FlushReactionsAsync(DateTimeOffset until, CancellationToken cancellationToken)
    {
        if (pending.Count == 0 || pending.Peek().At > until)
        {
            return;
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        while (pending.Count > 0 && pending.Peek().At <= until)
        {
            var r = pending.Dequeue();
            switch (r.Kind)
            {
                case ReactionKind.Delivered or ReactionKind.Read or ReactionKind.Undeliverable:
                    await connection.ExecuteAsync(database.Command(
                        "INSERT INTO message_status_events (provider_message_id, status, error_code, error_title, occurred_at, received_at, recipient_id) " +
                        "VALUES (@ProviderMessageId, @status, @code, @title, @At, @At, @WaId)",
                        new
                        {
                            r.ProviderMessageId, r.At, r.WaId,
                            status = r.Kind switch { ReactionKind.Read => "read", ReactionKind.Undeliverable => "failed", _ => "delivered" },
                            code = r.Kind == ReactionKind.Undeliverable ? (int?)SendErrorPolicy.Undeliverable : null,
                            title = r.Kind == ReactionKind.Undeliverable ? "Message Undeliverable" : null,
                        },
                        cancellationToken,
                        transaction));
                    tally.Reads += r.Kind == ReactionKind.Read ? 1 : 0;
                    tally.Undeliverable += r.Kind == ReactionKind.Undeliverable ? 1 : 0;
                    break;
                case ReactionKind.StopMarketing:
                    await connection.ExecuteAsync(database.Command(
                        "INSERT INTO preference_events (from_phone, category, value, occurred_at, received_at) VALUES (@WaId, 'marketing_messages', 'stop', @At, @At)",
                        new { r.WaId, r.At },
                        cancellationToken,
                        transaction));
                    tally.StopsTapped++;
                    break;
                default:
                    await connection.ExecuteAsync(database.Command(
                        "INSERT INTO inbound_messages (from_phone, body, kind, received_at) VALUES (@WaId, @Text, 'text', @At)", new { r.WaId, r.Text, r.At }, cancellationToken, transaction));
                    tally.Replies += r.Kind == ReactionKind.Reply ? 1 : 0;
                    tally.OptOutsWritten += r.Kind == ReactionKind.OptOut ? 1 : 0;
                    tally.Spontaneous += r.Kind == ReactionKind.Writes ? 1 : 0;
                    break;
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private Task<JobRunOutcome> RunAsync(string jobKey, CancellationToken cancellationToken) => runner.RunAsync(jobKey, cancellationToken);

    /// <summary>The simulated day and hour, and what happens then, above the runs of the live display.</summary>
    private void Show(int day, string step) =>
        progress.Caption = string.Create(Br, $"Demo: dia {day + 1} de {days}, {TimeZoneInfo.ConvertTime(clock.Now, SaoPaulo):ddd dd/MM HH:mm}: {step}");

    /// <summary>The instant of <paramref name="hour"/>:<paramref name="minute"/> in São Paulo on simulated day <paramref name="day"/>.</summary>
    private DateTimeOffset LocalTime(int day, int hour, int minute)
    {
        var local = business.Start.ToOffset(TimeSpan.FromHours(-3)).Date.AddDays(day).AddHours(hour).AddMinutes(minute);
        return LocalToUtc.Recorded(local, SaoPaulo);
    }

    private static long IndexOf(string externalRef) => long.Parse(externalRef.AsSpan(4), CultureInfo.InvariantCulture);

    private static long Count(JobRunOutcome run, string key) =>
        run.Result?.Detail is { } detail && detail.TryGetValue(key, out var value) && value is long n ? n : 0;

    private static long Group(JobRunOutcome run, string key) =>
        run.Result?.Detail is { } detail && detail.TryGetValue(key, out var value) && value is IReadOnlyDictionary<string, long> group ? group.Values.Sum() : 0;

    private static string Describe(JobRunOutcome run) => run.Status == JobRunStatus.Succeeded
        ? string.Create(Br, $"{run.Result?.Changed:N0} linhas gravadas")
        : "falhou: " + run.Error;

    private sealed class SentRow
    {
        public long MessageId { get; set; }

        public long ContentId { get; set; }

        public string Number { get; set; } = "";

        public string ProviderId { get; set; } = "";

        public DateTimeOffset SentAt { get; set; }

        public string ExternalRef { get; set; } = "";
    }

    private sealed class ContactRef
    {
        public long ContactId { get; set; }

        public string ExternalRef { get; set; } = "";
    }
}
