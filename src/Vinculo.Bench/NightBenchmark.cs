using System.Diagnostics;
using System.Globalization;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Vinculo.Consent;
using Vinculo.Data;
using Vinculo.Demo;
using Vinculo.Dispatch;
using Vinculo.Jobs;
using Vinculo.Phones;
using Vinculo.Planning;
using Vinculo.Privacy;

namespace Vinculo.Bench;

/// <summary>
/// <c>vinculo-bench --night N [--history-years Y]</c>: N contacts typed the way real bases hold them (<see cref="SyntheticContacts"/>)
/// with Y years of history (on average a dozen interactions and four earlier messages per person over three years,
/// scaled with Y: chats at a personal hour, purchases, reads, replies, some opt-outs), in a scratch database of the
/// configured engine, classified once as the nights before would have; then 1 % of the numbers edited, and one whole
/// night as the scheduler runs it: <c>revalidate-phones</c>, <c>expire-consents</c>, <c>plan-messages</c>, the day's
/// <c>dispatch-messages</c> through the Log sender, and <c>process-inbound</c> over the day's replies. Each job's time,
/// rows, peak working set, the process's CPU time and what it made the disk read, the phases the runs recorded, and the total.
/// </summary>
public static class NightBenchmark
{
    /// <summary>02:00 on Wednesday 2026-11-18 in São Paulo: the night begins.</summary>
    private static readonly DateTimeOffset Night = DateTimeOffset.Parse("2026-11-18T05:00:00Z", CultureInfo.InvariantCulture);

    private const int InsertBatch = 20_000;
    private const int ContentCount = 20;

    /// <summary>What a business at Meta's 10K tier sends in a day.</summary>
    private const int DailyLimit = 10_000;

    /// <summary>The most <c>Dispatch:MessagesPerSecond</c> allows: the day's sends take at least <see cref="DailyLimit"/> / this seconds.</summary>
    private const int SendsPerSecond = 1_000;

    private static readonly string[] Categories = ["cafe", "vinho", "padaria", "queijos", "doces", "chas", "azeites", "massas"];

    private static readonly string[] Replies =
    [
        "Oi, tudo bem? Queria saber do meu pedido", "Bom dia!", "Tem esse no 42?", "Obrigada 😊", "kkkk", "Pode me mandar o catálogo?",
        "Qual o horário de vocês amanhã?", "👍", "Chegou certinho, obrigado!", "quanto fica o frete pra cá?",
    ];

    private static readonly BulkWrite ContactRows = new(
        "contacts",
        null,
        [
            new("contact_id", BulkType.Identifier), new("name", BulkType.Text), new("phone_raw", BulkType.Text), new("phone_status", BulkType.Text),
            new("last_interaction_at", BulkType.Timestamp), new("created_at", BulkType.Timestamp), new("updated_at", BulkType.Timestamp),
        ]);

    private static readonly BulkWrite MessageRows = new(
        "message_queue",
        null,
        [
            new("contact_id", BulkType.Identifier), new("content_id", BulkType.Identifier), new("phone_e164", BulkType.Text), new("scheduled_at", BulkType.Timestamp),
            new("relevance", BulkType.Fraction), new("status", BulkType.Text), new("sent_as", BulkType.Text), new("created_at", BulkType.Timestamp),
            new("updated_at", BulkType.Timestamp), new("sent_at", BulkType.Timestamp),
        ]);

    private static readonly BulkWrite ContentRows = new(
        "contents",
        null,
        [
            new("content_id", BulkType.Identifier), new("name", BulkType.Text), new("category", BulkType.Text), new("body", BulkType.Text),
            new("priority", BulkType.Number), new("active", BulkType.Flag), new("template_name", BulkType.Text), new("created_at", BulkType.Timestamp),
            new("updated_at", BulkType.Timestamp),
        ]);

    private static readonly BulkWrite InboundRows = new(
        "inbound_messages",
        null,
        [new("provider_message_id", BulkType.Text), new("from_phone", BulkType.Text), new("body", BulkType.Text), new("kind", BulkType.Text), new("received_at", BulkType.Timestamp)]);

