using System.Globalization;
using Dapper;
using Vinculo.Data;
using Vinculo.Planning;

namespace Vinculo.Demo;

/// <summary>
/// What the demo's two weeks show, checked against the database rather than taken from the simulation's own counters:
/// numbers repaired and rejected, consent given, revoked and expired, opt-outs honoured (and no message after one),
/// messages planned at the person's hour and never twice within the cap, sent through the <c>Log</c> sender, contents
/// paused. Aggregates only: no number, name or message body is ever printed.
/// </summary>
internal sealed class DemoSummary(Database database, DemoTally tally, string outbox)
{
    private static readonly CultureInfo Br = CultureInfo.GetCultureInfo("pt-BR");

    public async Task<bool> WriteAsync(TextWriter output, int capDays, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        async Task<long> Count(string sql) => await connection.ExecuteScalarAsync<long>(database.Command(sql, null, cancellationToken));

        var statuses = (await connection.QueryAsync<(string, long)>(database.Command(
            "SELECT phone_status, COUNT(*) FROM contacts WHERE erased_at IS NULL GROUP BY phone_status ORDER BY phone_status", null, cancellationToken)))
            .ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
        var ninth = await Count("SELECT COUNT(*) FROM contacts WHERE phone_note LIKE '%ninth_digit'");
        var areaCode = await Count("SELECT COUNT(*) FROM contacts WHERE phone_note LIKE 'added_area_code%'");
        await output.WriteLineAsync();
        await output.WriteLineAsync("O que o Vinculo fez nestas duas semanas");
        await output.WriteLineAsync(string.Create(
            Br,
            $"  telefones     {Get(statuses, "valid"):N0} válidos; {Get(statuses, "repaired"):N0} corrigidos ({ninth:N0} com o nono dígito, {areaCode:N0} com o DDD padrão); " +
            $"{Get(statuses, "landline"):N0} fixos (sem WhatsApp); {Get(statuses, "invalid"):N0} inválidos, com o motivo; {Get(statuses, "duplicate"):N0} duplicados; " +
            $"{Get(statuses, "unreachable"):N0} inalcançáveis (o WhatsApp não entrega)"));

        var consents = (await connection.QueryAsync<(string, long)>(database.Command(
            "SELECT status, COUNT(*) FROM consents GROUP BY status", null, cancellationToken))).ToDictionary(r => r.Item1, r => r.Item2, StringComparer.Ordinal);
        var expiredIdle = await Count("SELECT COUNT(*) FROM consent_events WHERE event = 'expired'");
        var suppressed = await Count("SELECT COUNT(*) FROM suppression_list");
        await output.WriteLineAsync(string.Create(
            Br,
            $"  consentimento {Get(consents, "granted"):N0} válidos; {expiredIdle:N0} expirados (mais de um ano sem interação ou prazo vencido); " +
            $"{Get(consents, "revoked"):N0} revogados; {suppressed:N0} números na lista de supressão (descadastros e \"Não Me Ligue\")"));

        var revokedByPeople = await Count("SELECT COUNT(*) FROM consent_events WHERE event = 'revoked' AND source = 'whatsapp'");
        // A message that left after its number's revocation, with no new consent in between, would be a breach.
        var afterOptOut = await Count(
            "SELECT COUNT(*) FROM message_queue q WHERE q.sent_at IS NOT NULL AND EXISTS (" +
            "SELECT 1 FROM contacts k JOIN consent_events e ON e.contact_id = k.contact_id WHERE k.phone_e164 = q.phone_e164 AND e.event = 'revoked' AND e.occurred_at < q.sent_at " +
            "AND NOT EXISTS (SELECT 1 FROM consent_events g WHERE g.contact_id = e.contact_id AND g.event IN ('granted', 'renewed') AND g.occurred_at > e.occurred_at AND g.occurred_at < q.sent_at))");
        var cancelledByOptOut = await Count("SELECT COUNT(*) FROM message_queue WHERE status = 'cancelled' AND status_reason IN ('opted_out', 'marketing_opt_out')");
        await output.WriteLineAsync(string.Create(
            Br,
            $"  descadastros  {tally.OptOutsWritten + tally.StopsTapped:N0} pedidos (\"SAIR\", \"pode me tirar da lista\", \"parar promoções\" no WhatsApp): " +
            $"{revokedByPeople:N0} consentimentos revogados na execução seguinte (em até um minuto), {cancelledByOptOut:N0} mensagens da fila canceladas; " +
            $"mensagens enviadas depois de um descadastro: {afterOptOut}"));

        var (planned, atHabit, withHabit, tooClose) = await PlanChecksAsync(connection, capDays, cancellationToken);
        var skipped = await connection.ExecuteScalarAsync<string?>(database.Command(
            "SELECT detail FROM job_runs WHERE job_key = 'plan-messages' AND detail LIKE '%contents_skipped\":[{%' ORDER BY run_id DESC LIMIT 1", null, cancellationToken));
        var skippedNote = skipped is null ? "" : "; um conteúdo com erro ({nome}) foi ignorado e apontado no job_runs";
        await output.WriteLineAsync(string.Create(
            Br,
            $"  planejamento  {planned:N0} mensagens planejadas, a mais relevante de cada pessoa e só acima da relevância mínima; das {withHabit:N0} para pessoas com hora habitual aprendida, " +
            $"{atHabit:N0} na hora habitual atual da pessoa (o hábito se ajusta a cada leitura e resposta); pares de mensagens ao mesmo número a menos de {capDays} dias: {tooClose}{skippedNote}"));

        var sent = (await connection.QueryAsync<(string, long)>(database.Command(
            "SELECT sent_as, COUNT(*) FROM message_queue WHERE sent_at IS NOT NULL GROUP BY sent_as", null, cancellationToken)))
            .ToDictionary(r => r.Item1 ?? "", r => r.Item2, StringComparer.Ordinal);
        var read = await Count("SELECT COUNT(*) FROM message_queue WHERE status = 'read'");
        var undeliverable = await Count("SELECT COUNT(*) FROM message_queue WHERE status = 'failed' AND status_reason = 'undeliverable'");
        var missed = await Count("SELECT COUNT(*) FROM message_queue WHERE status = 'cancelled' AND status_reason <> 'opted_out' AND status_reason <> 'marketing_opt_out'");
        var lines = Directory.Exists(outbox) ? Directory.EnumerateFiles(outbox, "*.jsonl").Sum(f => File.ReadLines(f).LongCount()) : 0;
        await output.WriteLineAsync(string.Create(
            Br,
            $"  envio         {sent.Values.Sum():N0} enviadas pelo remetente Log ({Get(sent, "template"):N0} como modelo aprovado, {Get(sent, "session"):N0} como texto dentro da janela de 24 h), " +
            $"{lines:N0} pedidos gravados em {outbox}; {read:N0} lidas; {undeliverable:N0} não entregues (número sem WhatsApp); {missed:N0} canceladas na nova checagem antes do envio"));

        var paused = (await connection.QueryAsync<(string, string?)>(database.Command(
            "SELECT name, paused_reason FROM contents WHERE paused_at IS NOT NULL", null, cancellationToken))).AsList();
        foreach (var (name, reason) in paused)
        {
            await output.WriteLineAsync($"  disjuntor     conteúdo \"{name}\" pausado: {reason}");
        }

        return afterOptOut == 0 && tooClose == 0;
    }

