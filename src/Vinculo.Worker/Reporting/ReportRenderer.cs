using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Vinculo.Reporting;

/// <summary>How <see cref="ReportRenderer"/> writes a report.</summary>
public enum ReportFormat
{
    /// <summary>Spectre.Console tables, for a person at a terminal.</summary>
    Terminal,

    /// <summary>The same sections as plain aligned text, for a file, a pipe or a log.</summary>
    Plain,

    /// <summary>The stable JSON schema documented on <see cref="VinculoReport"/>.</summary>
    Json,
}

/// <summary>
/// Writes a <see cref="VinculoReport"/> in Portuguese: as tables on a terminal, as aligned text when the output is redirected,
/// or as JSON. Instants are shown in the report's time zone (<c>Scheduler:TimeZone</c>); the JSON keeps them in UTC.
/// </summary>
public static class ReportRenderer
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new UtcInstantConverter() },
    };

    /// <summary>JSON when asked; tables when <paramref name="output"/> is the console and it is not redirected; plain text otherwise.</summary>
    public static ReportFormat ChooseFormat(TextWriter output, bool json) =>
        json ? ReportFormat.Json
        : ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? ReportFormat.Terminal
        : ReportFormat.Plain;

    /// <param name="width">The terminal's width for <see cref="ReportFormat.Terminal"/>, when not the console's own (tests).</param>
    public static void Write(VinculoReport report, TextWriter output, ReportFormat format, int? width = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(output);
        switch (format)
        {
            case ReportFormat.Json:
                output.WriteLine(ToJson(report));
                break;
            case ReportFormat.Terminal:
                WriteTables(report, output, width);
                break;
            default:
                WritePlain(report, output);
                break;
        }

        output.Flush();
    }

    public static string ToJson(VinculoReport report) => JsonSerializer.Serialize(report, JsonOptions);

    private static void WriteTables(VinculoReport report, TextWriter output, int? width)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = InteractionSupport.No,
        });
        if (width is { } given)
        {
            console.Profile.Width = given;
        }
        else if (!ReferenceEquals(output, Console.Out))
        {
            // Tables asked for on a writer that is not the terminal (a file, a test): wide enough for every section.
            console.Profile.Width = 140;
        }

        console.Write(new Rule($"[bold]{Markup.Escape(Heading(report))}[/]").LeftJustified());
        foreach (var section in Sections(report))
        {
            console.WriteLine();
            console.Write(new Rule(Markup.Escape(section.Title)).LeftJustified().RuleStyle(Style.Parse("grey")));
            if (section.Rows.Count > 0)
            {
                var table = new Table().Border(TableBorder.Rounded);
                foreach (var column in section.Columns)
                {
                    table.AddColumn(new TableColumn(new Text(column.Header)) { Alignment = column.Right ? Justify.Right : Justify.Left, NoWrap = column.NoWrap });
                }

                foreach (var row in section.Rows)
                {
                    table.AddRow(row.Select(cell => (IRenderable)new Text(cell)).ToArray());
                }

                // A table wider than the terminal would have Spectre squeeze whole columns out of sight (a job's status
                // among them): on a narrow terminal each row is written as a short list of its columns instead.
                var natural = ((IRenderable)table).Measure(RenderOptions.Create(console), int.MaxValue / 2).Max;
                if (natural <= console.Profile.Width)
                {
                    console.Write(table);
                }
                else
                {
                    WriteRecords(console, section);
                }
            }
            else if (section.Empty is { } empty)
            {
                console.MarkupLine($"[grey]{Markup.Escape(empty)}[/]");
            }

            foreach (var note in section.Notes)
            {
                console.MarkupLine(section.Alarm ? $"[bold red]{Markup.Escape(note)}[/]" : Markup.Escape(note));
            }
        }
    }

    /// <summary>Each row as its first cell, then the other columns one per line: what fits any terminal width.</summary>
    private static void WriteRecords(IAnsiConsole console, Section section)
    {
        foreach (var row in section.Rows)
        {
            console.MarkupLine($"[bold]{Markup.Escape(row[0])}[/]");
            var grid = new Grid().AddColumn(new GridColumn().Padding(2, 0, 2, 0).NoWrap()).AddColumn();
            for (var i = 1; i < section.Columns.Count; i++)
            {
                grid.AddRow(new Text(section.Columns[i].Header, new Style(Color.Grey)), new Text(row[i]));
            }

            console.Write(grid);
        }
    }

    private static void WritePlain(VinculoReport report, TextWriter output)
    {
        output.WriteLine(Heading(report));
        foreach (var section in Sections(report))
        {
            output.WriteLine();
            output.WriteLine($"== {section.Title} ==");
            if (section.Rows.Count > 0)
            {
                var widths = section.Columns
                    .Select((column, i) => Math.Max(column.Header.Length, section.Rows.Max(row => row[i].Length)))
                    .ToArray();
                output.WriteLine(Line(section.Columns.Select(c => c.Header).ToArray(), section.Columns, widths));
                output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
                foreach (var row in section.Rows)
                {
                    output.WriteLine(Line(row, section.Columns, widths));
                }
            }
            else if (section.Empty is { } empty)
            {
                output.WriteLine(empty);
            }

            foreach (var note in section.Notes)
            {
                output.WriteLine(note);
            }
        }
    }

    private static string Line(string[] cells, IReadOnlyList<Column> columns, int[] widths)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                line.Append("  ");
            }

            line.Append(columns[i].Right ? cells[i].PadLeft(widths[i]) : cells[i].PadRight(widths[i]));
        }

        return line.ToString().TrimEnd();
    }

    private static string Heading(VinculoReport report) =>
        $"Vinculo: estado da base em {Local(report.GeneratedAt, Zone(report))} (horários em {report.TimeZone})";

    /// <summary>The report as titled tables and lines, shared by the terminal and the plain form.</summary>
    /// <summary>The number's quality, tier and day's limit, in words (shared with <c>content list</c>).</summary>
    internal static List<string> SenderNotes(SenderHealthSummary sender, TimeZoneInfo zone)
    {
        var notes = new List<string>
        {
            sender.Flagged
                ? $"Qualidade: SINALIZADO pela Meta (FLAGGED) desde {Local(sender.FlaggedSince, zone)}: envios do dia reduzidos até a Meta retirar o alerta (UNFLAGGED)."
                : sender.QualityEvent is { } quality
                    ? $"Qualidade: sem alerta; último aviso da Meta {quality} em {Local(sender.QualityEventAt, zone)}."
                    : "Qualidade: nenhum aviso da Meta recebido.",
            sender.Tier is { } tier ? $"Nível de envio: {tier} (informado em {Local(sender.TierSince, zone)})." : "Nível de envio: não informado pela Meta.",
            $"Limite diário em vigor: {N(sender.EffectiveDailyLimit)} número(s) (Messaging:DailyLimit {N(sender.ConfiguredDailyLimit)}).",
        };
        return notes;
    }

    private static List<Section> Sections(VinculoReport report)
    {
        var zone = Zone(report);
        var sections = new List<Section>();

        var contacts = report.Contacts;
        sections.Add(new Section(
            $"Telefones: {N(contacts.Live)} contato(s) ativo(s) por situação do número",
            [new("situação"), new("contatos", true), new("com consentimento", true), new("na lista de supressão", true)],
            contacts.ByPhoneStatus.Select(p => new[] { p.Key, N(p.Value.Contacts), N(p.Value.ConsentGranted), N(p.Value.Suppressed) }).ToList()));

        var consent = report.Consent;
        var consentRows = consent.BySource
            .Select(s => new[] { s.Key, N(s.Value.Granted), N(s.Value.Revoked), N(s.Value.Expired) })
            .Append(["total", N(consent.Granted), N(consent.Revoked), N(consent.Expired)])
            .ToList();
        sections.Add(new Section(
            "Consentimento (LGPD) por origem",
            [new("origem"), new("concedido", true), new("revogado", true), new("expirado", true)],
            consentRows,
            notes: [$"Sem consentimento: {N(consent.WithoutConsent)} contato(s), que nunca recebem mensagens."]));

        sections.Add(new Section(
            $"Lista de supressão: {N(report.Suppression.Numbers)} número(s)",
            [new("motivo"), new("números", true)],
            report.Suppression.ByReason.Select(r => new[] { r.Reason, N(r.Numbers) }).ToList(),
            empty: "Nenhum número na lista."));

        sections.Add(new Section(
            "Plano dos próximos dias de envio",
            [new("dia", NoWrap: true), new("mensagens", true), new("na fila", true), new("primeiro horário", NoWrap: true), new("último horário", NoWrap: true)],
            report.Plan
                .Select(d => new[]
                {
                    d.SendDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), N(d.Messages), N(d.Queued), Local(d.FirstScheduledAt, zone), Local(d.LastScheduledAt, zone),
                })
                .ToList(),
            empty: "Nada planejado a partir de hoje."));

        var messages = report.Messages;
        var recent = $"últimos {messages.WindowDays.ToString(CultureInfo.InvariantCulture)} dias";
        sections.Add(new Section(
            $"Mensagens por situação ({recent}: horário previsto desde {Local(messages.Since, zone)})",
            [new("situação"), new(recent, true), new("desde o início", true)],
            messages.AllTime.ByStatus.Keys
                .Select(s => new[] { s, N(messages.LastDays.ByStatus[s]), N(messages.AllTime.ByStatus[s]) })
                .Append(["total", N(messages.LastDays.Total), N(messages.AllTime.Total)])
                .Concat(messages.AllTime.BySentAs.Keys.Select(s => new[] { $"enviadas como {s}", N(messages.LastDays.BySentAs[s]), N(messages.AllTime.BySentAs[s]) }))
                .ToList()));

        sections.Add(new Section(
            "Conteúdos: envios e descadastros (quem saiu depois de receber)",
            [
                new("id", true), new("nome"), new("estado"), new("na fila", true), new("enviadas", true), new("destinatários", true),
                new("descadastros", true), new("taxa", true),
            ],
            report.Contents
                .Select(c => new[]
                {
                    N(c.ContentId), c.Name, State(c.State), N(c.Queued), N(c.Sent), N(c.Recipients), N(c.OptedOut),
                    c.OptOutRate is { } rate ? (rate * 100).ToString("0.0", People) + " %" : "-",
                })
                .ToList(),
            empty: "Nenhum conteúdo cadastrado."));

        sections.Add(new Section(
            "Conteúdos pausados",
            [new("id", true), new("nome"), new("desde", NoWrap: true), new("motivo")],
            report.PausedContents.Select(p => new[] { N(p.ContentId), p.Name, Local(p.PausedAt, zone), p.PausedReason ?? "-" }).ToList(),
            empty: "Nenhum conteúdo pausado."));

        sections.Add(report.DispatchHalt is { } halt
            ? new Section(
                "Envio",
                [],
                [],
                notes:
                [
                    $"SUSPENSO desde {Local(halt.Since, zone)}" +
                    (halt.ErrorCode is { } code ? $" (erro {code.ToString(CultureInfo.InvariantCulture)})" : "") +
                    (halt.Node is { } node ? $" no nó {node}" : "") + $": {halt.Reason}",
                    "Nada é enviado até alguém corrigir a causa e executar 'vinculo dispatch resume'.",
                ],
                alarm: true)
            : new Section("Envio", [], [], notes: ["Ativo: nenhuma suspensão em aberto."]));

        var sender = report.SenderHealth;
        sections.Add(new Section(
            "Saúde do número na Meta (qualidade, nível de envio, modelos pausados)",
            [new("id", true), new("conteúdo"), new("modelo"), new("pausado desde", NoWrap: true), new("motivo")],
            sender.PausedTemplates
                .Select(t => new[] { N(t.ContentId), t.Name, $"{t.TemplateName ?? "-"} ({t.TemplateLanguage ?? "-"})", Local(t.PausedAt, zone), t.PausedReason ?? "-" })
                .ToList(),
            notes: SenderNotes(sender, zone),
            empty: "Nenhum modelo pausado pela Meta.",
            alarm: sender.Flagged));

        sections.Add(new Section(
            "Jobs: última execução e última falha",
            [
                new("job", NoWrap: true), new("agenda"), new("última execução", NoWrap: true), new("situação"), new("duração", true),
                new("último sucesso", NoWrap: true), new("última falha", NoWrap: true),
            ],
            report.Jobs
                .Select(j => new[]
                {
                    j.JobKey, j.Enabled ? j.Cron : $"{j.Cron} (desligado)", Local(j.LastRun?.StartedAt, zone), RunStatus(j.LastRun?.Status),
                    Duration(j.LastRun?.DurationSeconds), Local(j.LastSuccessAt, zone), Local(j.LastFailure?.StartedAt, zone),
                })
                .ToList(),
            notes: report.Jobs
                .Where(j => j.LastFailure is not null)
                .Select(j => $"{j.JobKey}, falha em {Local(j.LastFailure!.StartedAt, zone)}: {j.LastFailure.Error ?? "sem mensagem de erro"}")
                .ToList(),
            empty: "Nenhum job nesta versão."));

        return sections;
    }

    /// <summary>Figures for people are written the Brazilian way (5.000; 0,4 %); the JSON keeps plain numbers.</summary>
    private static readonly CultureInfo People = CultureInfo.GetCultureInfo("pt-BR");

    private static string N(long value) => value.ToString("N0", People);

    private static string State(string state) => state switch
    {
        "active" => "ativo",
        "paused" => "PAUSADO",
        _ => "inativo",
    };

    private static string RunStatus(string? status) => status switch
    {
        null => "nunca",
        "succeeded" => "sucesso",
        "failed" => "FALHOU",
        "running" => "rodando",
        _ => status,
    };

    private static string Duration(double? seconds) =>
        seconds is { } s ? (s < 120 ? s.ToString("0.0", People) + " s" : HealthCheck.Span(TimeSpan.FromSeconds(s))) : "-";

    private static string Local(DateTimeOffset? instant, TimeZoneInfo zone) =>
        instant is { } value ? TimeZoneInfo.ConvertTime(value, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "-";

    private static TimeZoneInfo Zone(VinculoReport report)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(report.TimeZone);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.Utc;
        }
    }

    /// <param name="NoWrap">Keys and instants are never broken across lines on a terminal; other columns give way first.</param>
    private sealed record Column(string Header, bool Right = false, bool NoWrap = false);

    /// <param name="empty">What to say instead of a table without rows (null: say nothing).</param>
    /// <param name="alarm">The notes are bad news (shown in red on a terminal).</param>
    private sealed class Section(
        string title, IReadOnlyList<Column> columns, IReadOnlyList<string[]> rows, IReadOnlyList<string>? notes = null, string? empty = null, bool alarm = false)
    {
        public string Title => title;

        public IReadOnlyList<Column> Columns => columns;

        public IReadOnlyList<string[]> Rows => rows;

        public IReadOnlyList<string> Notes => notes ?? [];

        public string? Empty => empty;

        public bool Alarm => alarm;
    }

    /// <summary>Instants as the database stores them: UTC, milliseconds, <c>2026-11-23T05:00:00.000Z</c>.</summary>
    private sealed class UtcInstantConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
    }
}