    /// <param name="hostFor">A host on the scratch database with these extra settings, on this clock.</param>
    /// <param name="baseName">
    /// A prepared base kept between runs (built, classified and edited the first time), whose night runs on a copy; null
    /// for a base built for this run alone.
    /// </param>
    public static async Task<int> RunAsync(
        IServiceProvider configured, Func<string, IReadOnlyList<string>, TimeProvider, IServiceProvider> hostFor, int contacts, int years, string? baseName, bool keep,
        TextWriter output, CancellationToken cancellationToken)
    {
        var dialect = configured.GetRequiredService<SqlDialect>();
        var name = BenchDatabase.ScratchName("night", configured.GetRequiredService<TimeProvider>().GetUtcNow());
        var outbox = Directory.CreateTempSubdirectory("vinculo-bench-outbox-").FullName;
        var clock = new SimulatedClock(Night.AddDays(-1));
        string[] settings =
        [
            "--Logging:LogLevel:Vinculo=Warning", "--Dispatch:Sender=Log", $"--Dispatch:OutboxPath={outbox}", $"--Dispatch:MessagesPerSecond={SendsPerSecond}",
            $"--Messaging:DailyLimit={DailyLimit}",
        ];
        string? scratch = null;
        try
        {
            var kept = baseName is null ? null : await dialect.FindScratchDatabaseAsync(baseName, cancellationToken);
            await output.WriteLineAsync(
                (kept is null
                    ? $"Vinculo bench: uma noite inteira sobre {contacts:N0} contatos com {years} ano(s) de histórico, "
                    : "Vinculo bench: uma noite inteira sobre os contatos e o histórico da base mantida, ") +
                $"{dialect.Provider}, banco descartável '{name}', " +
                $"{Environment.ProcessorCount} núcleos; limite diário {DailyLimit:N0}, remetente Log a " +
                $"{SendsPerSecond:N0} mensagens/s (o máximo de Dispatch:MessagesPerSecond: o envio do dia leva ao menos {DailyLimit / SendsPerSecond:N0} s)" +
                (baseName is null ? "" : kept is null ? $"; a base '{baseName}' é gerada e mantida" : $"; sobre uma cópia da base mantida '{baseName}' (os números dela valem)"));
            if (baseName is not null)
            {
                if (kept is null)
                {
                    kept = await dialect.CreateScratchDatabaseAsync(baseName, cancellationToken);
                    var prepared = false;
                    try
                    {
                        prepared = await PrepareAsync(hostFor(kept, settings, clock), clock, contacts, years, output, cancellationToken);
                    }
                    finally
                    {
                        if (!prepared)
                        {
                            // A half-built base would be taken for a prepared one by the next run.
                            await dialect.DropScratchDatabaseAsync(kept, CancellationToken.None);
                        }
                    }

                    if (!prepared)
                    {
                        return 1;
                    }
                }
                else if (!await ExpireKeptBaseYesterdayAsync(hostFor(kept, settings, clock), clock, output, cancellationToken))
                {
                    return 1;
                }

                var copying = Stopwatch.StartNew();
                scratch = await dialect.CopyScratchDatabaseAsync(kept, name, cancellationToken);
                await output.WriteLineAsync($"  {"copiar a base mantida",-34} {copying.Elapsed.TotalSeconds,8:N1} s");
            }
            else
            {
                scratch = await dialect.CreateScratchDatabaseAsync(name, cancellationToken);
            }

            var services = hostFor(scratch, settings, clock);
            var database = services.GetRequiredService<Database>();
            var runner = services.GetRequiredService<JobRunner>();
            if (baseName is null)
            {
                if (!await PrepareAsync(services, clock, contacts, years, output, cancellationToken))
                {
                    return 1;
                }
            }
            else
            {
                // A base kept from an earlier build is brought up to this build's schema before the night, with statistics of
                // the indexes the migrations added (the worker's first job after an upgrade gathers them; not the night's work).
                var migrating = Stopwatch.StartNew();
                await services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);
                if (database.Dialect.RoutineStatisticsSql is { } statistics)
                {
                    await using var connection = await database.OpenAsync(cancellationToken);
                    await connection.ExecuteAsync(database.Command(statistics, null, cancellationToken));
                }

                await output.WriteLineAsync($"  {"migrar a cópia",-34} {migrating.Elapsed.TotalSeconds,8:N1} s");
            }

            var steps = new List<(string Job, TimeSpan Elapsed, long Peak)>();

            // One job at the given instants (the scheduler's fires that have work), timed and sampled together.
            async Task<bool> StepAsync(string job, params DateTimeOffset[] instants)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                GC.Collect();
                using var sampler = new MemorySampler();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var disk = DiskReads.Current();
                var elapsed = TimeSpan.Zero;
                long scanned = 0, changed = 0;
                string? error = null;
                var phases = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var at in instants)
                {
                    clock.Now = at;
                    var stopwatch = Stopwatch.StartNew();
                    var run = await runner.RunAsync(job, cancellationToken);
                    elapsed += stopwatch.Elapsed;
                    AddPhases(phases, run.Result);
                    scanned += run.Result?.Scanned ?? 0;
                    changed += run.Result?.Changed ?? 0;
                    error ??= run.Status == JobRunStatus.Succeeded ? null : run.Error ?? run.Status.ToString();
                }