    /// <summary>
    /// Every message planned: how many were placed on the person's habitual hour (on their own clock), and how many pairs
    /// of messages to one number that went out or wait to lie closer than the cap. Streamed, in number order.
    /// </summary>
    private async Task<(long Planned, long AtHabit, long WithHabit, long TooClose)> PlanChecksAsync(
        System.Data.Common.DbConnection connection, int capDays, CancellationToken cancellationToken)
    {
        long planned = 0, atHabit = 0, withHabit = 0, tooClose = 0;
        string? number = null;
        var times = new List<DateTimeOffset>();
        var zones = new ZoneResolver(TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo"));
        var window = SendWindow.Default;
        var rows = await connection.QueryAsync<PlannedRow>(database.Command(
            "SELECT q.phone_e164 AS Number, q.scheduled_at AS ScheduledAt, q.status AS Status, k.time_zone AS TimeZone, k.preferred_hour AS PreferredHour " +
            "FROM message_queue q JOIN contacts k ON k.contact_id = q.contact_id WHERE q.plan_day IS NOT NULL ORDER BY q.phone_e164, q.scheduled_at",
            null,
            cancellationToken));
        foreach (var row in rows)
        {
            planned++;
            if (row.PreferredHour is { } hour)
            {
                withHabit++;
                var local = TimeZoneInfo.ConvertTime(row.ScheduledAt, zones.Resolve(row.TimeZone));
                var expected = Math.Clamp(hour, window.Start.Hour, window.End.Hour - 1);
                atHabit += local.Hour == expected ? 1 : 0;
            }

            if (!string.Equals(number, row.Number, StringComparison.Ordinal))
            {
                number = row.Number;
                times.Clear();
            }

            if (FrequencyCap.Counts(row.Status))
            {
                tooClose += times.Count(t => (row.ScheduledAt - t).Duration() < TimeSpan.FromDays(capDays));
                times.Add(row.ScheduledAt);
            }
        }

        return (planned, atHabit, withHabit, tooClose);
    }

    private static long Get(IReadOnlyDictionary<string, long> counts, string key) => counts.GetValueOrDefault(key);

    private sealed class PlannedRow
    {
        public string Number { get; set; } = "";

        public DateTimeOffset ScheduledAt { get; set; }

        public string Status { get; set; } = "";

        public string? TimeZone { get; set; }

        public int? PreferredHour { get; set; }
    }
}