                var (peak, heap, live) = await sampler.StopAsync();
                cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                steps.Add((job, elapsed, peak));
                var runs = instants.Length == 1 ? "" : $" ({instants.Length} execuções)";
                await output.WriteLineAsync(
                    $"  {job + runs,-34} {elapsed.TotalSeconds,8:N1} s   {peak / 1048576.0,6:N0} MB   CPU {cpu.TotalSeconds:N1} s   " +
                    (error is null ? $"{scanned:N0} lidos, {changed:N0} alterados" : "FALHOU: " + error) + DiskReads.Describe(disk, DiskReads.Current()));
                await output.WriteLineAsync(
                    $"  {"  (memória gerenciada)",-34} pico do heap {heap / 1048576.0:N0} MB, vivo após coleta completa {live / 1048576.0:N0} MB");
                if (phases.Count > 0)
                {
                    var spent = phases.Where(p => p.Key != "total").OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value / 1000.0:N1} s");
                    await output.WriteLineAsync($"  {"  (fases registradas)",-34} {string.Join(", ", spent)}");
                }

                return error is null;
            }

            var ok = await StepAsync(RevalidatePhonesJob.Key, Night);
            ok &= await StepAsync(ExpireConsentsJob.Key, Night.AddMinutes(30));
            ok &= await StepAsync(PlanMessagesJob.Key, Night.AddHours(1));

            // The day's messages go out as their slots come: dispatch-messages every five minutes from the first slot to the
            // last of the day (the other fires of the minute find nothing due), then process-inbound over the replies.
            if (await DaySlotsAsync(database, cancellationToken) is { } day)
            {
                var fires = new List<DateTimeOffset>();
                for (var at = day.First; at < day.Last; at = at.AddMinutes(5))
                {
                    fires.Add(at);
                }

                fires.Add(day.Last);
                ok &= await StepAsync(DispatchMessagesJob.Key, [.. fires]);
                await output.WriteLineAsync($"  {"(fila do dia depois do envio)",-34} {await DayOutcomesAsync(database, day.First, day.Last, cancellationToken)}");
                var replies = await InsertRepliesAsync(database, day.First, day.Last, cancellationToken);
                await output.WriteLineAsync($"  {"(respostas do dia gravadas)",-34} {replies,8:N0}");
                ok &= await StepAsync(ProcessInboundJob.Key, day.Last.AddHours(2));
            }
            else
            {
                await output.WriteLineAsync("  nada planejado para o dia: dispatch-messages e process-inbound não foram medidos");
            }

            var total = steps.Aggregate(TimeSpan.Zero, (sum, step) => sum + step.Elapsed);
            using (var process = Process.GetCurrentProcess())
            {
                await output.WriteLineAsync(
                    $"  {"noite inteira",-34} {total.TotalSeconds,8:N1} s   {steps.Max(s => s.Peak) / 1048576.0,6:N0} MB   " +
                    $"(pico do processo, com a geração: {process.PeakWorkingSet64 / 1048576.0:N0} MB)");
            }

            return ok ? 0 : 1;
        }
        finally
        {
            if (keep)
            {
                await output.WriteLineAsync($"  banco mantido: '{name}'");
            }
            else if (scratch is not null)
            {
                await dialect.DropScratchDatabaseAsync(scratch, CancellationToken.None);
            }

            Directory.Delete(outbox, recursive: true);
        }
    }

    /// <summary>Builds the base (schema, contacts, history), classifies it as the nights before would have, and edits 1 % of the numbers.</summary>
    private static async Task<bool> PrepareAsync(IServiceProvider services, SimulatedClock clock, int contacts, int years, TextWriter output, CancellationToken cancellationToken)
    {
        var database = services.GetRequiredService<Database>();
        var runner = services.GetRequiredService<JobRunner>();
        await services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);
        var phones = services.GetRequiredService<IOptions<PhonesOptions>>().Value;
        var classifier = new PhoneClassifier(new PhoneOptions { DefaultRegion = phones.DefaultRegion, DefaultAreaCode = phones.DefaultAreaCode });

        var watch = Stopwatch.StartNew();
        var rows = await InsertAsync(database, classifier, contacts, years, cancellationToken);
        await output.WriteLineAsync($"  {"gerar e inserir",-34} {watch.Elapsed.TotalSeconds,8:N1} s   ({rows})");

        // The nights before: every number classified and its duplicates marked.
        watch.Restart();
        var first = await runner.RunAsync(RevalidatePhonesJob.Key, cancellationToken);
        if (first.Status != JobRunStatus.Succeeded)
        {
            await output.WriteLineAsync($"  a primeira varredura falhou: {first.Error}");
            return false;
        }

        var expired = await ExpireYesterdayAsync(services, clock, cancellationToken);
        if (expired.Status != JobRunStatus.Succeeded)
        {
            await output.WriteLineAsync($"  a expiração de ontem falhou: {expired.Error}");
            return false;
        }

        // Yesterday's plan, sent: the habitual hours the nights before learned are stored (a night rewrites only those that
        // moved), and yesterday's messages count towards tonight's cap.
        clock.Now = Night.AddDays(-1).AddHours(1);
        var yesterday = await runner.RunAsync(PlanMessagesJob.Key, cancellationToken);
        if (yesterday.Status != JobRunStatus.Succeeded)
        {
            await output.WriteLineAsync($"  o plano de ontem falhou: {yesterday.Error}");
            return false;
        }

        var sent = await SendYesterdayAsync(database, cancellationToken);
        var edited = await EditNumbersAsync(database, contacts, cancellationToken);
        await BenchDatabase.AnalyzeAsync(database, cancellationToken);
        await output.WriteLineAsync(
            $"  {"preparar (varredura inicial)",-34} {watch.Elapsed.TotalSeconds,8:N1} s   ({first.Result!.Scanned:N0} números classificados; " +
            $"{expired.Result!.Changed:N0} consentimentos expirados ontem; plano de ontem: {sent:N0} enviadas, {yesterday.Result!.Detail!["preferred_hour_updated"]:N0} horários aprendidos; {edited:N0} editados desde ontem)");
        return true;
    }

    /// <summary>
    /// Yesterday's expire-consents, as the nights before ran it: the consents idle for a year by then, or past their
    /// <c>expires_at</c>, are expired before the measured night, which then expires only those that crossed the line
    /// since (a base that never had it, the first night after installing, expires years of backlog at once: 4 % of the
    /// granted consents here).
    /// </summary>
    private static Task<JobRunOutcome> ExpireYesterdayAsync(IServiceProvider services, SimulatedClock clock, CancellationToken cancellationToken)
    {
        clock.Now = Night.AddDays(-1).AddMinutes(30);
        return services.GetRequiredService<JobRunner>().RunAsync(ExpireConsentsJob.Key, cancellationToken);
    }

    /// <summary>
    /// A base kept by an earlier build was prepared without <see cref="ExpireYesterdayAsync"/> (its <c>job_runs</c> hold no
    /// expire-consents): brought up to this build's schema and given it once, on the kept base itself. False when it failed.
    /// </summary>
    private static async Task<bool> ExpireKeptBaseYesterdayAsync(IServiceProvider services, SimulatedClock clock, TextWriter output, CancellationToken cancellationToken)
    {
        var database = services.GetRequiredService<Database>();
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            if (await connection.ExecuteScalarAsync<long>(database.Command(
                "SELECT COUNT(*) FROM job_runs WHERE job_key = @job", new { job = ExpireConsentsJob.Key }, cancellationToken)) > 0)
            {
                return true;
            }
        }

        var watch = Stopwatch.StartNew();
        await services.GetRequiredService<SchemaMigrator>().MigrateAsync(cancellationToken);
        var expired = await ExpireYesterdayAsync(services, clock, cancellationToken);
        await output.WriteLineAsync(expired.Status == JobRunStatus.Succeeded
            ? $"  {"expirar ontem (base mantida)",-34} {watch.Elapsed.TotalSeconds,8:N1} s   ({expired.Result!.Changed:N0} consentimentos)"
            : $"  a expiração de ontem falhou na base mantida: {expired.Error}");
        return expired.Status == JobRunStatus.Succeeded;
    }

    /// <summary>
    /// Streams the base in batches: contact i with a number from <see cref="SyntheticContacts"/>, created up to Y years ago;
    /// consent for 80 % (granted up to two years ago; one in eight of those revoked since), none for the rest; per year about
    /// three chats at a personal hour, a purchase, a read and a reply, and 1.3 earlier messages from the business
    /// (delivered, read, some failed or cancelled); 1 % of the numbers suppressed.
    /// </summary>
    private static async Task<string> InsertAsync(Database database, PhoneClassifier classifier, int count, int years, CancellationToken cancellationToken)
    {
        var random = new Random(2026);
        var batches = new Dictionary<BulkWrite, List<object?[]>>
        {
            [ContentRows] = [], [ContactRows] = [], [PlanBenchmark.ConsentRows] = [], [PlanBenchmark.InteractionRows] = [], [MessageRows] = [], [PlanBenchmark.SuppressionRows] = [],
        };
        var totals = batches.Keys.ToDictionary(k => k, _ => 0L);
        var created = Night.AddYears(-years - 1);
        for (var c = 1; c <= ContentCount; c++)
        {
            var category = c <= 16 ? Categories[(c - 1) % Categories.Length] : null;
            var body = (c % 2) == 0
                ? $"Olá {{first_name}}, o {{product}} que você gosta tem novidade ({c})."
                : $"Oi {{first_name}}! Chegou coisa nova em {category ?? "toda a loja"} esta semana ({c}).";
            batches[ContentRows].Add([(long)c, $"Conteúdo {c}", category, body, (c % 6) - 2, true, $"conteudo_{c}", created, created]);
        }

        var span = TimeSpan.FromDays(365.25 * years);
        var suppressed = new HashSet<string>(StringComparer.Ordinal);
        long id = 0;
        foreach (var person in new SyntheticContacts().Generate(count))
        {
            id++;
            var since = Night - TimeSpan.FromTicks((long)(random.NextDouble() * span.Ticks));
            var e164 = classifier.Classify(person.PhoneRaw).E164;
            var habit = random.Next(7, 22);
            DateTimeOffset? last = null;
            void Interaction(string kind, DateTimeOffset at, string? category = null)
            {
                batches[PlanBenchmark.InteractionRows].Add([id, kind, at, category is null ? null : category + " especial", category, "bench"]);
                last = last is null || at > last ? at : last;
            }

            // A moment between the contact's creation and the night, at a local hour (UTC-3); never after the night begins.
            DateTimeOffset Within(int hour)
            {
                var day = new DateTimeOffset((since + TimeSpan.FromTicks((long)(random.NextDouble() * (Night - since).Ticks))).UtcDateTime.Date, TimeSpan.Zero);
                var at = day.AddHours(hour + 3).AddMinutes(random.Next(0, 60));
                return at < Night ? at : at.AddDays(-1);
            }

            var perYear = (Night - since).TotalDays / 365.25;
            for (var n = Poisson(random, 3 * perYear); n > 0; n--)
            {
                Interaction("message_in", Within(habit));
            }

            for (var n = Poisson(random, 1 * perYear); n > 0; n--)
            {
                Interaction("purchase", Within(random.Next(9, 20)), Categories[random.Next(Categories.Length)]);
            }

            if (e164 is not null)
            {
                for (var n = Poisson(random, 1.3 * perYear); n > 0; n--)
                {
                    var at = Within(habit);
                    if (at > Night.AddDays(-8))
                    {
                        continue;
                    }

                    var roll = random.Next(20);
                    var status = roll < 9 ? "read" : roll < 17 ? "delivered" : roll < 19 ? "failed" : "cancelled";
                    var sent = status is "read" or "delivered" ? at : (DateTimeOffset?)null;
                    batches[MessageRows].Add([id, (long)random.Next(1, ContentCount + 1), e164, at, 0.5, status, sent is null ? null : "template", at, at, sent]);
                    if (status == "read")
                    {
                        Interaction("read", at.AddMinutes(random.Next(1, 600)));
                        if (random.Next(3) == 0)
                        {
                            Interaction("reply", at.AddMinutes(random.Next(5, 900)));
                        }
                    }
                }

                // A number typed twice (a duplicate contact) is suppressed once.
                if (id % 100 == 7 && suppressed.Add(e164))
                {
                    batches[PlanBenchmark.SuppressionRows].Add([PhoneHash.Of(e164), id % 200 == 7 ? "opt_out" : "import", since]);
                }
            }

            batches[ContactRows].Add([id, person.Name, person.PhoneRaw, "unchecked", last, since, since]);
            var consent = random.Next(10);
            if (consent < 8)
            {
                var grantedAt = Night.AddDays(-random.Next(1, 730));
                batches[PlanBenchmark.ConsentRows].Add([id, consent == 0 ? "revoked" : "granted", random.Next(3) == 0 ? "import" : "form", grantedAt, grantedAt]);
            }

            if (batches[ContactRows].Count >= InsertBatch)
            {
                await BenchDatabase.WriteBatchesAsync(database, batches, totals, cancellationToken);
            }
        }

        await BenchDatabase.WriteBatchesAsync(database, batches, totals, cancellationToken);
        return string.Join(", ", totals.Where(t => t.Key != ContentRows).Select(t => $"{t.Key.Table} {t.Value:N0}"));
    }

    /// <summary>
    /// Adds the phases a run recorded to <paramref name="sums"/>: in milliseconds (<c>timing_ms</c>), or in seconds, one after
    /// the other and busy side by side (revalidate-phones' <c>phase_seconds</c> and <c>busy_seconds</c>).
    /// </summary>
    private static void AddPhases(Dictionary<string, long> sums, JobResult? result)
    {
        if (result?.Detail is not { } detail)
        {
            return;
        }

        if (detail.TryGetValue("timing_ms", out var timings) && timings is IEnumerable<KeyValuePair<string, long>> phases)
        {
            foreach (var (name, ms) in phases)
            {
                sums[name] = sums.GetValueOrDefault(name) + ms;
            }
        }

        foreach (var (key, prefix) in new[] { ("phase_seconds", ""), ("busy_seconds", "busy_") })
        {
            if (detail.TryGetValue(key, out var seconds) && seconds is IEnumerable<KeyValuePair<string, double>> spans)
            {
                foreach (var (name, span) in spans)
                {
                    sums[prefix + name] = sums.GetValueOrDefault(prefix + name) + (long)Math.Round(span * 1000);
                }
            }
        }
    }

    /// <summary>Knuth's method: fine for the small means used here.</summary>
    private static int Poisson(Random random, double mean)
    {
        var limit = Math.Exp(-mean);
        var product = random.NextDouble();
        var n = 0;
        while (product > limit)
        {
            n++;
            product *= random.NextDouble();
        }

        return n;
    }

    /// <summary>Yesterday's queued messages went out at their slots and were delivered.</summary>
    private static async Task<int> SendYesterdayAsync(Database database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteAsync(database.Command(
            "UPDATE message_queue SET status = 'delivered', sent_at = scheduled_at, updated_at = scheduled_at WHERE status = 'queued'", null, cancellationToken));
    }

    /// <summary>One contact in a hundred typed their number again since yesterday, in another format (the trigger makes it due).</summary>
    private static async Task<int> EditNumbersAsync(Database database, int count, CancellationToken cancellationToken)
    {
        var random = new Random(17);
        var edits = new List<object>();
        for (long id = 1 + random.Next(100); id <= count; id += 100)
        {
            var ddd = random.Next(11, 100);
            edits.Add(new { id, raw = $"({ddd}) 9{random.Next(6, 10)}{random.Next(100, 1000)}-{random.Next(1000, 10000)}", now = Night.AddHours(-6) });
        }

        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            new CommandDefinition("UPDATE contacts SET phone_raw = @raw, updated_at = @now WHERE contact_id = @id", edits, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return edits.Count;
    }

    /// <summary>
    /// The first and last slot of the first send day the plan fills (the plan may reach further days; those stay queued):
    /// the slots of that day, in every zone the base's people live in, within a day of its first.
    /// </summary>
    private static async Task<(DateTimeOffset First, DateTimeOffset Last)?> DaySlotsAsync(Database database, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var first = await connection.ExecuteScalarAsync<DateTimeOffset?>(
            new CommandDefinition("SELECT MIN(scheduled_at) FROM message_queue WHERE status = 'queued'", cancellationToken: cancellationToken));
        if (first is not { } firstSlot)
        {
            return null;
        }

        var last = await connection.ExecuteScalarAsync<DateTimeOffset>(new CommandDefinition(
            "SELECT MAX(scheduled_at) FROM message_queue WHERE status = 'queued' AND scheduled_at < @end", new { end = firstSlot.AddHours(20) }, cancellationToken: cancellationToken));
        return (firstSlot, last);
    }

    /// <summary>The day's messages by status (and reason, when cancelled or failed).</summary>
    private static async Task<string> DayOutcomesAsync(Database database, DateTimeOffset first, DateTimeOffset last, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Status, string? Reason, long Count)>(new CommandDefinition(
            "SELECT status, status_reason, COUNT(*) FROM message_queue WHERE scheduled_at >= @first AND scheduled_at <= @last GROUP BY status, status_reason ORDER BY COUNT(*) DESC",
            new { first, last },
            cancellationToken: cancellationToken));
        return string.Join(", ", rows.Select(r => $"{r.Status}{(r.Reason is null ? "" : "/" + r.Reason)} {r.Count:N0}"));
    }

    /// <summary>One in ten people who got a message today answers within two hours; one answer in twenty is "sair".</summary>
    private static async Task<int> InsertRepliesAsync(Database database, DateTimeOffset first, DateTimeOffset after, CancellationToken cancellationToken)
    {
        List<string> numbers;
        await using (var connection = await database.OpenAsync(cancellationToken))
        {
            numbers = (await connection.QueryAsync<string>(new CommandDefinition(
                "SELECT phone_e164 FROM message_queue WHERE status = 'sent' AND sent_at >= @first ORDER BY message_id",
                new { first },
                cancellationToken: cancellationToken))).ToList();
        }

        var rows = numbers
            .Where((_, i) => i % 10 == 3)
            .Select((number, i) =>
            {
                var body = i % 20 == 0 ? "sair" : Replies[i % Replies.Length];
                return new object?[] { "wamid.night." + i.ToString(CultureInfo.InvariantCulture), number.TrimStart('+'), body, "text", after.AddMinutes(1 + (i % 110)) };
            })
            .ToList();
        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await database.Dialect.BulkWriteAsync(connection, transaction, InboundRows, rows, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        return rows.Count;
    }
}
